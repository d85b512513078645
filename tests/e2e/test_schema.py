"""schema/records.xsd stands on its own: any XSD tool (here xmllint)
accepts the samples and refuses records that break what a schema can say."""
import glob
import os
import unittest

import harness
from harness import RECORDS_XSD, SAMPLES, tempdir, write

XSD = RECORDS_XSD


def xmllint(path):
    return harness.xmllint(XSD, path)


class Schema(unittest.TestCase):

    def test_samples_validate(self):
        samples = sorted(glob.glob(os.path.join(SAMPLES, "*.xml")))
        self.assertGreaterEqual(len(samples), 4)
        for path in samples:
            r = xmllint(path)
            self.assertEqual(r.returncode, 0, r.stderr)

    def test_schema_refuses_what_it_can_say(self):
        good = open(os.path.join(SAMPLES, "03-associated-partners.xml"),
                    encoding="utf-8").read()
        cases = {
            "id": ('id="LV-AP-0002"', 'id="../x"'),
            "role": ('role="associated-partner"', 'role="boss"'),
            "status": ('status="eligible"', 'status="maybe"'),
            "country": ("<country>LV</country>", "<country>lv</country>"),
            "category": ("<category>", "<category>planet-"),
        }
        d = tempdir(self)
        for name, (old, new) in cases.items():
            self.assertIn(old, good, name)
            path = write(os.path.join(d, name + ".xml"), good.replace(old, new, 1))
            r = xmllint(path)
            self.assertNotEqual(r.returncode, 0, name)
            self.assertIn("validity error", r.stderr, name)


if __name__ == "__main__":
    unittest.main()
