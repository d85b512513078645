"""End-to-end tests of `pactdoc generate`, as a user runs it: which
documents appear where, what they say (pdftotext), what the run report
says, reproducibility whatever -j, and what bad input costs."""
import glob
import json
import os
import re
import subprocess
import unicodedata
import unittest
import xml.etree.ElementTree as ET

from harness import ROOT, SAMPLES, run, sha256, tempdir, write
import harness

NS = "{urn:eumayors:applications:1}"
XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"
AGREEMENT_ROLES = {"coordinator", "national-coordinator", "supporter"}
FORM_OF = {
    ("coordinator", "declaration"): "coordinator-declaration",
    ("national-coordinator", "declaration"): "coordinator-declaration",
    ("coordinator", "agreement"): "coordinator-agreement",
    ("national-coordinator", "agreement"): "coordinator-agreement",
    ("supporter", "declaration"): "supporter-declaration",
    ("supporter", "agreement"): "supporter-agreement",
    ("associated-partner", "declaration"): "associated-partner-declaration",
}


def sample_records():
    """Every <application> of the samples as a dict."""
    out = []
    for path in sorted(glob.glob(os.path.join(SAMPLES, "*.xml"))):
        root = ET.parse(path).getroot()
        apps = [root] if root.tag == NS + "application" else root.iter(NS + "application")
        for app in apps:
            out.append({
                "id": app.get("id"), "role": app.get("role"),
                "lang": app.get("lang"), "status": app.get("status"),
                "org": " ".join(app.find(NS + "organisation").find(NS + "name").text.split()),
            })
    return out


def catalogue_text(lang, file_id, unit):
    tree = ET.parse(os.path.join(ROOT, "locales", lang + ".xlf"))
    for f in tree.getroot().iter(XLIFF + "file"):
        if f.get("id") != file_id:
            continue
        for u in f.iter(XLIFF + "unit"):
            if u.get("id") == unit:
                seg = u.find(XLIFF + "segment")
                t = seg.find(XLIFF + "target")
                return (t if t is not None else seg.find(XLIFF + "source")).text
    return None


def squash(text):
    """Text without white space, hyphens and soft hyphens: what survives
    line breaking and hyphenation in pdftotext's output."""
    return re.sub(r"[\s\-\u00ad\u2010]", "", text)


def pdftotext(path):
    return subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"],
                          capture_output=True, text=True, check=True).stdout


