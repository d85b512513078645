"""Arabic joining from the font's own tables (HarfBuzz and the world
fonts' GSUB), as a reader sees it. The Sorani name "یەکێتی کۆمەڵە" holds
ێ (U+06CE) and ڵ (U+06B5), letters that Unicode gives no presentation
forms: pre-joining with ICU's u_shapeArabic left them isolated, wide
and cut off from their neighbours. Drawn through the font's init/medi
forms they take the narrow joined glyph (mutool's character boxes), and
the text layer still reads the name in logical order (pdftotext)."""
import os
import re
import subprocess
import unittest

import fontcheck
import harness

SAMPLE = os.path.join(harness.SAMPLES, "02-supporters.xml")
NAME = "\u06cc\u06d5\u06a9\u06ce\u062a\u06cc \u06a9\u06c6\u0645\u06d5\u06b5\u06d5"
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
        self.assertIn(NAME, text)

    def test_letters_without_presentation_forms_are_joined(self):
        stext = subprocess.run(["mutool", "draw", "-q", "-F", "stext",
                                "-o", "-", self.pdf, "1"], check=True,
                               capture_output=True, text=True).stdout
        seen = {}
        for quad, c in CHAR_RE.findall(stext):
            m = re.match(r"&#x([0-9a-fA-F]+);", c)
            cp = int(m.group(1), 16) if m else ord(c[0])
            if cp in (0x06CE, 0x06B5):
                q = [float(v) for v in quad.split()]
                seen.setdefault(cp, []).append(q[2] - q[0])
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
