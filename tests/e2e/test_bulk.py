"""Bulk test: 100,000 generated records (scripts/gen-records.py, made at
test time in a temporary directory) are validated with flat memory.

Memory is measured with /usr/bin/time -v on the release binary
($PACTDOC_RELEASE, default build/pactdoc): AddressSanitizer's shadow memory
and quarantine put the sanitized binary at ~0.5 GB whatever the reader does,
so the sanitized binary ($PACTDOC) is run on the same file for correctness
only (every record valid, no sanitizer report, right line numbers)."""
import os
import re
import subprocess
import sys
import unittest

import harness
from test_validate import assert_sane, run

GEN = os.path.join(harness.ROOT, "scripts", "gen-records.py")
RELEASE = os.path.join(harness.ROOT,
                       os.environ.get("PACTDOC_RELEASE", "build/pactdoc"))
N = 100000
RSS_LIMIT_KB = 50 * 1024


def generate(path, n, seed, *extra):
    subprocess.run([sys.executable, GEN, "-n", str(n), "--seed", str(seed),
                    "-o", path, *extra], check=True)


def measured(binary, *args):
    """Runs binary under /usr/bin/time -v with stdout to a file; returns
    (rc, stdout path, stderr text, peak RSS in kB)."""
    out = args[-1] + ".out"
    with open(out, "wb") as f:
        proc, err, rss = harness.time_v([binary, *args], stdout=f,
                                        timeout=1800)
    return proc.returncode, out, err, rss


def count_lines(path, pattern):
    rx = re.compile(pattern)
    n = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if rx.search(line):
                n += 1
    return n


class Bulk(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        import tempfile
        cls._tmp = tempfile.TemporaryDirectory(prefix="pactdoc-bulk-")
        cls.dir = cls._tmp.name
        cls.big = os.path.join(cls.dir, "bulk-100k.xml")
        generate(cls.big, N, 2026)

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def test_generator_is_deterministic(self):
        a = os.path.join(self.dir, "a.xml")
        b = os.path.join(self.dir, "b.xml")
        generate(a, 500, 99)
        generate(b, 500, 99)
        with open(a, "rb") as fa, open(b, "rb") as fb:
            self.assertEqual(fa.read(), fb.read())
        generate(b, 500, 100)
        with open(a, "rb") as fa, open(b, "rb") as fb:
            self.assertNotEqual(fa.read(), fb.read())

    def test_100k_records_valid_with_flat_memory(self):
        self.assertTrue(os.access(RELEASE, os.X_OK),
                        "the release binary %s is missing: make build/pactdoc"
                        % RELEASE)
        rc, out, err, rss = measured(RELEASE, "validate", "-q", self.big)
        self.assertEqual(rc, 0, err[-2000:])
        self.assertEqual(count_lines(out, r": valid$"), N)
        self.assertEqual(count_lines(out, r": rejected$"), 0)
        print("\n  bulk: %d records, peak RSS %.1f MB (release binary)"
              % (N, rss / 1024.0), file=sys.stderr)
        self.assertLess(rss, RSS_LIMIT_KB, "peak RSS %d kB" % rss)
        # Flat: 10x the records may cost the id set (unique in a run), not
        # the records: under 256 bytes per extra record.
        small = os.path.join(self.dir, "bulk-10k.xml")
        generate(small, N // 10, 2026)
        rc2, _, err2, rss2 = measured(RELEASE, "validate", "-q", small)
        self.assertEqual(rc2, 0, err2[-2000:])
        print("  bulk: %d records, peak RSS %.1f MB" % (N // 10, rss2 / 1024.0),
              file=sys.stderr)
        self.assertLess(rss - rss2, (N - N // 10) * 256 // 1024,
                        "RSS grows with the records: %d kB -> %d kB"
                        % (rss2, rss))

    def test_100k_records_under_sanitizers_with_big_line_numbers(self):
        """One record past line 2,000,000 is broken: its error and stdout
        line carry the right line number (libxml2 caps lines at 65,535
        without XML_PARSE_BIG_LINES), and all the others are valid."""
        path = os.path.join(self.dir, "bulk-broken.xml")
        lines = os.path.join(self.dir, "broken.lines")
        broken = N - 10
        generate(path, N, 2026, "--break", str(broken), "--lines", lines)
        with open(lines) as f:
            _, start, country_line = (int(x) for x in f.read().split())
        self.assertGreater(start, 65535)
        res = run("validate", "-q", path, timeout=1800)
        assert_sane(self, res, "bulk under sanitizers")
        self.assertEqual(res.rc, 1, res.err[-2000:])
        recs = res.records(path)
        self.assertEqual(len(recs), N)
        self.assertEqual(sum(1 for r in recs if r[2] == "valid"), N - 1)
        bad = [r for r in recs if r[2] == "rejected"]
        self.assertEqual(len(bad), 1)
        self.assertEqual(bad[0][1], "GEN-%s-%07d" % (bad[0][1].split("-")[1],
                                                     broken))
        self.assertEqual(bad[0][0], start, "the record's line")
        errs = res.errors(path)
        self.assertEqual(len(errs), 1, errs)
        self.assertIn(errs[0][1], (start, country_line),
                      "the error's line: %r" % (errs[0],))
        # Every record's line is its start tag's line, also past 65,535.
        starts = []
        with open(path, encoding="utf-8") as f:
            for no, line in enumerate(f, 1):
                if line.startswith("  <application "):
                    starts.append(no)
        self.assertEqual([r[0] for r in recs], starts)


if __name__ == "__main__":
    unittest.main()
