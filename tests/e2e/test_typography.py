"""Issue 9, as a reader measures it on every sample document (and on a
wider generated set): no word gap over twice a space, at most two
hyphenated line ends in a row, no number, postcode or hyphenated name
split across lines, no Bulgarian one-letter word ending a line; the
signature page holds both parties' fields (agreements), text above the
blocks, blank place and date lines, a caption under each signing line;
the issue date printed once; e-mail labels that say whose. Read with
pdftotext (-bbox) and qpdf --json (tests/e2e/typometrics.py)."""
import glob
import os
import re
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

import harness
import typometrics

NS = "{urn:eumayors:applications:1}"


def catalogue_texts(unit):
    """{lang: text} of a common unit in every catalogue (English source
    where there is no target)."""
    result = {}
    for path in glob.glob(os.path.join(harness.ROOT, "locales", "*.xlf")):
        lang = os.path.basename(path)[:-4]
        with open(path, encoding="utf-8") as f:
            m = re.search(r'<unit id="%s">(.*?)</unit>' % re.escape(unit),
                          f.read(), re.S)
        if m:
            t = re.search(r"<target>([^<]*)</", m.group(1)) or \
                re.search(r"<source>([^<]*)</", m.group(1))
            result[lang] = t.group(1)
    return result


def doc_lang(pdf):
    """The catalogue language of ID-KIND-LANG.pdf (LANG may hold '-')."""
    name = os.path.basename(pdf)[:-4]
    for kind in ("-declaration-", "-agreement-", "-cover-sheet-"):
        if kind in name:
            return name.rsplit(kind, 1)[1]
    return name.rsplit("-", 1)[1]


def hyphenated_names():
    """Every hyphenated personal name of the samples."""
    names = set()
    for path in glob.glob(os.path.join(harness.SAMPLES, "*.xml")):
        for el in ET.parse(path).iter(NS + "name"):
            for word in (el.text or "").split():
                if "-" in word.strip("-"):
                    names.add(word)
    return names


class Measured:
    """Shared checks over a set of generated PDFs."""

    def check_gaps(self, pdfs):
        n = 0
        for pdf in pdfs:
            for page, ratio, text in typometrics.line_ratios(pdf):
                n += 1
                self.assertLessEqual(ratio, 2.0, "%s p%d: %.2fx: %s" % (
                    os.path.basename(pdf), page, ratio, text))
        return n

    def check_agreement_fields(self, pdfs):
        agreements = 0
        for pdf in pdfs:
            fields = typometrics.widgets(pdf)
            self.assertIn("applicant_signature", fields, pdf)
            if "-agreement-" in pdf:
                agreements += 1
                self.assertIn("commission_signature", fields, pdf)
                a, c = fields["applicant_signature"], fields["commission_signature"]
                self.assertEqual(a[0], c[0], "%s: the parties sign on pages "
                                 "%d and %d" % (os.path.basename(pdf), a[0],
                                                c[0]))
                # side by side: boxes level, not overlapping, the
                # applicant's first in reading order (on the right in a
                # right-to-left document)
                self.assertAlmostEqual(a[1][1], c[1][1], delta=0.5, msg=pdf)
                if typometrics.is_rtl_lang(doc_lang(pdf)):
                    self.assertLessEqual(c[1][2], a[1][0], pdf)
                else:
                    self.assertLessEqual(a[1][2], c[1][0], pdf)
        return agreements


