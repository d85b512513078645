"""End-to-end tests of the packages `pactdoc generate` writes to
DIR/packages/ (the per-applicant ZIPs and the countersigning ZIP with its
cover sheet), and of the archivist's workflow on generate's real output.
A run that writes no packages fails."""
import hashlib
import json
import os
import re
import shutil
import subprocess
import unittest
import zipfile

import harness
from harness import sha256
from test_bundle import check_bag, run, unpack

DATE = "2026-11-23"

RECORDS = """<?xml version="1.0" encoding="UTF-8"?>
<applications xmlns="urn:eumayors:applications:1"
              batch="2026-11-A" exported="2026-11-23T09:30:00Z">
  <countersignatory>
    <name>Maria Rossi</name>
    <position>Head of Unit, DG ENER</position>
  </countersignatory>
  <application id="LV-COORD-0042" role="coordinator" lang="lv" status="eligible">
    <organisation>
      <name>Vidzemes plānošanas reģions</name>
      <category>region</category>
      <country>LV</country>
      <address><line>Jāņa Poruka iela 8</line><city>Cēsis</city></address>
    </organisation>
    <signatory>
      <name>Jānis Bērziņš</name>
      <position>Administrācijas vadītājs</position>
      <email>janis.berzins@example.lv</email>
    </signatory>
    <eligibility confirmed="2026-11-20" reference="CoMO/2026/0042"/>
  </application>
  <application id="LV-AP-0007" role="associated-partner" lang="lv" status="eligible">
    <organisation>
      <name>Zaļā enerģija</name>
      <category>ngo-civil-society</category>
      <country>LV</country>
      <address><line>Brīvības iela 1</line><city>Rīga</city></address>
    </organisation>
    <signatory>
      <name>Anna Liepa</name>
      <position>Valdes priekšsēdētāja</position>
      <email>anna.liepa@example.lv</email>
    </signatory>
    <eligibility confirmed="2026-11-20" reference="CoMO/2026/0007"/>
  </application>
</applications>
"""

COUNTERSIGN = "countersign-2026-11-A"


