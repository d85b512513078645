"""The PDF writer through real readers: a sample made by pdf_write (the
test_pdf helper) is clean for qpdf, embeds every font, extracts the right
text, shows the letters libharu is known to break, carries two empty
signature fields that pdfsig signs one after the other, and is
byte-identical when made twice."""
import json
import os
import re
import shutil
import tempfile
import unicodedata
import unittest

import fontcheck
import harness
from harness import tool

BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class SamplePdf(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="pactdoc-pdf-")
        cls.pdf = os.path.join(cls.work, "sample.pdf")
        cls.again = os.path.join(cls.work, "again.pdf")
        for path in (cls.pdf, cls.again):
            r = fontcheck.run_helper({"PACTDOC_PDF_SAMPLE": path})
            if r.returncode != 0:
                raise AssertionError("test_pdf helper failed: " + r.stderr)
        cls.rows = {r["label"]: r
                    for r in fontcheck.read_manifest(cls.pdf + ".txt")}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def test_byte_identical_twice(self):
        with open(self.pdf, "rb") as a, open(self.again, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_qpdf_check_clean(self):
        r = tool("qpdf", "--check", self.pdf)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("No syntax or stream encoding errors", r.stdout)
        self.assertNotIn("WARNING", r.stdout + r.stderr)

    def test_every_font_embedded(self):
        r = tool("pdffonts", self.pdf)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()[2:]
        self.assertEqual(len(lines), 3)   # core, core bold, world
        for line in lines:
            cols = line.split()
            self.assertEqual(cols[-5:-2], ["yes", "yes", "yes"], line)
            self.assertRegex(cols[0], r"^[A-Z]{6}\+PactdocSans")

    def test_text_extracts(self):
        r = tool("pdftotext", "-enc", "UTF-8", self.pdf, "-")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")    # no ToUnicode complaints
        text = unicodedata.normalize("NFKC",
                                     BIDI_CONTROLS.sub("", r.stdout))
        for label in ("latvian", "latvian-bold", "cyrillic", "serbian-bold",
                      "greek", "georgian", "armenian", "english", "page2"):
            want = self.rows[label]["text"].replace("\u00ad", "")
            self.assertIn(unicodedata.normalize("NFKC", want), text, label)
        self.assertNotIn("\u00ad", text)    # soft hyphen never drawn
        self.assertNotIn("Pa-raksts", text)
        self.assertIn("ירושלים", text)       # drawn in visual order
        self.assertIn("العربية", text)       # joined by GSUB, read as letters
        for label in ("bold-scaron", "greek-omicron-tonos",
                      "greek-Omicron-tonos"):
            self.assertIn(self.rows[label]["text"], text)

    def test_metadata(self):
        r = tool("pdfinfo", "-isodates", self.pdf)
        self.assertEqual(r.returncode, 0, r.stderr)
        info = dict(line.split(":", 1) for line in r.stdout.splitlines()
                    if ":" in line)
        info = {k.strip(): v.strip() for k, v in info.items()}
        self.assertEqual(info["Title"],
                         "Commitment declaration — Ģirts Ķēniņš")
        self.assertEqual(info["Author"], "Бишкек шаары мэриясы")
        self.assertEqual(info["Subject"], "Covenant of Mayors")
        self.assertEqual(info["Creator"], "pactdoc test")
        self.assertEqual(info["CreationDate"], "2026-01-31T00:00:00Z")
        self.assertEqual(info["ModDate"], "2026-01-31T00:00:00Z")
        self.assertEqual(info["Pages"], "2")
        self.assertIn("595.276 x 841.89", info["Page size"])
        with open(self.pdf, "rb") as f:
            data = f.read()
        self.assertIn(b"/Lang (lv)", data)
        # libharu 2.3.0 cannot save a 'Z' zone; '+00'00'' is UTC too.
        self.assertEqual(data.count(b"(D:20260131000000+00'00')"), 2)
        # the PDF/A-2a and PDF/UA-1 claims (checked in test_archival)
        self.assertIn(b"<pdfaid:part>2</pdfaid:part>", data)
        self.assertIn(b"<pdfuaid:part>1</pdfuaid:part>", data)
        self.assertIsNotNone(re.search(
            rb"/ID \[ ?<[0-9A-F]{32}> <[0-9A-F]{32}> ?\]", data))

    def test_broken_letters_are_drawn(self):
        """The letters libharu 2.3.0 breaks with stock DejaVu: each is
        inked, and differs from the letter or accent it would decay to."""
        page = fontcheck.Page(self.pdf, 1, 150, self.work)

        def cell(label):
            row = self.rows[label]
            ink, rows = page.ink(row["x"] - 2, row["y"] - 12,
                                 row["x"] + row["width"] + 2,
                                 row["y"] + 36)
            return ink, rows

        for label in ("bold-scaron", "bold-s", "greek-omicron",
                      "greek-omicron-tonos", "greek-Omicron-tonos",
                      "bold-greek-omicron", "bold-greek-omicron-tonos",
                      "bold-greek-Omicron-tonos", "regular-scaron"):
            self.assertGreater(cell(label)[0], 50, label)
        for a, b in (("bold-scaron", "bold-s"),
                     ("regular-scaron", "regular-s"),
                     ("greek-omicron-tonos", "greek-omicron"),
                     ("bold-greek-omicron-tonos", "bold-greek-omicron")):
            ink_a, rows_a = cell(a)
            ink_b, rows_b = cell(b)
            self.assertNotEqual(rows_a, rows_b, (a, b))
            # the accent adds ink: at least 5% more than the bare letter
            self.assertGreater(ink_a, ink_b * 1.05, (a, b))

    def test_signature_fields(self):
        r = tool("qpdf", "--json", "--json-key=acroform", self.pdf)
        self.assertEqual(r.returncode, 0, r.stderr)
        form = json.loads(r.stdout)["acroform"]
        self.assertTrue(form["hasacroform"])
        fields = {f["fullname"]: f for f in form["fields"]}
        self.assertEqual(sorted(fields),
                         ["applicant_signature", "commission_signature"])
        for f in fields.values():
            self.assertEqual(f["fieldtype"], "/Sig")
            self.assertEqual(f["annotation"]["annotationflags"], 132)
            self.assertEqual(f["pageposfrom1"], 2)
            self.assertIsNone(f["value"])
        self.assertEqual(fields["applicant_signature"]["alternativename"],
                         "Pieteicēja likumīgā pārstāvja paraksts")
        with open(self.pdf, "rb") as f:
            self.assertIn(b"/SigFlags 1", f.read())

    def test_sign_both_fields(self):
        """A throwaway certificate signs the applicant field, then the
        commission field of the signed file; both signatures verify."""
        nss, _ = harness.signing_db(self, self.work)
        twice, report = harness.sign_both_fields(self, nss, self.pdf,
                                                 self.work)
        self.assertNotIn("not signed", report)
        r = tool("qpdf", "--check", twice)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
