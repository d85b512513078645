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
