"""Issue 10 at scale: one record of each role in each catalogue language
(the list is read from locales/, 43 languages when all are merged), every
document produced with no fallback, its title from the catalogue in the
PDF's text (pdftotext), no replacement character, every font embedded
(pdffonts). Run with the release binary ($PACTDOC_RELEASE, default
build/pactdoc) to keep it under a minute; the sanitized binary runs the
same code paths in the other tests."""
import json
import os
import subprocess
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

import harness
from test_languages import XLIFF, records

RELEASE = os.path.join(harness.ROOT,
                       os.environ.get("PACTDOC_RELEASE", "build/pactdoc"))
# role -> (category, the forms its documents come from)
ROLES = {
    "coordinator": ("region", ("coordinator-declaration",
                               "coordinator-agreement")),
    "national-coordinator": ("national-authority", (
        "coordinator-declaration", "coordinator-agreement")),
    "supporter": ("network", ("supporter-declaration",
                              "supporter-agreement")),
    "associated-partner": ("financial-institution",
                           ("associated-partner-declaration",)),
}


def titles(lang):
    """{file id: title text} of a catalogue (target, or en's source)."""
    root = ET.parse(os.path.join(harness.ROOT, "locales",
                                 lang + ".xlf")).getroot()
    out = {}
    for f in root.iter(XLIFF + "file"):
        for u in f.iter(XLIFF + "unit"):
            if u.get("id") == "title":
                seg = u.find(XLIFF + "segment")
                t = seg.find(XLIFF + ("source" if lang == "en" else "target"))
                out[f.get("id")] = " ".join(t.text.split())
    return out


class EveryLanguageEveryRole(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="pactdoc-scale-")
        d = cls.tmp.name
        cls.langs = harness.catalogue_languages()
        items = []
        for lang in cls.langs:
            for role, (category, _) in ROLES.items():
                items.append(dict(id="S-%s-%s" % (lang, role), role=role,
                                  lang=lang, category=category))
        inp = harness.write(os.path.join(d, "in.xml"), records(items))
        cls.out = os.path.join(d, "out")
        start = time.monotonic()
        cls.r = subprocess.run([RELEASE, "generate", "-q", "--date",
                                "2026-11-23", "-o", cls.out, "--report",
                                os.path.join(d, "r.json"), inp],
                               capture_output=True, text=True, timeout=600)
        cls.seconds = time.monotonic() - start
        with open(os.path.join(d, "r.json"), encoding="utf-8") as f:
            cls.report = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_every_document_in_its_language(self):
        self.assertEqual(self.r.returncode, 0, self.r.stderr)
        self.assertGreaterEqual(len(self.langs), 31)
        recs = {x["id"]: x for x in self.report["records"]}
        n_docs = 0
        for lang in self.langs:
            title = titles(lang)
            for role, (_, forms) in ROLES.items():
                rec = recs["S-%s-%s" % (lang, role)]
                self.assertEqual(rec["outcome"], "generated", rec)
                self.assertEqual(len(rec["documents"]), len(forms), rec["id"])
                for doc, form in zip(sorted(rec["documents"], key=lambda x: x["kind"] != "declaration"),
                                     forms):
                    n_docs += 1
                    where = "%s %s" % (rec["id"], doc["kind"])
                    self.assertEqual(doc["lang"], lang, where)
                    self.assertIsNone(doc["fallback"], where)
                    self.assertEqual(doc["missing_messages"], [], where)
                    text = subprocess.run(["pdftotext", doc["path"], "-"],
                                          capture_output=True, text=True,
                                          check=True).stdout
                    flat = " ".join(text.split())
                    self.assertNotIn("\ufffd", text, where)
                    words = title[form].split()
                    self.assertIn(" ".join(words[:2]), flat,
                                  "%s: the title %r is not in the text" % (
                                      where, title[form]))
                    fonts = subprocess.run(["pdffonts", doc["path"]],
                                           capture_output=True, text=True,
                                           check=True).stdout.splitlines()[2:]
                    self.assertTrue(fonts, where)
                    for line in fonts:
                        self.assertIn(" yes ", line, where + ": " + line)
        self.assertEqual(n_docs, len(self.langs) * 7)

    def test_time(self):
        self.assertLess(self.seconds, 60, "%.1f s for %d languages" % (
            self.seconds, len(self.langs)))


if __name__ == "__main__":
    unittest.main()
