"""Shared helpers for the end-to-end tests: run the pactdoc binary, make
temporary directories, write records."""
import os
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACTDOC = os.path.join(ROOT, os.environ.get("PACTDOC", "build/asan/pactdoc"))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
SAMPLES = os.path.join(ROOT, "tests", "data", "samples")


def run(*args, cwd=None, env=None, timeout=600, input=None):
    """Runs pactdoc with args; returns CompletedProcess with text output."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run([PACTDOC, *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout,
                          input=input)


def tempdir(testcase):
    """A temporary directory removed when the test ends."""
    d = tempfile.TemporaryDirectory(prefix="pactdoc-test-")
    testcase.addCleanup(d.cleanup)
    return d.name


def write(path, text, encoding="utf-8"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(text.encode(encoding) if isinstance(text, str) else text)
    return path


def catalogue_languages():
    """The language tags that have a catalogue (locales/<tag>.xlf)."""
    locales = os.path.join(ROOT, "locales")
    return sorted(f[:-4] for f in os.listdir(locales) if f.endswith(".xlf"))


def catalogue_for(tag):
    """The catalogue a record in `tag` is written in, as the records
    contract says: the tag, then its shorter prefixes (RFC 4647 lookup),
    then English. Written from the contract, not from pactdoc's code."""
    have = {t.lower(): t for t in catalogue_languages()}
    parts = tag.split("-")
    while parts:
        t = "-".join(parts).lower()
        if t in have:
            return have[t]
        parts.pop()
        if len(parts) > 1 and len(parts[-1]) == 1:
            parts.pop()
    return "en"