class SampleTypography(unittest.TestCase, Measured):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="pactdoc-typo-")
        out = os.path.join(cls.tmp.name, "out")
        cls.run_result = harness.run("generate", "-q", "--date", "2026-11-23",
                                     "-o", out, harness.SAMPLES)
        cls.pdfs = sorted(glob.glob(os.path.join(out, "*", "*.pdf")))
        cls.pages = {pdf: typometrics.lines_by_page(pdf) for pdf in cls.pdfs}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_generated(self):
        self.assertEqual(self.run_result.returncode, 0, self.run_result.stderr)
        self.assertEqual(len(self.pdfs), 75)  # 47 + 28 of 05-languages.xml

    def test_no_word_gap_over_twice_a_space(self):
        self.assertGreater(self.check_gaps(self.pdfs), 1000)

    def test_both_parties_sign_on_one_page(self):
        self.assertGreater(self.check_agreement_fields(self.pdfs), 15)

    def test_text_above_the_signatures(self):
        headings = typometrics.signature_headings(harness.ROOT)
        for pdf in self.pdfs:
            above = typometrics.body_above_signatures(pdf, headings,
                                                      self.pages[pdf])
            for field, n in above.items():
                self.assertGreaterEqual(n, 2, "%s: %s has %d lines of text "
                                        "above it on its page" % (
                                            os.path.basename(pdf), field, n))

    def test_fields_sit_on_the_signing_lines(self):
        """The caption ("Signature") is just under each field's box: the
        field is on the signing line drawn at its bottom. The caption
        starts at the field's start edge: its left edge, its right edge
        in a right-to-left document."""
        captions = catalogue_texts("label.signature")
        rtl_seen = 0
        for pdf in self.pdfs:
            lang = doc_lang(pdf)
            rtl = typometrics.is_rtl_lang(lang)
            rtl_seen += rtl
            cap = captions.get(lang, captions["en"]).split()[0]
            for name, (page, rect) in typometrics.widgets(pdf).items():
                bottom = typometrics.PAGE_H - rect[1]
                below = [w for ln in self.pages[pdf][page - 1] for w in ln
                         if 0 <= w[1] - bottom <= 8 and
                         (abs(w[2] - rect[2]) < 1 if rtl else
                          abs(w[0] - rect[0]) < 1) and
                         typometrics.logical(w[4]) == cap]
                self.assertTrue(below, "%s: no '%s' under %s" % (
                    os.path.basename(pdf), cap, name))
        self.assertGreaterEqual(rtl_seen, 4)    # ar and he, two kinds each

    def test_issue_date_printed_once_and_signing_date_blank(self):
        issued = catalogue_texts("issued")
        dates = catalogue_texts("label.date")
        for pdf in self.pdfs:
            lang = doc_lang(pdf)
            text = subprocess.run(["pdftotext", pdf, "-"], check=True,
                                  capture_output=True, text=True).stdout
            label = issued.get(lang, issued["en"]).split("{date}")[0].strip()
            if typometrics.is_rtl_lang(lang):
                # pdftotext wraps right-to-left lines in bidi embeddings
                # and moves a colon next to digits into the digits' run:
                # compare the words, in reading order
                text = typometrics.BIDI_MARKS.sub("", text)
                text = re.sub(r"[^\w\s]", " ", text)
                text = " ".join(text.split())
                label = " ".join(re.sub(r"[^\w\s]", " ", label).split())
            self.assertEqual(text.count(label), 1, pdf)
            if lang == "en":
                self.assertEqual(text.count("23 November 2026"), 1, pdf)
            date = dates.get(lang, dates["en"])
            for m in re.finditer(re.escape(date) + r":(.*)", text):
                self.assertEqual(m.group(1).strip(), "", "%s: %r" % (
                    os.path.basename(pdf), m.group(0)))

    def test_email_labels_say_whose(self):
        sig = catalogue_texts("label.email.signatory")
        contact = catalogue_texts("label.email.contact")
        langs = set(harness.catalogue_languages())
        self.assertEqual(set(sig), langs)
        self.assertEqual(set(contact), langs)
        for lang in langs:  # the two labels are told apart in every language
            self.assertNotEqual(sig[lang], contact[lang], lang)
        both = 0
        for pdf in self.pdfs:
            text = subprocess.run(["pdftotext", "-layout", pdf, "-"],
                                  check=True, capture_output=True,
                                  text=True).stdout
            lang = doc_lang(pdf)
            self.assertIn(sig[lang if lang in sig else "en"].split()[0],
                          text, pdf)
            both += contact[lang if lang in contact else "en"] in text
        self.assertGreater(both, 10)

    def test_nothing_split_that_must_stay_whole(self):
        names = hyphenated_names()
        self.assertIn("Ozoliņa-Liepiņa", names)
        seen_name = 0
        for pdf in self.pdfs:
            lang = doc_lang(pdf)
            for lines in self.pages[pdf]:
                for a, b in zip(lines, lines[1:]):
                    end, start = a[-1][4], b[0][4]
                    where = "%s: %r / %r" % (os.path.basename(pdf), end, start)
                    seen_name += sum(1 for ln in (a, b) for w in ln
                                     if w[4].strip(",.()") in names)
                    if abs(a[0][0] - b[0][0]) > 1 or b[0][1] - a[0][1] > 15:
                        continue    # not two lines of one paragraph
                    self.assertFalse(end[-1:].isdigit() and start[:1].isdigit(),
                                     "number split: " + where)
                    self.assertFalse(re.search(r"\d-$", end) and
                                     start[:1].isdigit(),
                                     "postcode split: " + where)
                    if end.endswith("-"):
                        self.assertNotIn((end + start).strip(",.()"), names,
                                         "name split: " + where)
                    if lang == "bg":
                        self.assertNotIn(end, ("в", "и", "с", "а", "о", "у"),
                                         "one-letter word at a line end: "
                                         + where)
        self.assertGreater(seen_name, 0)

    def test_at_most_two_hyphens_in_a_row(self):
        for pdf in self.pdfs:
            runs = typometrics.hyphen_runs(self.pages[pdf])
            self.assertLessEqual(max(runs, default=0), 2, pdf)


class WiderSet(unittest.TestCase, Measured):
    """120 generated records (scripts/gen-records.py): every role and
    language, long names and offers."""

    def test_wider_set(self):
        tmp = harness.tempdir(self)
        records = os.path.join(tmp, "records.xml")
        subprocess.run([sys.executable,
                        os.path.join(harness.ROOT, "scripts", "gen-records.py"),
                        "-n", "120", "--seed", "9", "--eligible", "-o",
                        records], check=True)
        r = harness.run("generate", "-q", "--date", "2026-11-23", "-o",
                        os.path.join(tmp, "out"), records)
        self.assertEqual(r.returncode, 0, r.stderr)
        pdfs = sorted(glob.glob(os.path.join(tmp, "out", "*", "*.pdf")))
        self.assertGreater(len(pdfs), 150)
        self.assertGreater(self.check_gaps(pdfs), 2000)
        self.assertGreater(self.check_agreement_fields(pdfs), 40)
        for pdf in pdfs:
            runs = typometrics.hyphen_runs(typometrics.lines_by_page(pdf))
            self.assertLessEqual(max(runs, default=0), 2, pdf)


if __name__ == "__main__":
    unittest.main()
