"""Typesetting of the sample documents (tests/data/samples) as a reader sees
it: a bold offer label ("Capacity building") is never the last line of a
page with its text on the next, and no page ends with a hyphenated word
(which the layout avoids where one of the two lines before, or a setting
of the paragraph without that hyphen, may end the page: in the samples it
always can). Read with pdftotext, page by page."""
import glob
import os
import re
import subprocess
import unittest

import harness


def offer_labels():
    """Every offer.* label of every catalogue (sources and targets)."""
    labels = set()
    for path in glob.glob(os.path.join(harness.ROOT, "locales", "*.xlf")):
        with open(path, encoding="utf-8") as f:
            xml = f.read()
        for unit in re.finditer(r'<unit id="offer\.[^"]+">(.*?)</unit>', xml,
                                re.S):
            for m in re.finditer(r"<(?:source|target)>([^<]+)</", unit.group(1)):
                labels.add(m.group(1).strip())
    return labels


def pages(pdf):
    """Text lines of each page, without blank lines and the footer."""
    out = subprocess.run(["pdftotext", "-layout", pdf, "-"],
                         capture_output=True, text=True, check=True).stdout
    result = []
    for page in out.split("\f"):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        if lines:
            result.append(lines[:-1])   # the footer is the last line
    return result


class SampleLayout(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.tmp = tempfile.TemporaryDirectory(prefix="pactdoc-samples-")
        cls.out = os.path.join(cls.tmp.name, "out")
        cls.run_result, cls.pdfs = harness.generate_pdfs(cls.out,
                                                         harness.SAMPLES)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_generated(self):
        self.assertEqual(self.run_result.returncode, 0, self.run_result.stderr)
        self.assertGreater(len(self.pdfs), 40)

    def test_offer_label_kept_with_its_text(self):
        labels = offer_labels()
        self.assertIn("Capacity building", labels)
        self.assertIn("Kapacitetsuppbyggnad", labels)
        seen = 0
        for pdf in self.pdfs:
            body = pages(pdf)
            for n, lines in enumerate(body):
                seen += sum(1 for ln in lines if ln in labels)
                if n + 1 < len(body) and lines:
                    self.assertNotIn(lines[-1], labels,
                                     "%s: page %d ends with the offer label "
                                     "%r" % (os.path.basename(pdf), n + 1,
                                             lines[-1]))
        self.assertGreater(seen, 10)

    def test_no_hyphen_at_page_end(self):
        ends = 0
        for pdf in self.pdfs:
            body = pages(pdf)
            for n, lines in enumerate(body[:-1]):
                if not lines:
                    continue
                ends += 1
                self.assertFalse(lines[-1].endswith("-"),
                                 "%s: page %d ends with %r" % (
                                     os.path.basename(pdf), n + 1,
                                     lines[-1][-40:]))
        self.assertGreater(ends, 40)


if __name__ == "__main__":
    unittest.main()
