"""The forms in forms/: each validates against forms/form.xsd (xmllint),
the schema refuses what it should, every role gets the documents the
records contract names, and every catalogue message a form references
exists in the English catalogue (locales/en.xlf)."""
import glob
import os
import unittest
import xml.etree.ElementTree as ET

import harness
from harness import ROOT, tempdir, write

FORMS = os.path.join(ROOT, "forms")
XSD = os.path.join(FORMS, "form.xsd")
EN = os.path.join(ROOT, "locales", "en.xlf")
F = "{urn:pactdoc:form:1}"
X = "{urn:oasis:names:tc:xliff:document:2.0}"
MSG_ATTRS = ("text", "label", "heading", "tooltip", "title", "reference",
             "page")
# The cover sheet's <documents> column headings.
COLUMN_ATTRS = ("id", "organisation", "document", "pages", "sha256")
COVER = "countersign-cover-sheet.xml"
OFFER_KINDS = ("technical", "financial", "strategic", "capacity-building",
               "other")


def form_paths():
    return sorted(p for p in glob.glob(os.path.join(FORMS, "*.xml")))


def xmllint(path):
    return harness.xmllint(XSD, path)


def en_units():
    """{(file id, unit id)} of locales/en.xlf."""
    units = set()
    root = ET.parse(EN).getroot()
    for f in root.iter(X + "file"):
        for u in f.iter(X + "unit"):
            units.add((f.get("id"), u.get("id")))
    return units


def references(form):
    """Every (file, unit) the form names, with where it is named."""
    own = form.get("catalogue")
    refs = []
    for el in form.iter():
        for attr in MSG_ATTRS:
            v = el.get(attr)
            if v is None or el.tag == F + "form":
                continue
            file, _, unit = v.rpartition(":")
            refs.append(((file or own, unit), "%s/@%s" % (el.tag[len(F):], attr)))
        if el.tag == F + "documents":
            for attr in COLUMN_ATTRS:
                file, _, unit = el.get(attr).rpartition(":")
                refs.append(((file or own, unit), "documents/@" + attr))
        if el.tag == F + "items":
            refs.append(((own, el.get("series") + "1"), "items/@series"))
        if el.tag == F + "offers":
            for kind in OFFER_KINDS:
                refs.append((("common", "offer." + kind), "offers"))
    for role in form.iter(F + "role"):
        refs.append((("common", "role." + role.text), "roles/role"))
    # What compose puts in for {countersignatory} when the batch names nobody.
    refs.append((("common", "commission.representative"), "{countersignatory}"))
    return refs


class FormsTest(unittest.TestCase):
    def test_five_forms_and_the_cover_sheet_exist(self):
        names = [os.path.basename(p) for p in form_paths()]
        self.assertEqual(names, [
            "associated-partner-declaration.xml", "coordinator-agreement.xml",
            "coordinator-declaration.xml", COVER, "supporter-agreement.xml",
            "supporter-declaration.xml"])

    def test_agreements_and_only_they_are_countersigned(self):
        for path in form_paths():
            form = ET.parse(path).getroot()
            want = "agreements" if form.get("kind") == "agreement" else None
            self.assertEqual(form.get("countersign-folder"), want, path)
            cover = os.path.basename(path) == COVER
            self.assertEqual(form.get("purpose") == "countersign-cover",
                             cover, path)
            self.assertEqual(form.find(F + "roles") is None, cover, path)

    def test_every_form_validates(self):
        for path in form_paths():
            with self.subTest(form=os.path.basename(path)):
                r = xmllint(path)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("validates", r.stderr)

    def test_schema_refuses_unknown_blocks_and_fields(self):
        d = tempdir(self)
        with open(form_paths()[0], encoding="utf-8") as f:
            good = f.read()
        bad = {
            "block.xml": good.replace("<body>", "<body><table/>", 1),
            "field.xml": good.replace('field="organisation.name"',
                                      'field="organisation.secret"', 1),
            "role.xml": good.replace("<roles>", "<roles><role>mayor</role>", 1),
            "msg.xml": good.replace('text="common:covenant.name"',
                                    'text="common:../../etc"', 1),
        }
        for name, text in bad.items():
            self.assertNotEqual(text, good, name)
            with self.subTest(case=name):
                r = xmllint(write(os.path.join(d, name), text))
                self.assertNotEqual(r.returncode, 0, name)

    def test_roles_get_the_documents_of_the_contract(self):
        want = {
            "coordinator": ["agreement", "declaration"],
            "national-coordinator": ["agreement", "declaration"],
            "supporter": ["agreement", "declaration"],
            "associated-partner": ["declaration"],
        }
        got = {role: [] for role in want}
        for path in form_paths():
            form = ET.parse(path).getroot()
            for role in form.iter(F + "role"):
                got[role.text].append(form.get("kind"))
            self.assertEqual(form.get("catalogue"), form.get("id"), path)
            self.assertEqual(form.get("id") + ".xml", os.path.basename(path))
        self.assertEqual({r: sorted(k) for r, k in got.items()}, want)

    def test_signature_fields(self):
        for path in form_paths():
            form = ET.parse(path).getroot()
            fields = [s.get("field") for s in form.iter(F + "signature")]
            want = (["applicant_signature", "commission_signature"]
                    if form.get("kind") == "agreement"
                    else [] if os.path.basename(path) == COVER
                    else ["applicant_signature"])
            self.assertEqual(fields, want, path)

    def test_every_referenced_message_is_in_english(self):
        units = en_units()
        self.assertGreater(len(units), 50)
        for path in form_paths():
            form = ET.parse(path).getroot()
            refs = references(form)
            self.assertGreater(len(refs), 20 if form.find(F + "roles")
                               is not None else 10, path)
            for (file, unit), where in refs:
                with self.subTest(form=os.path.basename(path), msg=file + ":" + unit):
                    if (file, unit) not in units:
                        self.fail("%s: %s names %s:%s, not in en.xlf"
                                  % (os.path.basename(path), where, file, unit))


if __name__ == "__main__":
    unittest.main()
