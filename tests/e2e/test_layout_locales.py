"""`pactdoc locales`: every catalogue language is listed with its
completeness per document kind and whether it is hyphenated."""
import os
import re
import shutil
import unittest

import harness


def data_env(testcase, locales=None):
    """A data directory holding the repo's catalogues (or `locales`)."""
    d = harness.tempdir(testcase)
    os.makedirs(os.path.join(d, "schema"))
    open(os.path.join(d, "schema", "records.xsd"), "w").close()
    src = locales or os.path.join(harness.ROOT, "locales")
    shutil.copytree(src, os.path.join(d, "locales"))
    return {"PACTDOC_DATADIR": d}, d


class LocalesTest(unittest.TestCase):
    def test_lists_languages_and_hyphenation(self):
        env, _ = data_env(self)
        r = harness.run("locales", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        blocks = {}
        for block in r.stdout.split("\n\n"):
            m = re.match(r"(\S+)\s+\S", block)
            if m and "hyphenation:" in block:
                blocks[m.group(1)] = block
        for lang in ("en", "lv", "sv", "bg", "ky"):
            self.assertIn(lang, blocks)
        for lang in ("en", "lv", "sv", "bg"):
            self.assertRegex(blocks[lang], r"hyphenation: yes \(hyph_%s_" % lang)
        self.assertIn("hyphenation: no", blocks["ky"])
        for kind in ("coordinator-declaration", "coordinator-agreement",
                     "supporter-declaration", "supporter-agreement",
                     "associated-partner-declaration"):
            for lang, block in blocks.items():
                self.assertRegex(block, kind + r"\s+\d+/\d+\s+\d+%", lang)
        self.assertIn("latviešu", blocks["lv"])

    def test_incomplete_catalogue_is_shown(self):
        env, d = data_env(self)
        path = os.path.join(d, "locales", "lv.xlf")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        # Drop the first unit of the supporter declaration.
        start = text.index('<file id="supporter-declaration"')
        u0 = text.index("<unit", start)
        u1 = text.index("</unit>", u0) + len("</unit>")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text[:u0] + text[u1:])
        r = harness.run("locales", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        lv = [b for b in r.stdout.split("\n\n") if b.startswith("lv ")][0]
        m = re.search(r"supporter-declaration\s+(\d+)/(\d+)\s+(\d+)%", lv)
        self.assertIsNotNone(m)
        self.assertEqual(int(m.group(1)), int(m.group(2)) - 1)
        n = len(harness.catalogue_languages())
        self.assertRegex(r.stdout, r"%d of %d complete" % (n - 1, n))


if __name__ == "__main__":
    unittest.main()
