"""Arabic joining from the font's own tables (HarfBuzz and the world
fonts' GSUB), as a reader sees it. The Sorani name "یەکێتی کۆمەڵە" holds
ێ (U+06CE) and ڵ (U+06B5), letters that Unicode gives no presentation
forms: pre-joining with ICU's u_shapeArabic left them isolated, wide
and cut off from their neighbours. Drawn through the font's init/medi
forms they take the narrow joined glyph (mutool's character boxes), and
the text layer still reads the name in logical order (pdftotext). A ZWNJ
(Persian "شهرداری‌ها") still stops joining: the yeh before it is final,
as wide as its final form, not the narrow medial one."""
import os
import re
import subprocess
import unittest

import fontcheck
import harness

SAMPLE = os.path.join(harness.SAMPLES, "02-supporters.xml")
SORANI = "\u06cc\u06d5\u06a9\u06ce\u062a\u06cc \u06a9\u06c6\u0645\u06d5\u06b5\u06d5"
# Persian "municipalities": a ZWNJ after the yeh stops joining there
PERSIAN = "\u0634\u0647\u0631\u062f\u0627\u0631\u06cc\u200c\u0647\u0627"
NAME = SORANI + " " + PERSIAN
CHAR_RE = re.compile(r'<char quad="([-0-9. ]+)"[^>]* c="([^"]*)"')


def record_xml():
    """The JO-SUP-0001 sample with NAME as its organisation."""
    with open(SAMPLE, encoding="utf-8") as f:
        text = f.read()
    head = text[:text.index("  <application ")]
    start = text.index('  <application id="JO-SUP-0001"')
    end = text.index("</application>", start) + len("</application>")
    app = text[start:end].replace(
        "شبكة البلديات الأردنية للطاقة المستدامة", NAME)
    return head + app + "\n</applications>\n"


def isolated_width(cp, size):
    """Advance in points of cp's own (isolated) glyph in the world font."""
    for face, path in fontcheck.fontset():
        font = fontcheck.TTFont(path)
        cmap = font.getBestCmap()
        if face == "regular" and cp in cmap:
            return (font["hmtx"][cmap[cp]][0] * size /
                    font["head"].unitsPerEm)
    raise AssertionError("U+%04X in no regular font" % cp)


class ArabicJoining(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.tmp = tempfile.TemporaryDirectory(prefix="pactdoc-joining-")
        cls.addClassCleanup(cls.tmp.cleanup)
        src = os.path.join(cls.tmp.name, "r.xml")
        harness.write(src, record_xml())
        out = os.path.join(cls.tmp.name, "out")
        r = harness.run("generate", "-q", "-o", out, "--date", "2026-11-23",
                        src)
        assert r.returncode == 0, r.stderr
        cls.pdf = os.path.join(out, "JO-SUP-0001",
                               "JO-SUP-0001-declaration-ar.pdf")

    def test_name_reads_in_logical_order(self):
        text = subprocess.run(["pdftotext", self.pdf, "-"], check=True,
                              capture_output=True, text=True).stdout
        # the ZWNJ draws no glyph, so the text layer has none
        self.assertIn(NAME.replace("\u200c", ""), text)

    def chars(self):
        """[(code point, width in points)] of page 1, as mutool sees it."""
        stext = subprocess.run(["mutool", "draw", "-q", "-F", "stext",
                                "-o", "-", self.pdf, "1"], check=True,
                               capture_output=True, text=True).stdout
        out = []
        for quad, c in CHAR_RE.findall(stext):
            m = re.match(r"&#x([0-9a-fA-F]+);", c)
            q = [float(v) for v in quad.split()]
            out.append((int(m.group(1), 16) if m else ord(c[0]),
                        q[2] - q[0]))
        return out

    def test_zwnj_stops_joining(self):
        """Each occurrence of the name draws three yehs: the Sorani initial
        one (narrow) and two final ones (wide): the Sorani last letter and
        the Persian one before the ZWNJ, which joined through it would be
        medial and narrow."""
        narrow = isolated_width(0x06CC, 10.5) * 0.5
        yehs = [w for cp, w in self.chars() if cp == 0x06CC]
        wide = [w for w in yehs if w > narrow]
        self.assertGreater(len(yehs), 0)
        self.assertEqual(len(wide), 2 * (len(yehs) - len(wide)), yehs)

    def test_letters_without_presentation_forms_are_joined(self):
        seen = {}
        for cp, w in self.chars():
            if cp in (0x06CE, 0x06B5):
                seen.setdefault(cp, []).append(w)
        self.assertEqual(sorted(seen), [0x06B5, 0x06CE])
        for cp, widths in seen.items():
            # body and value text is 10.5 or 11 pt: the isolated glyph at
            # the smaller size is still far wider than the joined one
            iso = isolated_width(cp, 10.5)
            for w in widths:
                self.assertLess(w, 0.6 * iso,
                                "U+%04X drawn %.2f pt wide, isolated %.2f"
                                % (cp, w, iso))


if __name__ == "__main__":
    unittest.main()
