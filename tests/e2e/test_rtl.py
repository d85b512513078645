"""Issue 10 part 4, as a reader measures it: an Arabic and a Hebrew
document are mirrored (title, headings and paragraphs flush right at the
right margin, labels right of their values, list markers right of their
text, the applicant's signature field right of the Commission's, the
footer mirrored), from pdftotext -bbox word positions and the widgets'
rectangles (qpdf); their text extracted by pdftotext reads in logical
order. An English document of the same record kind is the control: the
same measures find it unmirrored."""
import os
import re
import subprocess
import tempfile
import unittest

import harness
import typometrics

PAGE_W = 595.276
MARGIN = 56.693
LEFT, RIGHT = MARGIN, PAGE_W - MARGIN
WORD_RE = typometrics.WORD_RE
MARKER = re.compile(r"^(\.?[0-9\u0660-\u0669]+\.?|\u2022)$")

DOCS = {
    "ar": ("JO-SUP-0001", "JO-SUP-0001-agreement-ar.pdf"),
    "he": ("IL-SUP-0001", "IL-SUP-0001-agreement-he.pdf"),
    "en": ("EU-SUP-0001", "EU-SUP-0001-agreement-en.pdf"),
}


def near(a, b, tol=1.0):
    return abs(a - b) <= tol


def words(pdf):
    """[[(x0, y0, x1, y1, text)] per page], footer included."""
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"], check=True,
                         capture_output=True, text=True).stdout
    return [[tuple(float(m.group(i)) for i in range(1, 5)) +
             (typometrics.unescape(m.group(5)),)
             for m in WORD_RE.finditer(chunk)]
            for chunk in out.split("<page ")[1:]]


def unit_texts(lang, unit):
    """The texts of every unit `unit` of the catalogue of lang."""
    path = os.path.join(harness.ROOT, "locales", lang + ".xlf")
    with open(path, encoding="utf-8") as f:
        xlf = f.read()
    return [re.search(r"<target>([^<]*)</", m).group(1)
            for m in re.findall(r'<unit id="%s">(.*?)</unit>' %
                                re.escape(unit), xlf, re.S)]


def geometry(pdf, record):
    """What a reader sees of the page layout of pdf: a dict of facts
    that are all true of a mirrored document and false of a
    left-to-right one."""
    pages = typometrics.lines_by_page(pdf)
    facts = {}
    first = pages[0]
    title = max(first[:3], key=lambda ln: ln[0][3] - ln[0][1])
    facts["title_right"] = (near(max(w[2] for w in title), RIGHT) and
                            min(w[0] for w in title) > LEFT + 20)
    # body text: every column of a line that starts at the left margin
    # also ends at the right one (a justified line); ragged last lines
    # of paragraphs end at the right margin
    flush_left_ragged = ragged_right = 0
    for page in pages:
        for line in page:
            for part in typometrics.split_columns(line, 10.5):
                x0, x1 = part[0][0], part[-1][2]
                if near(x0, LEFT) and x1 < RIGHT - 20:
                    flush_left_ragged += 1
                if near(x1, RIGHT) and x0 > LEFT + 30:
                    ragged_right += 1
    facts["ragged_lines_flush_right"] = (flush_left_ragged == 0 and
                                         ragged_right >= 5)
    # the e-mail value and its label: the label's words right of it
    mail = [(ln, w) for page in pages for ln in page for w in ln
            if "@" in w[4]]
    facts["labels_right_of_values"] = bool(mail) and all(
        all(o[0] > w[2] for o in ln if o is not w) for ln, w in mail)
    # the applicant's details: every value, Arabic or Hebrew, an e-mail
    # address or a reference, ends at the same x, by its label
    ends = [typometrics.split_columns(ln, 10.5) for ln in first]
    ends = [parts[0][-1][2] for parts in ends if len(parts) == 2 and
            near(parts[1][-1][2], RIGHT) and parts[0][-1][2] < PAGE_W * .7]
    facts["values_at_their_labels"] = (len(ends) >= 8 and
                                       max(ends) - min(ends) < 1)
    # list markers: the line's rightmost word, at the right margin
    marked = [ln for page in pages for ln in page
              if MARKER.match(ln[-1][4]) and near(ln[-1][2], RIGHT) and
              len(ln) > 1]
    facts["markers_right"] = len(marked) >= 6
    fields = typometrics.widgets(pdf)
    a = fields["applicant_signature"][1]
    c = fields["commission_signature"][1]
    facts["applicant_field_right"] = c[2] < a[0] and near(a[2], RIGHT)
    # footer: the reference at the right margin, the page label at the
    # left one
    foot = [w for w in words(pdf)[0] if w[1] > 770]
    ref = [w for w in foot if record in w[4]]
    label = [w for w in foot if w[0] < PAGE_W / 2]
    facts["footer_mirrored"] = (
        bool(ref) and bool(label) and
        near(max(w[2] for w in foot if w[0] > PAGE_W / 2), RIGHT) and
        near(min(w[0] for w in label), LEFT) and
        all(w[0] > PAGE_W / 2 for w in ref))
    return facts


