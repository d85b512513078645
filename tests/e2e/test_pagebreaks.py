"""Page breaks in every document of the samples (all languages, both
directions), read from the tagged PDF (pagebreaks.py): no page ends with
a heading, a heading keeps at least two lines of what follows on its
page, and no paragraph or list item leaves a single line at the bottom
(orphan) or the top (widow) of a page."""
import glob
import os
import tempfile
import unittest

import harness
import pagebreaks


class PageBreaks(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="pactdoc-breaks-")
        cls.addClassCleanup(cls.tmp.cleanup)
        out = os.path.join(cls.tmp.name, "out")
        samples = sorted(glob.glob(os.path.join(harness.SAMPLES, "*.xml")))
        r = harness.run("generate", "-q", "-o", out, "--date",
                        "2026-11-23", *samples)
        assert r.returncode == 0, r.stderr
        cls.pdfs = sorted(glob.glob(os.path.join(out, "*", "*.pdf")))

    def test_every_sample_document(self):
        self.assertGreater(len(self.pdfs), 60)
        langs = {os.path.basename(p).rsplit("-", 1)[1] for p in self.pdfs}
        self.assertTrue({"ar.pdf", "he.pdf", "lv.pdf", "bg.pdf"} <= langs)
        bad = []
        for pdf in self.pdfs:
            bad += ["%s: %s" % (os.path.basename(pdf), d)
                    for d in pagebreaks.defects(pdf)]
        self.assertEqual(bad, [])

    def test_checker_sees_the_breaks(self):
        """The reader finds the structure it checks: headings, paragraphs
        and list bodies on both sides of a page break."""
        kinds = set()
        split = 0
        for pdf in self.pdfs:
            doc = pagebreaks.pages(pdf)
            for p in range(len(doc) - 1):
                keys = {e[0] for e in doc[p + 1]}
                split += sum(1 for e in doc[p] if e[0] in keys)
            kinds |= {e[1] for page in doc for e in page}
        self.assertTrue({"/H1", "/H2", "/P", "/LBody"} <= kinds, kinds)
        self.assertGreater(split, 0)


if __name__ == "__main__":
    unittest.main()
