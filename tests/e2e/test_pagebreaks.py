"""Page and line breaks in every document of the samples (all languages,
both directions). From the tagged PDF (pagebreaks.py): no page ends with
a heading, a heading keeps at least two lines of what follows on its
page, and no paragraph or list item leaves a single line at the bottom
(orphan) or the top (widow) of a page. From pdftotext -bbox: no
"and/or"-type word ("and/or", "и/или", "och/eller") is split across lines
(pdftotext reads a split word whole, from the run's /ActualText, but
boxes only its first part)."""
import glob
import os
import re
import subprocess
import tempfile
import unittest

import fontcheck
import harness
import pagebreaks
import typometrics

# a short word on either side of the slash, letters only
SLASH_WORD = re.compile(r"^([^\W\d_]{1,4}/[^\W\d_]+|[^\W\d_]+/[^\W\d_]{1,4})$")
# DejaVu's ascent + descent: pdftotext's word box height over the size
BOX_HEIGHT = 1.164


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

    def test_and_or_words_unbroken(self):
        ems = {}
        for face, path in fontcheck.fontset():
            if face != "regular":
                continue
            font = fontcheck.TTFont(path)
            upem = font["head"].unitsPerEm
            for cp, g in font.getBestCmap().items():
                ems.setdefault(chr(cp), font["hmtx"][g][0] / upem)
        bad, seen = [], 0
        for pdf in self.pdfs:
            out = subprocess.run(["pdftotext", "-bbox", pdf, "-"],
                                 check=True, capture_output=True,
                                 text=True).stdout
            for m in typometrics.WORD_RE.finditer(out):
                word = typometrics.unescape(m.group(5)).strip(".,;:()«»„“”")
                if not SLASH_WORD.match(word) or \
                        any(c not in ems for c in word):
                    continue
                seen += 1
                x0, y0, x1, y1 = (float(m.group(i)) for i in range(1, 5))
                natural = sum(ems[c] for c in word) * (y1 - y0) / BOX_HEIGHT
                if x1 - x0 < 0.9 * natural:
                    bad.append("%s: %s drawn %.1f pt wide, is %.1f" % (
                        os.path.basename(pdf), word, x1 - x0, natural))
        self.assertGreater(seen, 10)
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
