"""The batch around the records: <applications> attributes and the
countersignatory are checked as the schema says, a problem there is
reported against the file, and the records are still judged one by one."""
import glob
import os
import unittest
import zipfile

from harness import run, tempdir, write

RECORD = """  <application id="%s" role="supporter" lang="bg" status="eligible">
    <organisation><name>Мрежа</name><category>network</category>
      <country>BG</country><address><line>ул. Витоша 1</line><city>София</city></address>
    </organisation>
    <signatory><name>Иван Петров</name><position>Председател</position>
      <email>ivan@example.bg</email></signatory>
    <eligibility confirmed="2026-11-20" reference="CoMO/B/1"/>
  </application>
"""


def batch_file(path, attrs, counter="", ids=("B-1",)):
    body = "".join(RECORD % i for i in ids)
    return write(path, '<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<applications xmlns="urn:eumayors:applications:1" %s>\n%s%s'
                 '</applications>\n' % (attrs, counter, body))


class Batch(unittest.TestCase):

    def test_bad_exported_and_unknown_attribute_are_file_errors(self):
        d = tempdir(self)
        f = batch_file(os.path.join(d, "b.xml"),
                       'batch="X" exported="yesterday" colour="blue"')
        r = run("validate", f)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"b\.xml:2:\d+: error: .*exported.*\[date\]")
        self.assertRegex(r.stderr, r"b\.xml:2:\d+: error: .*colour.*\[schema\]")
        self.assertIn("B-1: valid", r.stdout)

    def test_good_batch_names_the_countersigning_package(self):
        d = tempdir(self)
        counter = ("  <countersignatory><name>Maria Rossi</name>"
                   "<position>Head of Unit</position></countersignatory>\n")
        f = batch_file(os.path.join(d, "b.xml"),
                       'batch="2026-11-A" exported="2026-11-23T09:30:00Z"', counter)
        out = os.path.join(d, "out")
        r = run("generate", "-q", "-o", out, "--date", "2026-11-23", f)
        self.assertEqual(r.returncode, 0, r.stderr)
        pkg = os.path.join(out, "packages", "countersign-2026-11-A.zip")
        with zipfile.ZipFile(pkg) as z:
            names = z.namelist()
        self.assertTrue(any(n.endswith("B-1-agreement-bg.pdf") for n in names), names)
        self.assertTrue(any(n.endswith("cover-sheet.pdf") for n in names), names)

    def test_two_batches_name_the_package_by_date(self):
        d = tempdir(self)
        a = batch_file(os.path.join(d, "a.xml"), 'batch="A"', ids=("A-1",))
        b = batch_file(os.path.join(d, "b.xml"), 'batch="B"', ids=("B-2",))
        out = os.path.join(d, "out")
        r = run("generate", "-q", "-o", out, "--date", "2026-11-23", a, b)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([os.path.basename(p) for p in
                          glob.glob(os.path.join(out, "packages", "countersign-*.zip"))],
                         ["countersign-2026-11-23.zip"])

    def test_unknown_countersignatory_child(self):
        d = tempdir(self)
        counter = ("  <countersignatory><name>M</name><position>P</position>"
                   "<phone>1</phone></countersignatory>\n")
        f = batch_file(os.path.join(d, "b.xml"), 'batch="X"', counter)
        r = run("validate", f)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"b\.xml:3:\d+: error: .*<phone>.*\[schema\]")


if __name__ == "__main__":
    unittest.main()
