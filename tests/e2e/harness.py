"""Shared helpers for the end-to-end tests: run the pactdoc binary and the
tools that check its output (xmllint, qpdf, pdfinfo...), measure peak
memory, digest files, make temporary directories, write records."""
import glob
import hashlib
import os
import re
import shutil
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACTDOC = os.path.join(ROOT, os.environ.get("PACTDOC", "build/asan/pactdoc"))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
SAMPLES = os.path.join(ROOT, "tests", "data", "samples")
RECORDS_XSD = os.path.join(ROOT, "schema", "records.xsd")


def run(*args, cwd=None, env=None, timeout=600, input=None):
    """Runs pactdoc with args; returns CompletedProcess with text output."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run([PACTDOC, *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout,
                          input=input)


def generate_pdfs(out, *inputs, date="2026-11-23"):
    """Runs `pactdoc generate -q --date DATE -o out INPUTS...`: returns
    (the CompletedProcess, the PDFs it wrote into out's record folders,
    sorted)."""
    r = run("generate", "-q", "--date", date, "-o", out, *inputs)
    return r, sorted(glob.glob(os.path.join(out, "*", "*.pdf")))


def tool(*args, timeout=300, **kw):
    """Runs an external program (qpdf, pdfinfo, pdfsig...) with its output
    captured as text; returns the CompletedProcess."""
    return subprocess.run(list(args), capture_output=True, text=True,
                          timeout=timeout, **kw)


def xmllint(schema, path):
    """xmllint's verdict on the XML file path against the XSD schema,
    never fetching anything (--nonet): a CompletedProcess, returncode 0
    when the file is valid, the reasons in stderr."""
    return tool("xmllint", "--noout", "--nonet", "--schema", schema, path)


def time_v(argv, stdout=subprocess.PIPE, timeout=600):
    """Runs argv under /usr/bin/time -v: (CompletedProcess with bytes
    output, stderr as text, peak RSS in kB). stdout may be a file to take
    a large output. Raises AssertionError when time reports no RSS."""
    proc = subprocess.run(["/usr/bin/time", "-v", *argv], stdout=stdout,
                          stderr=subprocess.PIPE, timeout=timeout)
    err = proc.stderr.decode("utf-8", "replace")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    if m is None:
        raise AssertionError("no RSS from /usr/bin/time:\n" + err[-2000:])
    return proc, err, int(m.group(1))


def sha256(path):
    """The SHA-256 of a file's bytes, in lower-case hex."""
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def signing_db(testcase, work, subject="pactdoc test signer"):
    """A throwaway certificate for CN=subject, nicknamed "signer", in an
    NSS database made under work/nss (once: a second call returns the
    first one). Returns ("sql:" + the database, the PKCS#12 file, password
    "pw"). Each step is asserted; a missing tool fails the test."""
    for t in ("certutil", "pk12util", "openssl", "pdfsig"):
        testcase.assertIsNotNone(shutil.which(t), t)
    db = os.path.join(work, "nss")
    p12 = os.path.join(work, "cert.p12")
    if os.path.exists(p12):
        return "sql:" + db, p12
    os.makedirs(db)
    key = os.path.join(work, "key.pem")
    cert = os.path.join(work, "cert.pem")
    for step in (
            ["certutil", "-N", "-d", "sql:" + db, "--empty-password"],
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
             "-keyout", key, "-out", cert, "-days", "2",
             "-subj", "/CN=" + subject],
            ["openssl", "pkcs12", "-export", "-inkey", key, "-in", cert,
             "-out", p12, "-passout", "pass:pw", "-name", "signer"],
            ["pk12util", "-i", p12, "-d", "sql:" + db, "-W", "pw"]):
        r = tool(*step)
        testcase.assertEqual(r.returncode, 0, (step, r.stderr))
    return "sql:" + db, p12


def sign_both_fields(testcase, nss, pdf, work):
    """Signs applicant_signature of pdf, then commission_signature of the
    signed file, with pdfsig and nss's "signer" (signing_db), into
    work/signed1.pdf and work/signed2.pdf. Asserts that both signatures
    verify and name their fields; returns (the twice-signed file,
    pdfsig's report on it)."""
    once = os.path.join(work, "signed1.pdf")
    twice = os.path.join(work, "signed2.pdf")
    for field, src, dst in (("applicant_signature", pdf, once),
                            ("commission_signature", once, twice)):
        r = tool("pdfsig", "-nssdir", nss, "-nick", "signer", "-sign",
                 field, src, dst)
        testcase.assertEqual(r.returncode, 0, r.stderr)
    r = tool("pdfsig", "-nssdir", nss, twice)
    testcase.assertEqual(r.stdout.count("Signature is Valid."), 2, r.stdout)
    testcase.assertIn("Signature Field Name: applicant_signature", r.stdout)
    testcase.assertIn("Signature Field Name: commission_signature", r.stdout)
    return twice, r.stdout


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