class PackageTest(unittest.TestCase):
    def setUp(self):
        self.tmp = harness.tempdir(self)
        self.records = harness.write(os.path.join(self.tmp, "records",
                                                  "batch.xml"), RECORDS)

    def generate(self, out, records=None, env=None):
        r = run(self, "generate", "--date", DATE, "-j", "2", "-o", out,
                "--report", os.path.join(out, "report.json"),
                records or self.records, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.isdir(os.path.join(out, "packages")),
                        "generate wrote no packages")
        return r

    def cover_text(self, out, name=COUNTERSIGN):
        d = unpack(self, os.path.join(out, "packages", name + ".zip"))
        cover = os.path.join(d, name, "cover-sheet.pdf")
        r = subprocess.run(["pdftotext", cover, "-"], capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def datadir_copy(self):
        """A copy of the data directory to edit (fonts linked)."""
        d = os.path.join(self.tmp, "data")
        for sub in ("forms", "locales", "schema"):
            shutil.copytree(os.path.join(harness.ROOT, sub),
                            os.path.join(d, sub))
        os.symlink(os.path.join(harness.ROOT, "fonts"),
                   os.path.join(d, "fonts"))
        return d

    def edit(self, path, old, new):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertIn(old, text)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new))

    def test_packages_hold_the_documents_and_verify(self):
        out = os.path.join(self.tmp, "out")
        self.generate(out)
        pk = os.path.join(out, "packages")
        self.assertEqual(sorted(n for n in os.listdir(pk)), [
            "LV-AP-0007.zip", "LV-COORD-0042.zip", COUNTERSIGN + ".zip"])
        for name in os.listdir(pk):
            z = os.path.join(pk, name)
            r = subprocess.run(["unzip", "-t", z], capture_output=True,
                               text=True)
            self.assertEqual(r.returncode, 0, r.stdout)
            with zipfile.ZipFile(z) as zf:
                self.assertIsNone(zf.testzip())
            r = run(self, "verify", z)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

        with zipfile.ZipFile(os.path.join(pk, "LV-COORD-0042.zip")) as zf:
            self.assertEqual(zf.namelist(), [
                "LV-COORD-0042/LV-COORD-0042-agreement-lv.pdf",
                "LV-COORD-0042/LV-COORD-0042-declaration-lv.pdf",
                "LV-COORD-0042/manifest-sha256.txt",
                "LV-COORD-0042/manifest.json"])
            self.assertEqual(
                zf.read("LV-COORD-0042/LV-COORD-0042-agreement-lv.pdf"),
                open(os.path.join(out, "LV-COORD-0042",
                                  "LV-COORD-0042-agreement-lv.pdf"),
                     "rb").read())

        d = unpack(self, os.path.join(pk, COUNTERSIGN + ".zip"))
        top = os.path.join(d, COUNTERSIGN)
        self.assertEqual(sorted(os.listdir(os.path.join(top, "agreements"))),
                         ["LV-COORD-0042-agreement-lv.pdf"])
        agreement = os.path.join(out, "LV-COORD-0042",
                                 "LV-COORD-0042-agreement-lv.pdf")
        with open(os.path.join(top, "manifest.json"), encoding="utf-8") as f:
            m = json.load(f)
        self.assertEqual(m["batch"], "2026-11-A")
        self.assertEqual(m["date"], DATE)
        self.assertEqual(m["countersignatory"]["name"], "Maria Rossi")
        self.assertEqual(len(m["documents"]), 1)
        doc = m["documents"][0]
        self.assertEqual(doc["id"], "LV-COORD-0042")
        self.assertEqual(doc["sha256"], sha256(agreement))
        self.assertEqual(doc["bytes"], os.path.getsize(agreement))
        self.assertEqual(m["cover_sheet"]["sha256"],
                         sha256(os.path.join(top, "cover-sheet.pdf")))

        cover = os.path.join(top, "cover-sheet.pdf")
        r = subprocess.run(["qpdf", "--check", cover], capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        text = subprocess.run(["pdftotext", cover, "-"], capture_output=True,
                              text=True).stdout
        # Table cells wrap: compare without white space. Every agreement
        # form of the batch is Latvian, so the cover sheet is too.
        flat = "".join(text.split())
        for want in ("Līdzparakstīšanas pakete", "Pieteikumu kārta",
                     "2026-11-A", "2026. gada 23. novembris",
                     "Maria Rossi, Head of Unit, DG ENER", "LV-COORD-0042",
                     "Vidzemes plānošanas reģions", doc["sha256"],
                     COUNTERSIGN + ".zip", "1. lappuse no 1"):
            self.assertIn("".join(want.split()), flat)
        self.assertNotIn("LV-AP-0007", flat)
        self.assertNotIn("Countersigning", flat)
        info = subprocess.run(["pdfinfo", cover], capture_output=True,
                              text=True).stdout
        self.assertRegex(info, r"Title:\s+Līdzparakstīšanas pakete")

    def test_countersigned_form_starts_with_the_listed_bytes(self):
        """The countersigner's check in docs/packages.md: after signing the
        commission field, the first `bytes` bytes of the signed file have
        the manifest's SHA-256."""
        import shutil
        if not all(shutil.which(t) for t in ("openssl", "certutil",
                                             "pk12util", "pdfsig")):
            self.skipTest("openssl, certutil, pk12util or pdfsig missing")
        out = os.path.join(self.tmp, "out")
        self.generate(out)
        d = unpack(self, os.path.join(out, "packages",
                                      COUNTERSIGN + ".zip"))
        with open(os.path.join(d, COUNTERSIGN, "manifest.json")) as f:
            doc = json.load(f)["documents"][0]
        form = os.path.join(d, COUNTERSIGN, doc["path"])
        nss, _ = harness.signing_db(self, self.tmp, "Test Countersigner")
        signed = os.path.join(self.tmp, "signed.pdf")
        r = harness.tool("pdfsig", "-nssdir", nss, "-nick", "signer",
                         "-sign", "commission_signature", form, signed)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = harness.tool("pdfsig", "-nssdir", nss, signed)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Test Countersigner", r.stdout)
        with open(signed, "rb") as f:
            data = f.read()
        self.assertGreater(len(data), doc["bytes"])
        self.assertEqual(hashlib.sha256(data[:doc["bytes"]]).hexdigest(),
                         doc["sha256"])

    def test_cover_sheet_in_english_when_languages_differ(self):
        sv = RECORDS.replace('id="LV-AP-0007" role="associated-partner" '
                             'lang="lv"',
                             'id="SE-SUP-0001" role="supporter" lang="sv"')
        sv = sv.replace("<category>ngo-civil-society</category>",
                        "<category>network</category>")
        records = harness.write(os.path.join(self.tmp, "mixed", "b.xml"), sv)
        out = os.path.join(self.tmp, "out")
        self.generate(out, records)
        flat = "".join(self.cover_text(out).split())
        for want in ("Countersigning package", "23 November 2026",
                     "Number of agreement forms", "LV-COORD-0042",
                     "SE-SUP-0001", "Page 1 of 1"):
            self.assertIn("".join(want.split()), flat)

    def test_cover_sheet_and_folder_come_from_forms_and_catalogues(self):
        """The cover sheet's words are catalogue text, and which documents
        go to the countersigning package, in which folder, is the forms'
        say: edit them, and the package follows without a code change."""
        data = self.datadir_copy()
        self.edit(os.path.join(data, "locales", "lv.xlf"),
                  "<target>Līdzparakstīšanas pakete</target>",
                  "<target>Pakete Komisijas parakstam</target>")
        self.edit(os.path.join(data, "forms", "coordinator-agreement.xml"),
                  'countersign-folder="agreements"',
                  'countersign-folder="to-sign"')
        out = os.path.join(self.tmp, "out")
        self.generate(out, env={"PACTDOC_DATADIR": data})
        flat = "".join(self.cover_text(out).split())
        self.assertIn("PaketeKomisijasparakstam", flat)
        with zipfile.ZipFile(os.path.join(out, "packages",
                                          COUNTERSIGN + ".zip")) as zf:
            self.assertIn(COUNTERSIGN + "/to-sign/"
                          "LV-COORD-0042-agreement-lv.pdf", zf.namelist())
        # No form names a folder: no countersigning package at all.
        for form in ("coordinator-agreement", "supporter-agreement"):
            path = os.path.join(data, "forms", form + ".xml")
            with open(path, encoding="utf-8") as f:
                text = f.read()
            with open(path, "w", encoding="utf-8") as f:
                f.write(re.sub(r'countersign-folder="[^"]*"', "", text))
        out2 = os.path.join(self.tmp, "out2")
        self.generate(out2, env={"PACTDOC_DATADIR": data})
        self.assertEqual(sorted(os.listdir(os.path.join(out2, "packages"))),
                         ["LV-AP-0007.zip", "LV-COORD-0042.zip"])

    def test_two_runs_same_packages(self):
        a, b = os.path.join(self.tmp, "a"), os.path.join(self.tmp, "b")
        self.generate(a)
        self.generate(b)
        for name in os.listdir(os.path.join(a, "packages")):
            with open(os.path.join(a, "packages", name), "rb") as f, \
                    open(os.path.join(b, "packages", name), "rb") as g:
                self.assertEqual(f.read(), g.read(), name)

    def test_archivists_bundle_of_a_run(self):
        out = os.path.join(self.tmp, "out")
        self.generate(out)
        archive = os.path.join(self.tmp, "archive")
        r = run(self, "bundle", "--date", DATE, "-o", archive, out,
                os.path.dirname(self.records))
        self.assertEqual(r.returncode, 0, r.stderr)
        bag = os.path.join(unpack(self, r.stdout.strip()),
                           "pactdoc-" + DATE)
        problems, info = check_bag(bag)
        self.assertEqual(problems, [])
        data = os.path.join(bag, "data")
        self.assertTrue(os.path.isfile(os.path.join(
            data, "documents", "LV-COORD-0042",
            "LV-COORD-0042-agreement-lv.pdf")))
        self.assertTrue(os.path.isfile(os.path.join(
            data, "records", "batch.xml")))
        self.assertTrue(os.path.isfile(os.path.join(
            data, "reports", "report.json")))
        self.assertFalse(os.path.exists(os.path.join(data, "documents",
                                                     "packages")))


if __name__ == "__main__":
    unittest.main()
