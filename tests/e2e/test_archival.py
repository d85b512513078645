"""PDF/A-2a and PDF/UA-1: every PDF of a generate run over the samples
(documents and the countersigning cover sheet) passes each rule of
archival.py, one test per rule with its clause; pdfinfo sees a tagged
file; pdf.js reads a structure tree in reading order; pdfsig and
@signpdf/placeholder-plain sign the files without losing pactdoc's
fields. docs/archival.md lists the rules."""
import glob
import os
import re
import shutil
import tempfile
import unittest
import zipfile

import archival
import harness
from harness import tool

DATE = "2026-11-23"


class Archival(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="pactdoc-archival-")
        out = os.path.join(cls.work, "out")
        r, cls.files = harness.generate_pdfs(out, harness.SAMPLES, date=DATE)
        if r.returncode != 0:
            raise AssertionError("generate failed: " + r.stderr)
        for z in sorted(glob.glob(os.path.join(out, "packages", "*.zip"))):
            with zipfile.ZipFile(z) as zf:
                for name in zf.namelist():
                    if name.endswith(".pdf") and "cover" in name:
                        dest = os.path.join(cls.work, os.path.basename(z) +
                                            "-" + os.path.basename(name))
                        with open(dest, "wb") as f:
                            f.write(zf.read(name))
                        cls.files.append(dest)
        cls.covers = [f for f in cls.files if "cover" in f]
        cls.docs = {f: archival.Doc(f) for f in cls.files}
        cls.agreement = next(f for f in cls.files
                             if f.endswith("LV-COORD-0042-agreement-lv.pdf"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def check(self, rule):
        self.assertGreater(len(self.files), 20)
        self.assertTrue(self.covers, "no cover sheet among the files")
        bad = {}
        for f, doc in self.docs.items():
            problems = rule(doc)
            if problems:
                bad[os.path.basename(f)] = problems[:3]
        self.assertEqual(bad, {}, rule.__doc__)

    # ---- PDF/A-2 (ISO 19005-2) -------------------------------------------
    def test_pdfa_6_1_2_header(self):
        self.check(archival.header)

    def test_pdfa_6_1_3_trailer(self):
        self.check(archival.trailer)

    def test_pdfa_6_1_7_streams(self):
        self.check(archival.streams)

    def test_pdfa_6_2_3_output_intent(self):
        self.check(archival.output_intent)

    def test_output_intent_profile_is_srgb_in_few_bytes(self):
        """The output intent's profile is sRGB to a colour-managed reader
        (lcms converts colours to Lab as its own sRGB does, within 1) and
        costs under 1 KB of the file (Debian's sRGB.icc, used before:
        2.4 KB compressed)."""
        import io
        import itertools
        from PIL import Image, ImageCms
        prof = archival.Doc(self.agreement).root.OutputIntents[0] \
            .DestOutputProfile
        self.assertLess(len(prof.read_raw_bytes()), 1024)
        ours = ImageCms.ImageCmsProfile(io.BytesIO(bytes(prof.read_bytes())))
        self.assertEqual(ImageCms.getProfileDescription(ours).strip(),
                         "sRGB IEC61966-2.1")
        levels = [0, 1, 5, 20, 50, 100, 128, 180, 230, 254, 255]
        colours = list(itertools.product(levels, repeat=3))
        img = Image.new("RGB", (len(colours), 1))
        img.putdata(colours)
        lab = ImageCms.createProfile("LAB")
        ref = ImageCms.createProfile("sRGB")
        for intent in (0, 1, 3):
            got = ImageCms.applyTransform(img, ImageCms.buildTransform(
                ours, lab, "RGB", "LAB", renderingIntent=intent)).getdata()
            want = ImageCms.applyTransform(img, ImageCms.buildTransform(
                ref, lab, "RGB", "LAB", renderingIntent=intent)).getdata()
            worst = max(abs(a - b) for g, w in zip(got, want)
                        for a, b in zip(g, w))
            self.assertLessEqual(worst, 1, "intent %d" % intent)

    def test_pdfa_6_2_4_3_device_colour(self):
        self.check(archival.device_colour)

    def test_pdfa_6_2_11_4_fonts_embedded(self):
        self.check(archival.fonts_embedded)

    def test_pdfa_6_2_11_5_widths(self):
        self.check(archival.widths)

    def test_pdfa_6_2_11_7_tounicode(self):
        self.check(archival.tounicode)

    def test_pdfa_6_2_11_8_notdef(self):
        self.check(archival.notdef)

    def test_pdfa_6_3_2_annotation_flags(self):
        self.check(archival.annotations)

    def test_pdfa_6_3_3_appearances(self):
        self.check(archival.appearances)

    def test_pdfa_6_4_forms(self):
        self.check(archival.forms)

    def test_pdfa_6_5_actions(self):
        self.check(archival.actions)

    def test_pdfa_6_6_2_1_metadata_stream(self):
        self.check(archival.metadata_stream)

    def test_pdfa_6_6_2_3_info_matches_xmp(self):
        self.check(archival.info_matches_xmp)

    def test_pdfa_6_6_2_3_2_extension_schemas(self):
        self.check(archival.extension_schemas)

    def test_pdfa_6_6_4_version_identification(self):
        self.check(archival.version_id)

    def test_pdfa_6_7_2_marked(self):
        self.check(archival.marked)

    def test_pdfa_6_7_3_structure_tree(self):
        self.check(archival.struct_tree)

    def test_pdfa_6_7_4_language(self):
        self.check(archival.language)

    # ---- PDF/UA-1 (ISO 14289-1, Matterhorn) -------------------------------
    def test_ua_01_005_content_marked(self):
        self.check(archival.content_marked)

    def test_ua_06_metadata(self):
        self.check(archival.metadata_ua)

    def test_ua_07_display_doc_title(self):
        self.check(archival.display_title)

    def test_ua_09_tables_and_lists(self):
        self.check(archival.tables_lists)

    def test_ua_14_headings(self):
        self.check(archival.headings)

    def test_ua_28_010_widgets_in_form(self):
        self.check(archival.widgets_tagged)

    def test_ua_28_009_tab_order(self):
        self.check(archival.tab_order)

    # ---- what a user sees ---------------------------------------------------
    def test_pdfinfo_tagged(self):
        for f in self.files:
            r = tool("pdfinfo", f)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stdout, r"(?m)^Tagged:\s+yes$", f)
            self.assertRegex(r.stdout, r"(?m)^Metadata Stream:\s+yes$", f)
            if f not in self.covers:
                self.assertRegex(r.stdout, r"(?m)^Form:\s+AcroForm$", f)

    def test_structure_mirrors_the_form(self):
        """Document > H1, H2 sections, P, L > LI > Lbl + LBody, a Table of
        TR > TH + TD for the applicant, Div > H3 + P + Form per signature."""
        doc = self.docs[self.agreement]
        roles = [(str(e.S)[1:], parent) for e, parent in
                 archival._elems(doc)]
        kinds = [r for r, _ in roles]
        self.assertEqual(kinds[0], "Document")
        self.assertEqual(kinds[1], "H1")
        for want in ("H2", "P", "L", "LI", "Lbl", "LBody", "Table", "TR",
                     "TH", "TD", "Div", "H3", "Form"):
            self.assertIn(want, kinds)
        self.assertEqual(kinds.count("Form"), 2)
        self.assertIn(("Form", "Div"), roles)

    def test_pdfjs_structure_in_reading_order(self):
        """pdf.js's getStructTree, read depth first, gives the page text in
        reading order: H1 first, each list marker right before its item,
        and the same text as the page's tagged content."""
        reading = archival.pdfjs(self.agreement)
        self.assertIsNotNone(reading, "run: cd tests/js && npm ci")
        seq = archival.struct_text(reading)
        self.assertEqual(seq[0][0], "H1")
        for i, (role, text) in enumerate(seq):
            if role == "Lbl":
                self.assertRegex(text, r"^(\d+\.|•)$")
                self.assertEqual(seq[i + 1][0], "LBody")
        tree_text = " ".join(t for _, t in seq)
        page_text = " ".join(" ".join(" ".join(p["byMcid"].values())
                                      for p in reading["pages"]).split())
        self.assertEqual(" ".join(tree_text.split()), page_text)
        self.assertNotIn(" 1. lappuse no 2", tree_text)   # footer: artifact

    def test_right_to_left_span_in_structure_order(self):
        """A Hebrew name with digits in a Hebrew (right-to-left, mirrored)
        document: the runs are drawn in visual order, the label right of
        its value, and the structure lists the label, then the value, in
        the order the name is written (pdf.js's tree, spaces aside)."""
        path = next(f for f in self.files
                    if f.endswith("IL-SUP-0001-declaration-he.pdf"))
        reading = archival.pdfjs(path)
        self.assertIsNotNone(reading, "run: cd tests/js && npm ci")
        seq = archival.struct_text(reading)
        cells = {seq[i][1]: seq[i + 1][1] for i in range(len(seq) - 1)
                 if seq[i][0] == "TH" and seq[i + 1][0] == "TD"}

        def bare(s):
            return "".join(s.split())
        self.assertEqual(bare(cells["ארגון"]),      # Organisation
                         bare("פורום ה־15 – איגוד הערים העצמאיות"))
        self.assertEqual(bare(cells["כתובת"]),      # Address
                         bare("דרך מנחם בגין 125, 6701201 תל אביב-יפו"))

    def test_list_marker_before_its_text(self):
        """Every extractor reads "1." before the first words of item 1."""
        item = "1. Veicināt savas teritorijas"
        reading = archival.pdfjs(self.agreement)
        self.assertIsNotNone(reading, "run: cd tests/js && npm ci")
        self.assertIn(item, reading["pages"][0]["text"])
        for args in (["pdftotext"], ["pdftotext", "-raw"]):
            r = tool(*args, "-enc", "UTF-8", self.agreement, "-")
            self.assertIn(item, r.stdout, args)
        r = tool("mutool", "draw", "-F", "txt", "-o", "-", self.agreement)
        self.assertIn(item, r.stdout)

    def _texts(self, path):
        """The text of path as poppler (default and -raw), mupdf and pdf.js
        read it, whitespace runs made single spaces."""
        out = {}
        for name, args in (("pdftotext", ["pdftotext"]),
                           ("pdftotext -raw", ["pdftotext", "-raw"])):
            r = tool(*args, "-enc", "UTF-8", path, "-")
            self.assertEqual(r.returncode, 0, r.stderr)
            out[name] = r.stdout
        r = tool("mutool", "draw", "-F", "txt", "-o", "-", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        out["mutool"] = r.stdout
        reading = archival.pdfjs(path)
        self.assertIsNotNone(reading, "run: cd tests/js && npm ci")
        out["pdf.js"] = "".join(p["text"] for p in reading["pages"])
        return {k: " ".join(v.split()) for k, v in out.items()}

    def test_broken_words_extract_whole(self):
        """A word pactdoc hyphenates at a line end reads whole, its added
        hyphen gone, in every extractor ("Administrācijas", not "Admi-
        nistrācijas")."""
        doc = archival.Doc(self.agreement)
        self.assertTrue(any(str(i.operator) == "Tr" and
                            int(i.operands[0]) == 3
                            for ops in doc.ops() for i in ops))
        for name, text in self._texts(self.agreement).items():
            for word in ("(Administrācijas vadītājs)", "Paktam,",
                         "līdzparaksta"):
                self.assertIn(word, text, name)
            self.assertNotIn("Admi-", text, name)
            self.assertNotIn("Pak- tam", text, name)

    def test_text_operators_say_only_what_changes(self):
        """Inside a text object a run selects its font only when the font
        or size changes (no Tf repeating the one in effect), and an
        unscaled run starts with a move from the line before (Td), not a
        whole new matrix: the page content is written once, not per
        word."""
        repeated, moves, matrices = [], 0, 0
        for f, doc in self.docs.items():
            for n, ops in enumerate(doc.ops(), 1):
                current = None
                for ins in ops:
                    op = str(ins.operator)
                    if op == "BT":
                        current = None
                    elif op == "Tf":
                        tf = (str(ins.operands[0]), float(ins.operands[1]))
                        if tf == current:
                            repeated.append("%s p%d %s" % (
                                os.path.basename(f), n, tf))
                        current = tf
                    elif op == "Td":
                        moves += 1
                    elif op == "Tm":
                        matrices += 1
        self.assertEqual(repeated[:5], [])
        self.assertGreater(moves, 5 * matrices)

    def test_broken_word_outlines_are_compact(self):
        """The pieces of a broken word are drawn as outlines with one
        graphics state (q ... Q) per piece, each glyph placed by a move in
        font units from the one before, and no close-path operators (the
        fill closes them): they draw the same shapes (test_render) in
        fewer bytes."""
        doc = archival.Doc(self.agreement)
        pieces = fills = 0
        for ops in doc.ops():
            in_outline = False
            for ins in ops:
                op = str(ins.operator)
                if op == "BMC" and str(ins.operands[0]) == "/Artifact":
                    in_outline = True
                elif op == "EMC":
                    in_outline = False
                elif in_outline and op == "q":
                    pieces += 1
                elif in_outline and op == "f":
                    fills += 1
                elif in_outline:
                    self.assertNotEqual(op, "h")
        self.assertGreater(pieces, 0)
        self.assertGreater(fills, 2 * pieces)

    def test_tounicode_maps_runs_as_ranges(self):
        """A ToUnicode CMap maps a run of glyphs that draw consecutive
        letters with one bfrange line (about 40 % fewer lines), and every
        glyph drawn still maps to the character the text layer reads
        (the tounicode rule and the extraction tests)."""
        lines = glyphs = 0
        seen = set()
        for doc in self.docs.values():
            for _, _, f in archival._fonts(doc):
                if f.objgen in seen or "/ToUnicode" not in f:
                    continue
                seen.add(f.objgen)
                data = bytes(f.ToUnicode.read_bytes()).decode("latin-1")
                lines += len(re.findall(r"(?m)^<[0-9A-F]+> <", data))
                glyphs += len(archival._tounicode(f))
        self.assertGreater(glyphs, 0)
        self.assertLess(lines, 0.7 * glyphs)

    def test_documents_are_smaller(self):
        """The sample documents average under 35,000 bytes (36,824 before
        the compact outlines, text operators, ICC profile and XMP)."""
        docs = [f for f in self.files if "cover" not in f]
        average = sum(os.path.getsize(f) for f in docs) / len(docs)
        self.assertLess(average, 35000)

    def test_real_hyphen_at_a_line_end_survives(self):
        """A name and a postcode broken after their own hyphen keep it in
        every extractor (poppler's default mode used to drop it:
        "OzoliņaLiepiņa", "01223000")."""
        work = os.path.join(self.work, "broken")
        r = harness.run("generate", "-q", "-o", work, "--date", DATE,
                        os.path.join(harness.ROOT, "tests", "data",
                                     "archival", "broken-names.xml"))
        self.assertEqual(r.returncode, 0, r.stderr)
        path = glob.glob(os.path.join(work, "*", "*declaration*.pdf"))[0]
        for rule in archival.CHECKS:
            self.assertEqual(rule(archival.Doc(path)), [], rule.__name__)
        for name, text in self._texts(path).items():
            self.assertIn("pārstāvis Aiga Ozoliņa-Liepiņa (Secretário",
                          text, name)
            self.assertIn("Vila Buarque, 01223-000", text, name)
            self.assertNotIn("OzoliņaLiepiņa", text, name)
            self.assertNotIn("01223000", text, name)

    def test_pdfsig_signs_both_fields_of_a_pdfa_file(self):
        """pdfsig signs the applicant field, then the Commission field;
        both verify; each signature is an incremental update (the
        generated bytes stay a prefix) and the file keeps its PDF/A and
        PDF/UA structure."""
        nss, _ = harness.signing_db(self, self.work,
                                    "pactdoc archival test")
        twice, _ = harness.sign_both_fields(self, nss, self.agreement,
                                            self.work)
        with open(self.agreement, "rb") as a, open(twice, "rb") as b:
            orig, signed = a.read(), b.read()
        self.assertTrue(signed.startswith(orig))
        doc = archival.Doc(twice)
        for rule in (archival.header, archival.output_intent,
                     archival.metadata_stream, archival.version_id,
                     archival.marked, archival.struct_tree,
                     archival.content_marked, archival.forms,
                     archival.tab_order):
            self.assertEqual(rule(doc), [], rule.__name__)

    def test_signpdf_placeholder_keeps_the_fields(self):
        """@signpdf/placeholder-plain (npm) adds its own signature field
        to pactdoc's /AcroForm instead of replacing it: both of pactdoc's
        fields are still listed, and the new signature verifies."""
        js = os.path.join(archival.JS, "node_modules", "@signpdf")
        self.assertTrue(os.path.isdir(js), "run: cd tests/js && npm ci")
        _, p12 = harness.signing_db(self, self.work, "pactdoc archival test")
        out = os.path.join(self.work, "signpdf.pdf")
        r = tool("node", os.path.join(archival.JS, "signpdf-sign.mjs"),
                 self.agreement, out, p12, "pw")
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = archival.Doc(out)
        names = [str(f.T) for f in doc.root.AcroForm.Fields]
        self.assertEqual(names[:2], ["applicant_signature",
                                     "commission_signature"])
        self.assertEqual(len(names), 3)
        r = tool("pdfsig", out)
        self.assertIn("Signature is Valid.", r.stdout)
        self.assertEqual(re.findall(r"Signature Field Name: (\w+)",
                                    r.stdout)[:2],
                         ["applicant_signature", "commission_signature"])


if __name__ == "__main__":
    unittest.main()