def pdfinfo(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True,
                         check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def tree_digests(top):
    """Relative path -> sha256 of every file under top."""
    out = {}
    for dirpath, _, files in os.walk(top):
        for name in files:
            p = os.path.join(dirpath, name)
            out[os.path.relpath(p, top)] = sha256(p)
    return out


class GenerateSamples(unittest.TestCase):
    """One generate run over the bundled samples, checked many ways."""

    @classmethod
    def setUpClass(cls):
        import tempfile
        cls._tmp = tempfile.TemporaryDirectory(prefix="pactdoc-gen-")
        cls.out = os.path.join(cls._tmp.name, "out")
        cls.report_path = os.path.join(cls._tmp.name, "report.json")
        cls.result = run("generate", "-q", "-o", cls.out, "--date", "2026-11-23",
                         "--report", cls.report_path, SAMPLES)
        with open(cls.report_path, encoding="utf-8") as f:
            cls.report = json.load(f)
        cls.records = sample_records()

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def test_exit_status_and_no_sanitizer_reports(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        self.assertNotIn("AddressSanitizer", self.result.stderr)
        self.assertNotIn("runtime error", self.result.stderr)

    def test_documents_per_role_and_status(self):
        for rec in self.records:
            files = sorted(glob.glob(os.path.join(self.out, rec["id"], "*.pdf")))
            names = [os.path.basename(f) for f in files]
            if rec["status"] != "eligible":
                self.assertEqual(names, [], rec["id"])
                continue
            kinds = ["declaration"] + (["agreement"] if rec["role"] in AGREEMENT_ROLES else [])
            self.assertEqual(len(names), len(kinds), (rec["id"], names))
            for kind in kinds:
                self.assertTrue(any(n.startswith("%s-%s-" % (rec["id"], kind)) for n in names),
                                (rec["id"], kind, names))

    def test_documents_speak_the_record_language(self):
        checked = 0
        for rec in self.records:
            if rec["status"] != "eligible":
                continue
            lang = harness.catalogue_for(rec["lang"])
            kinds = ["declaration"] + (["agreement"] if rec["role"] in AGREEMENT_ROLES else [])
            for kind in kinds:
                path = os.path.join(self.out, rec["id"],
                                    "%s-%s-%s.pdf" % (rec["id"], kind, lang))
                self.assertTrue(os.path.exists(path), path)
                raw = pdftotext(path)
                text = squash(raw)
                self.assert_name_extracts(rec["org"], raw, path)
                first = catalogue_text(lang, FORM_OF[(rec["role"], kind)], "commitment.1")
                self.assertIn(squash(first), text, path)
                checked += 1
        self.assertGreater(checked, 20)

    def assert_name_extracts(self, name, raw, path):
        """The name comes back from pdftotext as written (NFC), poppler's
        bidi marks aside. poppler reorders right-to-left text itself and
        splits it at digits, so for such names only the words are checked
        (the page shows them in the right order: see the layout tests)."""
        plain = unicodedata.normalize("NFC", re.sub("[\u202a-\u202e]", "", raw))
        name = unicodedata.normalize("NFC", name)
        rtl = any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in name)
        if rtl and any(ch.isdigit() for ch in name):
            for word in re.split(r"[\s\d]+", name):
                self.assertIn(word, plain, path)
        else:
            self.assertIn(name, " ".join(plain.split()), path)

    def test_report_lists_documents_truthfully(self):
        by_id = {r["id"]: r for r in self.report["records"]}
        for rec in self.records:
            entry = by_id[rec["id"]]
            self.assertEqual(entry["role"], rec["role"])
            self.assertEqual(entry["lang"], rec["lang"])
            self.assertEqual(entry["status"], rec["status"])
            if rec["status"] != "eligible":
                self.assertEqual(entry["outcome"], "skipped")
                self.assertEqual(entry["documents"], [])
                continue
            self.assertEqual(entry["outcome"], "generated")
            for doc in entry["documents"]:
                self.assertEqual(doc["sha256"], sha256(doc["path"]))
                self.assertEqual(doc["bytes"], os.path.getsize(doc["path"]))
                self.assertEqual(doc["pages"], int(pdfinfo(doc["path"])["Pages"]))
                if harness.catalogue_for(rec["lang"]) == rec["lang"]:
                    self.assertEqual(doc["lang"], rec["lang"])
                    self.assertIsNone(doc["fallback"])
                else:
                    self.assertIsNotNone(doc["fallback"], rec["id"])
                    self.assertIn(rec["lang"], doc["fallback"])

    def test_metadata(self):
        for rec in self.records:
            if rec["status"] != "eligible":
                continue
            for path in glob.glob(os.path.join(self.out, rec["id"], "*.pdf")):
                info = pdfinfo(path)
                self.assertEqual(info["Author"].strip(), rec["org"])
                self.assertTrue(info["Creator"].strip().startswith("pactdoc "))
                self.assertIn("Nov 23", info["CreationDate"])
                self.assertIn("2026", info["CreationDate"])
                self.assertTrue(info["Title"].strip())

    def test_fonts_embedded(self):
        for path in glob.glob(os.path.join(self.out, "*", "*.pdf")):
            out = subprocess.run(["pdffonts", path], capture_output=True,
                                 text=True, check=True).stdout.splitlines()[2:]
            self.assertTrue(out, path)
            for line in out:
                self.assertIn(" yes ", line[line.find("CID"):] if "CID" in line else line,
                              (path, line))

    def test_both_signature_fields_of_an_agreement_form_sign(self):
        """A throwaway certificate signs applicant_signature of a generated
        agreement form with poppler's pdfsig, then commission_signature of
        the signed file; both signatures verify."""
        form = glob.glob(os.path.join(self.out, "LV-COORD-0042",
                                      "*-agreement-lv.pdf"))[0]
        work = os.path.join(self._tmp.name, "sign")
        os.makedirs(work)
        nss, _ = harness.signing_db(self, work, "pactdoc throwaway signer")
        twice, _ = harness.sign_both_fields(self, nss, form, work)
        with open(form, "rb") as f, open(twice, "rb") as g:
            original = f.read()
            self.assertTrue(g.read().startswith(original),
                            "signing appends: the generated bytes stay a prefix")

    def test_nothing_half_written(self):
        leftovers = [p for p in glob.glob(os.path.join(self.out, "**", "*"), recursive=True)
                     if ".tmp." in os.path.basename(p)]
        self.assertEqual(leftovers, [])


class GenerateBehaviour(unittest.TestCase):

    def one_record(self, record_id="T-1", name="Test Region", extra_status="eligible",
                   lang="lv", role="coordinator", category="region"):
        return """<application xmlns="urn:eumayors:applications:1" id="%s" role="%s"
 lang="%s" status="%s">
  <organisation><name>%s</name><category>%s</category><country>LV</country>
    <address><line>Iela 1</line><city>Rīga</city></address></organisation>
  <signatory><name>Anna Ozola</name><position>Vadītāja</position>
    <email>anna@example.lv</email></signatory>
  <eligibility confirmed="2026-11-20" reference="CoMO/T/1"/>
</application>
""" % (record_id, role, lang, extra_status, name, category)

    def test_same_bytes_whatever_jobs(self):
        tmp = tempdir(self)
        a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
        r1 = run("generate", "-q", "-j", "1", "-o", a, "--date", "2026-11-23", SAMPLES)
        r2 = run("generate", "-q", "-j", "4", "-o", b, "--date", "2026-11-23", SAMPLES)
        self.assertEqual(r1.returncode, 0, r1.stderr)
        self.assertEqual(r2.returncode, 0, r2.stderr)
        da, db = tree_digests(a), tree_digests(b)
        self.assertTrue(any(p.endswith(".pdf") for p in da))
        self.assertEqual(da, db)
        self.assertEqual(r1.stdout.replace(a, "X"), r2.stdout.replace(b, "X"))

    def test_same_bytes_whatever_caches_and_order(self):
        """The per-thread caches (hyphenation points, shaping results,
        libharu's arena) never change a document: 40 mixed records made -j 1, -j 2 in the reverse
        order, and -j 1 with PACTDOC_NO_CACHE=1 give the same PDFs."""
        tmp = tempdir(self)
        fwd, rev = os.path.join(tmp, "fwd.xml"), os.path.join(tmp, "rev.xml")
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "gen-records.py"),
                        "--count", "40", "--seed", "13", "--eligible-only",
                        "--out", fwd], check=True)
        ET.register_namespace("", NS[1:-1])
        tree = ET.parse(fwd)
        root = tree.getroot()
        apps = [e for e in root if e.tag == NS + "application"]
        for app in apps:
            root.remove(app)
        root.extend(reversed(apps))
        tree.write(rev, encoding="utf-8", xml_declaration=True)
        runs = [("a", fwd, "1", {}), ("b", rev, "2", {}),
                ("c", fwd, "1", {"PACTDOC_NO_CACHE": "1"})]
        pdfs = []
        for name, path, jobs, env in runs:
            out = os.path.join(tmp, name)
            r = run("generate", "-q", "-j", jobs, "-o", out, "--date",
                    "2026-11-23", path, env=env)
            self.assertEqual(r.returncode, 0, r.stderr)
            pdfs.append({p: d for p, d in tree_digests(out).items()
                         if p.endswith(".pdf")})
        self.assertGreaterEqual(len(pdfs[0]), 40)
        self.assertEqual(pdfs[0], pdfs[1])
        self.assertEqual(pdfs[0], pdfs[2])

    def test_date_changes_the_document_date(self):
        tmp = tempdir(self)
        write(os.path.join(tmp, "in.xml"), self.one_record())
        out = os.path.join(tmp, "out")
        r = run("generate", "-q", "-o", out, os.path.join(tmp, "in.xml"),
                env={"SOURCE_DATE_EPOCH": "1700000000"})
        self.assertEqual(r.returncode, 0, r.stderr)
        pdf = glob.glob(os.path.join(out, "T-1", "*declaration*.pdf"))[0]
        self.assertIn("2023", pdfinfo(pdf)["CreationDate"])
        r = run("generate", "-q", "-o", out, "--date", "2027-01-02",
                os.path.join(tmp, "in.xml"))
        self.assertIn("2027", pdfinfo(pdf)["CreationDate"])

    def test_bad_record_does_not_cost_the_good_ones(self):
        tmp = tempdir(self)
        body = (self.one_record("GOOD-1") + self.one_record("bad/../id") +
                self.one_record("GOOD-2", category="network"))
        doc = ('<applications xmlns="urn:eumayors:applications:1">\n%s</applications>\n'
               % body.replace(' xmlns="urn:eumayors:applications:1"', ""))
        write(os.path.join(tmp, "in.xml"), doc)
        out = os.path.join(tmp, "out")
        r = run("generate", "-o", out, "--date", "2026-11-23", os.path.join(tmp, "in.xml"))
        self.assertEqual(r.returncode, 1)
        self.assertTrue(glob.glob(os.path.join(out, "GOOD-1", "*.pdf")))
        self.assertFalse(os.path.exists(os.path.join(out, "GOOD-2")))
        self.assertRegex(r.stderr, r"in\.xml:\d+:\d+: error: .*bad/\.\./id.*\[id\]")
        self.assertRegex(r.stderr, r"in\.xml:\d+:\d+: error: .*GOOD-2.*\[category\]")
        self.assertFalse(os.path.exists(os.path.join(tmp, "bad")))
        self.assertEqual(sorted(os.listdir(out)), ["GOOD-1", "packages"])

    def test_text_is_normalised_to_nfc(self):
        """A name written decomposed (s + combining caron) is printed and
        extracted composed: the tool normalises record text to NFC."""
        tmp = tempdir(self)
        nfd = unicodedata.normalize("NFD", "Rīgas plānošanas reģions Šķēde")
        self.assertNotEqual(nfd, unicodedata.normalize("NFC", nfd))
        write(os.path.join(tmp, "in.xml"), self.one_record(name=nfd))
        out = os.path.join(tmp, "out")
        rep = os.path.join(tmp, "r.json")
        r = run("generate", "-q", "-o", out, "--report", rep, os.path.join(tmp, "in.xml"))
        self.assertEqual(r.returncode, 0, r.stderr)
        pdf = glob.glob(os.path.join(out, "T-1", "*declaration*.pdf"))[0]
        text = " ".join(pdftotext(pdf).split())
        self.assertIn("Rīgas plānošanas reģions Šķēde", text)
        self.assertNotIn("\u030c", text)
        self.assertEqual(pdfinfo(pdf)["Author"].strip(), "Rīgas plānošanas reģions Šķēde")

    def test_undrawable_character_rejects_the_record(self):
        tmp = tempdir(self)
        write(os.path.join(tmp, "in.xml"), self.one_record(name="Smile \U0001F600 Region"))
        out = os.path.join(tmp, "out")
        r = run("generate", "-o", out, os.path.join(tmp, "in.xml"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("U+1F600", r.stderr)
        self.assertIn("organisation/name", r.stderr)
        self.assertFalse(glob.glob(os.path.join(out, "T-1", "*.pdf")))

    def test_private_use_character_rejects_the_record(self):
        tmp = tempdir(self)
        write(os.path.join(tmp, "in.xml"), self.one_record(name="Region \uE000"))
        r = run("generate", "-o", os.path.join(tmp, "out"), os.path.join(tmp, "in.xml"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("U+E000", r.stderr)

    def test_fallback_is_reported(self):
        tmp = tempdir(self)
        write(os.path.join(tmp, "in.xml"), self.one_record(lang="eu-Latn-ES"))
        out = os.path.join(tmp, "out")
        rep = os.path.join(tmp, "r.json")
        r = run("generate", "-o", out, "--report", rep, os.path.join(tmp, "in.xml"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("eu-Latn-ES -> eu-Latn -> eu -> en", r.stdout)
        with open(rep, encoding="utf-8") as f:
            docs = json.load(f)["records"][0]["documents"]
        self.assertEqual({d["lang"] for d in docs}, {"en"})
        self.assertTrue(all(d["fallback"] == "eu-Latn-ES -> eu-Latn -> eu -> en"
                            for d in docs), docs)
        self.assertTrue(glob.glob(os.path.join(out, "T-1", "T-1-declaration-en.pdf")))

    def test_unwritable_output_is_a_system_error(self):
        tmp = tempdir(self)
        write(os.path.join(tmp, "in.xml"), self.one_record())
        blocker = write(os.path.join(tmp, "file"), "not a directory")
        r = run("generate", "-o", blocker, os.path.join(tmp, "in.xml"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("pactdoc:", r.stderr)
        self.assertEqual(os.listdir(tmp), ["in.xml", "file"] if os.listdir(tmp)[0] == "in.xml"
                         else ["file", "in.xml"])

    def test_interrupted_run_leaves_only_complete_files(self):
        """SIGTERM in the middle of a bulk run: every PDF on disk is
        complete (qpdf --check), and no temporary file is left behind."""
        import signal
        import time
        tmp = tempdir(self)
        records = os.path.join(tmp, "bulk.xml")
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "gen-records.py"),
                        "--count", "400", "--seed", "7", "--eligible-only",
                        "--out", records], check=True)
        out = os.path.join(tmp, "out")
        from harness import PACTDOC
        proc = subprocess.Popen([PACTDOC, "generate", "-q", "-o", out, records],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 120
        while time.time() < deadline and len(glob.glob(os.path.join(out, "*", "*.pdf"))) < 20:
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
        self.assertEqual(proc.returncode, -signal.SIGTERM)
        left = [p for p in glob.glob(os.path.join(out, "**", ".*"), recursive=True)
                + glob.glob(os.path.join(out, "**", "*.tmp.*"), recursive=True)]
        self.assertEqual(left, [])
        pdfs = glob.glob(os.path.join(out, "*", "*.pdf"))
        self.assertGreaterEqual(len(pdfs), 20)
        for pdf in pdfs:
            r = subprocess.run(["qpdf", "--check", pdf], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, (pdf, r.stdout[-500:]))

    def test_not_well_formed_file_produces_nothing(self):
        tmp = tempdir(self)
        text = ('<applications xmlns="urn:eumayors:applications:1">\n%s<oops>\n'
                % self.one_record().replace(' xmlns="urn:eumayors:applications:1"', ""))
        write(os.path.join(tmp, "in.xml"), text)
        out = os.path.join(tmp, "out")
        r = run("generate", "-o", out, os.path.join(tmp, "in.xml"))
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"in\.xml:\d+:\d+: error: not well-formed")
        self.assertFalse(glob.glob(os.path.join(out, "*", "*.pdf")))


if __name__ == "__main__":
    unittest.main()
