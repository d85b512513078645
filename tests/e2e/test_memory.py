"""Flat memory in `generate`: four times the records (1,000 and 4,000
eligible records from scripts/gen-records.py, whose 4,000 make the
countersigning package split into parts) cost no more than 15 % more
peak RSS. Measured with /usr/bin/time -v on the release binary
($PACTDOC_RELEASE, default build/pactdoc), as in test_bulk: the
sanitizers' own memory would hide the program's. Before packages were
streamed, the 4,000-record run peaked ~45 % above the 1,000-record one.
`make bench-memory` measures the same at 1,000 and 100,000 records.
The bound on one document (the offer limits offer-length, offers-total,
offers-count) is tested in test_audit."""
import os
import sys
import tempfile
import unittest

from test_bulk import RELEASE, generate, measured

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
