"""The shipped fonts: no composite glyph left (libharu 2.3.0 drops nested
ones), renamed, unhinted, rebuilt byte for byte by the script; every
character of every catalogue and sample covered by the fallback chain and
actually drawn (rendered and measured) in both faces."""
import os
import subprocess
import sys
import tempfile
import unittest

import fontcheck
import harness

SCRIPT = os.path.join(fontcheck.ROOT, "scripts", "build-fonts.py")


class ShippedFonts(unittest.TestCase):

    def test_fontset_lists_core_then_world(self):
        faces = {}
        for face, path in fontcheck.fontset():
            self.assertTrue(os.path.exists(path), path)
            faces.setdefault(face, []).append(os.path.basename(path))
        self.assertEqual(faces["regular"],
                         ["PactdocSans.ttf", "PactdocSansWorld.ttf"])
        self.assertEqual(faces["bold"],
                         ["PactdocSans-Bold.ttf", "PactdocSansWorld-Bold.ttf"])

    def test_no_composite_glyph_no_hinting(self):
        for _face, path in fontcheck.fontset():
            font = fontcheck.TTFont(path)
            glyf = font["glyf"]
            composites = [g for g in font.getGlyphOrder()
                          if glyf[g].isComposite()]
            self.assertEqual(composites, [], path)
            for tag in ("fpgm", "prep", "cvt ", "kern"):
                self.assertNotIn(tag, font, path)
            # GSUB only where Arabic is (the world fonts), only under the
            # Arabic script and only its joining features: Latin "fi" or
            # Hebrew ligatures would break one glyph per character
            if "GSUB" in font:
                gsub = font["GSUB"].table
                self.assertIn("World", path)
                self.assertEqual([r.ScriptTag for r in
                                  gsub.ScriptList.ScriptRecord], ["arab"])
                feats = {r.FeatureTag for r in
                         gsub.FeatureList.FeatureRecord}
                self.assertTrue({"init", "medi", "fina", "rlig"} <= feats,
                                feats)
                self.assertTrue(feats <= {"init", "medi", "fina", "isol",
                                          "rlig", "liga"}, feats)
            else:
                self.assertNotIn("World", path)
            # GPOS stays for HarfBuzz, cut to kerning and mark anchors
            feats = {r.FeatureTag for r in
                     font["GPOS"].table.FeatureList.FeatureRecord}
            self.assertTrue(feats <= {"kern", "mark", "mkmk"}, feats)
            self.assertIn("mark", feats, path)
            for g in font.getGlyphOrder():
                prog = getattr(glyf[g], "program", None)
                self.assertFalse(prog and prog.getBytecode(),
                                 "%s: %s is hinted" % (path, g))

    def test_renamed_with_licence_kept(self):
        for _face, path in fontcheck.fontset():
            name = fontcheck.TTFont(path)["name"]
            for nid in (1, 3, 4, 6, 16):
                value = name.getDebugName(nid) or ""
                self.assertNotIn("DejaVu", value, (path, nid))
                self.assertNotIn("Vera", value, (path, nid))
            self.assertTrue(name.getDebugName(1).startswith("Pactdoc Sans"))
            self.assertIn("Bitstream", name.getDebugName(0))

    def test_build_is_reproducible(self):
        """The script rebuilds the committed files byte for byte."""
        out = harness.tempdir(self)
        subprocess.run([sys.executable, SCRIPT, out], check=True,
                       capture_output=True, timeout=300)
        for name in sorted(os.listdir(fontcheck.FONTS)):
            if name.endswith(".ttf") or name == "fontset.txt":
                with open(os.path.join(fontcheck.FONTS, name), "rb") as a, \
                        open(os.path.join(out, name), "rb") as b:
                    self.assertEqual(a.read(), b.read(), name)


class Coverage(unittest.TestCase):

    def test_every_catalogue_and_sample_character_is_covered(self):
        chains = fontcheck.chains()
        cmaps = {face: [f.getBestCmap() for f in fonts]
                 for face, fonts in chains.items()}
        problems = []
        checked = 0
        for path in fontcheck.text_files():
            text = fontcheck.xml_text(path)
            if text is None:
                continue   # not well-formed or has a DTD: rejected whole
            checked += 1
            for c in fontcheck.drawn_chars(text):
                for face, maps in sorted(cmaps.items()):
                    if not any(ord(c) in m for m in maps):
                        problems.append("%s: U+%04X %s (%s)" % (
                            os.path.relpath(path, fontcheck.ROOT), ord(c),
                            c, face))
        self.assertEqual(problems, [])
        # The committed fonts must at least cover the baseline scripts.
        for c in fontcheck.drawn_chars(fontcheck.BASELINE):
            for face, maps in cmaps.items():
                self.assertTrue(any(ord(c) in m for m in maps),
                                "U+%04X %s" % (ord(c), face))

    def test_every_character_is_drawn(self):
        """Draws every character of the catalogues, the samples and the
        baseline in both faces through pdf_write, renders the PDF with
        mutool and compares each glyph's ink with its outline's area: a
        dropped component (bold š drawn as s, Greek ό as the accent
        alone) or a blank glyph moves the ratio far from 1."""
        text = fontcheck.BASELINE
        for path in fontcheck.text_files():
            t = fontcheck.xml_text(path)
            if t is not None:
                text += t
        chars = "".join(fontcheck.drawn_chars(text))
        work = harness.tempdir(self)
        src = os.path.join(work, "chars.txt")
        with open(src, "w", encoding="utf-8") as f:
            f.write(chars)
        pdf = os.path.join(work, "chars.pdf")
        r = fontcheck.run_helper({"PACTDOC_PDF_CHARS": src,
                                  "PACTDOC_PDF_CHARS_OUT": pdf})
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = fontcheck.read_manifest(pdf + ".txt")
        self.assertEqual([r["label"] for r in rows if r.get("missing")], [])
        dpi = 150
        pages = {}
        bad = []
        for i, row in enumerate(rows):
            page_no = i // 240 + 1
            if page_no not in pages:
                pages[page_no] = fontcheck.Page(pdf, page_no, dpi, work)
            area, bbox, upem = fontcheck.glyph_geometry(row["font"],
                                                        row["text"])
            if bbox is None:
                continue   # a space-like glyph with no outline
            k = row["size"] / upem
            x0, y0 = row["x"] + bbox[0] * k - 2, row["y"] + bbox[1] * k - 2
            x1, y1 = row["x"] + bbox[2] * k + 2, row["y"] + bbox[3] * k + 2
            ink, _ = pages[page_no].ink(x0, y0, x1, y1)
            expected = area * (k * dpi / 72.0) ** 2
            ratio = ink / expected if expected else 0
            if not 0.95 <= ratio <= 1.05:
                bad.append("%s %s ink %.1f px, outline %.1f px" % (
                    row["label"], row["text"], ink, expected))
        self.assertEqual(bad, [])
        self.assertGreater(len(rows), 200)


if __name__ == "__main__":
    unittest.main()
