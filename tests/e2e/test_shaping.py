"""HarfBuzz shaping as a reader sees it: Latin pairs are kerned by the
font's GPOS ("AV", "To" closer than their plain advances), a combining
mark sits on its base's anchor (higher over a capital than over a small
letter, not at the pen), the gaps between words stay even, and the text
layer still gives back the record's letters exactly (pdftotext, mutool).
Read with pdftotext -bbox and mutool's structured text."""
import os
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

import fontcheck
import harness

SAMPLE = os.path.join(harness.SAMPLES, "01-coordinators.xml")
NAME = "AVAVAV HHHHHH ToToTo Wx\u0304x X\u0304Y Assembly"


def record_xml():
    """The IE-COORD-0031 sample with NAME as its organisation."""
    with open(SAMPLE, encoding="utf-8") as f:
        text = f.read()
    head = text[:text.index("  <countersignatory>")]
    head += text[text.index("  <countersignatory>"):
                 text.index("</countersignatory>") + 20]
    start = text.index('  <application id="IE-COORD-0031"')
    end = text.index("</application>", start) + len("</application>")
    app = text[start:end].replace("Eastern and Midland Regional Assembly",
                                  NAME)
    return head + "\n" + app + "\n</applications>\n"


def advances(word):
    """Unkerned advance of word in font units / em, for each face."""
    out = []
    for _face, path in fontcheck.fontset():
        font = fontcheck.TTFont(path)
        cmap, hmtx = font.getBestCmap(), font["hmtx"]
        if all(ord(c) in cmap for c in word):
            upem = font["head"].unitsPerEm
            out.append(sum(hmtx[cmap[ord(c)]][0] for c in word) / upem)
    return out


class Shaping(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="pactdoc-shaping-")
        cls.addClassCleanup(cls.tmp.cleanup)
        cls.work = cls.tmp.name
        src = os.path.join(cls.work, "r.xml")
        harness.write(src, record_xml())
        out = os.path.join(cls.work, "out")
        r = harness.run("generate", "-o", out, "--date", "2026-11-23", src)
        assert r.returncode == 0, r.stderr
        cls.pdf = os.path.join(out, "IE-COORD-0031",
                               "IE-COORD-0031-declaration-en.pdf")

    def words(self):
        """(text, xMin, xMax, yMin) of the words of page 1."""
        xml = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1",
                              self.pdf, "-"], capture_output=True,
                             text=True, check=True).stdout
        root = ET.fromstring(xml.replace(' xmlns="http://www.w3.org/1999/'
                                         'xhtml"', ""))
        return [(w.text, float(w.get("xMin")), float(w.get("xMax")),
                 float(w.get("yMin"))) for w in root.iter("word")]

    def test_pairs_are_kerned(self):
        words = self.words()
        first = {}
        for w in words:
            first.setdefault(w[0], w)
        ref = first["HHHHHH"]
        for word in ("AVAVAV", "ToToTo"):
            got = first[word]
            self.assertAlmostEqual(got[3], ref[3], delta=0.01)  # one line
            measured = (got[2] - got[1]) / (ref[2] - ref[1])
            plain = min(a / h for a, h in zip(advances(word),
                                              advances("HHHHHH")))
            # DejaVu's A-V and T-o pairs close up by several percent
            self.assertLess(measured, plain * 0.97, word)

    def test_word_gaps_stay_even(self):
        words = [w for w in self.words()]
        i = [w[0] for w in words].index("AVAVAV")
        gaps = [words[k + 1][1] - words[k][2] for k in range(i, i + 3)]
        self.assertLess(max(gaps) - min(gaps), 0.2, gaps)

    def test_marks_sit_on_their_anchors(self):
        st = subprocess.run(["mutool", "draw", "-F", "stext", "-o", "-",
                             self.pdf, "1"], capture_output=True,
                            check=True).stdout
        chars = [(c.get("c"), float(c.get("x")), float(c.get("y")))
                 for c in ET.fromstring(st).iter("char")]
        text = "".join(c[0] for c in chars)
        at = text.index("Wx\u0304x")
        small = chars[at + 2]
        cap = chars[text.index("X\u0304Y") + 1]
        self.assertEqual(small[0], "\u0304")
        self.assertEqual(cap[0], "\u0304")
        # over a capital the macron is lifted to the anchor, over x not
        self.assertLess(cap[2], small[2] - 1.0)
        # and drawn back over its base, not at the pen after it
        base_x, next_x = chars[at + 1][1], chars[at + 3][1]
        self.assertLess(small[1], next_x - 0.2)
        self.assertGreater(small[1], base_x)

    def test_text_layer_reads_the_record(self):
        for cmd in (["pdftotext", self.pdf, "-"],
                    ["mutool", "draw", "-F", "txt", "-o", "-", self.pdf]):
            out = subprocess.run(cmd, capture_output=True,
                                 check=True).stdout.decode("utf-8")
            self.assertIn(NAME, out, cmd[0])


if __name__ == "__main__":
    unittest.main()