class RightToLeft(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="pactdoc-rtl-")
        out = os.path.join(cls.tmp.name, "out")
        cls.run_result = harness.run(
            "generate", "-q", "--date", "2026-11-23", "-o", out,
            os.path.join(harness.SAMPLES, "02-supporters.xml"))
        cls.pdf = {lang: os.path.join(out, rec, name)
                   for lang, (rec, name) in DOCS.items()}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_mirrored(self):
        self.assertEqual(self.run_result.returncode, 0, self.run_result.stderr)
        for lang in ("ar", "he"):
            facts = geometry(self.pdf[lang], DOCS[lang][0])
            for fact, ok in facts.items():
                with self.subTest(lang=lang, fact=fact):
                    self.assertTrue(ok, "%s: not %s" % (lang, fact))

    def test_english_control_is_not_mirrored(self):
        """The measures can fail: none holds of the English document."""
        facts = geometry(self.pdf["en"], DOCS["en"][0])
        for fact, ok in facts.items():
            with self.subTest(fact=fact):
                self.assertFalse(ok, "en: %s" % fact)

    def test_text_reads_in_logical_order(self):
        """Titles, headings and the signature caption of the catalogue
        come out of pdftotext whole, their words in reading order."""
        for lang in ("ar", "he"):
            text = subprocess.run(["pdftotext", self.pdf[lang], "-"],
                                  check=True, capture_output=True,
                                  text=True).stdout
            text = typometrics.BIDI_MARKS.sub("", text)
            lines = [" ".join(ln.split()) for ln in text.splitlines()]
            found = 0
            for unit in ("heading.applicant", "heading.commitments",
                         "heading.benefits", "heading.signatures",
                         "label.signature", "title"):
                texts = unit_texts(lang, unit)
                self.assertTrue(texts, unit)
                # a unit with a placeholder: its words before it
                hit = [t for t in texts for ln in lines
                       if ln == t or "{" in t and
                       ln.startswith(t.split("{")[0].strip())]
                self.assertTrue(hit, "%s: %s %r not a line of the text" % (
                    lang, unit, texts))
                found += 1
            self.assertEqual(found, 6)
            # the words of the whole text are the catalogue's words (or
            # the record's), not reversed
            rtl_words = [w for ln in lines for w in ln.split()
                         if typometrics.RTL_CHARS.search(w)]
            self.assertGreater(len(rtl_words), 200, lang)
            vocab = set(re.findall(r"\w+", open(os.path.join(
                harness.ROOT, "locales", lang + ".xlf"),
                encoding="utf-8").read()))
            known = [w for w in rtl_words if re.sub(r"\W", "", w) in vocab]
            self.assertGreater(len(known), 0.8 * len(rtl_words), lang)


if __name__ == "__main__":
    unittest.main()
