"""The countersigning cover sheet's table as the countersigning official
reads it: each document's SHA-256 (computed here from the package's own
files) is printed whole, its 64 hex digits on one line of their own with
nothing before them (pdftotext), the applicant ids and file names are
never broken (at a hyphen or anywhere: one word each in pdftotext
-bbox), and the digest lines lie inside the margins, under their row."""
import glob
import hashlib
import os
import re
import subprocess
import tempfile
import unittest
import zipfile

import fontcheck
import harness
import typometrics

SAMPLE = os.path.join(harness.SAMPLES, "01-coordinators.xml")
PAGE_W = 595.276
MARGIN = 56.693
CELL_SIZE = 9.5              # table cells (src/layout/layout.c)


class CoverTable(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="pactdoc-cover-")
        cls.addClassCleanup(cls.tmp.cleanup)
        out = os.path.join(cls.tmp.name, "out")
        r = harness.run("generate", "-q", "-o", out, "--date", "2026-11-23",
                        SAMPLE)
        assert r.returncode == 0, r.stderr
        zips = glob.glob(os.path.join(out, "packages", "countersign-*.zip"))
        assert len(zips) == 1, zips
        cls.docs = {}
        with zipfile.ZipFile(zips[0]) as z:
            for name in z.namelist():
                data = z.read(name)
                if name.endswith("/cover-sheet.pdf"):
                    cls.cover = os.path.join(cls.tmp.name, "cover.pdf")
                    with open(cls.cover, "wb") as f:
                        f.write(data)
                elif "/agreements/" in name:
                    cls.docs[os.path.basename(name)] = \
                        hashlib.sha256(data).hexdigest()

    def text(self, *args):
        return subprocess.run(["pdftotext"] + list(args) + [self.cover, "-"],
                              check=True, capture_output=True,
                              text=True).stdout

    def test_every_digest_whole_on_its_own_line(self):
        self.assertGreaterEqual(len(self.docs), 8)
        lines = self.text().splitlines()
        for name, digest in sorted(self.docs.items()):
            self.assertIn(digest, lines, name)

    def test_ids_and_file_names_unbroken(self):
        """pdftotext reads a word broken across lines whole (the run
        carries its /ActualText) but boxes only its first part: each id
        and file name must be drawn as wide as it is, on one line."""
        font = fontcheck.TTFont(fontcheck.fontset()[0][1])
        cmap, hmtx = font.getBestCmap(), font["hmtx"]
        k = CELL_SIZE / font["head"].unitsPerEm
        boxes = {}
        for m in typometrics.WORD_RE.finditer(self.text("-bbox")):
            boxes[typometrics.unescape(m.group(5))] = \
                float(m.group(3)) - float(m.group(1))
        for name in self.docs:
            for word in (name.split("-agreement-")[0], name):
                width = sum(hmtx[cmap[ord(c)]][0] for c in word) * k
                self.assertIn(word, boxes)
                self.assertGreater(boxes[word], 0.9 * width,
                                   "%s drawn %.1f pt wide, is %.1f"
                                   % (word, boxes[word], width))

    def test_digest_lines_inside_the_margins(self):
        found = 0
        for m in typometrics.WORD_RE.finditer(self.text("-bbox")):
            if re.fullmatch(r"[0-9a-f]{64}", m.group(5)):
                x0, x1 = float(m.group(1)), float(m.group(3))
                self.assertGreaterEqual(x0, MARGIN - 0.5)
                self.assertLessEqual(x1, PAGE_W - MARGIN + 0.5)
                found += 1
        self.assertEqual(found, len(self.docs))


if __name__ == "__main__":
    unittest.main()
