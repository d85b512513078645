"""Flat memory in `generate`: the support offers of one record are
bounded (rule offer-length: at most 100,000 characters, so one document's
memory is bounded too), and four times the records (1,000 and 4,000
eligible records from scripts/gen-records.py, whose 4,000 make the
countersigning package split into parts) cost no more than 15 % more
peak RSS. Measured with /usr/bin/time -v on the release binary
($PACTDOC_RELEASE, default build/pactdoc), as in test_bulk: the
sanitizers' own memory would hide the program's. Before packages were
streamed, the 4,000-record run peaked ~45 % above the 1,000-record one.
`make bench-memory` measures the same at 1,000 and 100,000 records."""
import os
import re
import sys
import tempfile
import unittest

import harness
from test_bulk import RELEASE, generate, measured
from test_package import RECORDS

LIMIT = 100000
OFFER = "Tehniskais atbalsts pašvaldībām enerģētikas plānošanā. "


def with_offer(chars):
    """The two-record batch of test_package, the coordinator offering
    support of exactly `chars` characters."""
    text = (OFFER * (chars // len(OFFER) + 1))[:chars - 1] + "x"
    return RECORDS.replace(
        '<eligibility confirmed="2026-11-20" reference="CoMO/2026/0042"/>',
        '<eligibility confirmed="2026-11-20" reference="CoMO/2026/0042"/>'
        '<support><offer kind="technical">%s</offer></support>' % text, 1)


class OfferLength(unittest.TestCase):

    def test_offers_over_the_limit_are_refused_by_both_commands(self):
        d = harness.tempdir(self)
        over = harness.write(os.path.join(d, "over.xml"), with_offer(LIMIT + 1))
        r = harness.run("validate", over)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr, r"over\.xml:8:\d+: error: record "
                         r"LV-COORD-0042: its support offers hold 100001 "
                         r"characters, more than the 100000 one document "
                         r"can print \[offer-length\]")
        self.assertIn("LV-COORD-0042: rejected", r.stdout)
        self.assertIn("LV-AP-0007: valid", r.stdout)
        out = os.path.join(d, "out")
        r = harness.run("generate", "--date", "2026-11-23", "-o", out, over)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("[offer-length]", r.stderr)
        self.assertIn("LV-COORD-0042: rejected", r.stdout)
        self.assertFalse(os.path.exists(os.path.join(out, "LV-COORD-0042")))
        self.assertTrue(os.path.isfile(os.path.join(
            out, "LV-AP-0007", "LV-AP-0007-declaration-lv.pdf")))

    def test_offers_at_the_limit_are_valid(self):
        d = harness.tempdir(self)
        at = harness.write(os.path.join(d, "at.xml"), with_offer(LIMIT))
        r = harness.run("validate", at)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("offer-length", r.stderr)

SMALL, LARGE = 1000, 4000
MARGIN = 1.15


class FlatMemory(unittest.TestCase):

    def peak(self, tmp, n):
        records = os.path.join(tmp, "r%d.xml" % n)
        generate(records, n, 7, "--eligible-only")
        out = os.path.join(tmp, "out%d" % n)
        rc, _, err, rss = measured(RELEASE, "generate", "-q", "--date",
                                   "2026-11-23", "-o", out, records)
        self.assertEqual(rc, 0, err[-2000:])
        return out, rss

    def test_generate_peak_rss_is_flat(self):
        self.assertTrue(os.access(RELEASE, os.X_OK),
                        "the release binary %s is missing: make build/pactdoc"
                        % RELEASE)
        with tempfile.TemporaryDirectory(prefix="pactdoc-mem-") as tmp:
            _, small = self.peak(tmp, SMALL)
            out, large = self.peak(tmp, LARGE)
            packages = sorted(os.listdir(os.path.join(out, "packages")))
            parts = [p for p in packages if p.startswith("countersign-")]
            self.assertGreater(len(parts), 1, parts)
            self.assertEqual(len(packages) - len(parts), LARGE)
        print("\n  memory: %d records %.1f MB, %d records %.1f MB (x%.2f)"
              % (SMALL, small / 1024.0, LARGE, large / 1024.0,
                 large / small), file=sys.stderr)
        self.assertLess(large, small * MARGIN,
                        "peak RSS grows with the run: %d kB -> %d kB"
                        % (small, large))


if __name__ == "__main__":
    unittest.main()
