"""Issue 10, the workflow and infrastructure around the catalogues: every
segment has an XLIFF 2.0 review state, the loader rejects a bad one with
its file and line, `pactdoc locales` shows complete %, reviewed % and
hyphenation, the run report marks documents holding unreviewed units,
`generate --require-reviewed` refuses them, language tags resolve through
the alias table (sr -> sr-Cyrl, no -> nb ...), and languages with
hyphenation patterns get hyphenated justified text while the others are
set ragged right."""
import glob
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

import harness
import typometrics

XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"
STATES = ("initial", "translated", "reviewed", "final")
LOCALES = os.path.join(harness.ROOT, "locales")

RECORD = """  <application id="{id}" role="{role}" lang="{lang}" status="eligible">
    <organisation><name>{org}</name><category>{category}</category>
      <country>{country}</country>
      <address><line>{street}</line><postcode>{postcode}</postcode><city>{city}</city></address>
      <website>https://www.example.org</website></organisation>
    <signatory><name>{name}</name><position>{position}</position>
      <email>signatory@example.org</email></signatory>
    <contact><name>{name}</name><email>contact@example.org</email>
      <phone>+32 2 000 00 00</phone></contact>
    <eligibility confirmed="2026-11-20" reference="CoMO/2026/{n:04d}"/>
{support}  </application>
"""

DEFAULTS = dict(org="Altum", category="financial-institution", country="LV",
                street="Doma laukums 4", postcode="LV-1050", city="Riga",
                name="Reinis Berzins", position="Chair", support="")
CATEGORY = {"coordinator": "region", "supporter": "network",
            "associated-partner": "financial-institution"}


def records(items):
    """A batch file of records; items are dicts of RECORD's fields."""
    body = ""
    for n, it in enumerate(items, 1):
        f = dict(DEFAULTS, n=n)
        f.update(it)
        if f["role"] != "associated-partner" and "category" not in it:
            f["category"] = CATEGORY[f["role"]]
        if f["role"] in ("coordinator", "supporter") and not f["support"]:
            f["support"] = ('    <support><offer kind="technical">Technical '
                            'support for the signatories.</offer></support>\n')
        body += RECORD.format(**f)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<applications xmlns="urn:eumayors:applications:1" '
            'batch="2026-11-T" exported="2026-11-23T10:05:00Z">\n'
            '  <countersignatory><name>Henrik Sorensen</name>'
            '<position>Deputy Head of Unit</position></countersignatory>\n'
            + body + "</applications>\n")


def data_dir(testcase):
    """A data directory: a copy of the repo's schema, forms, fonts and
    locales, so that a test may change a catalogue."""
    d = harness.tempdir(testcase)
    for sub in ("schema", "forms", "fonts", "locales"):
        shutil.copytree(os.path.join(harness.ROOT, sub), os.path.join(d, sub))
    return d


def set_states(path, state, keep=0):
    """Sets every segment of a catalogue to `state`, but the first `keep`
    ones, which lose their state attribute (absent = initial)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r'<segment state="[a-z]+">', '<segment state="%s">' % state,
                  text)
    for _ in range(keep):
        text = text.replace('<segment state="%s">' % state, "<segment>", 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


class StatesTest(unittest.TestCase):
    def test_every_segment_has_a_state(self):
        langs = harness.catalogue_languages()
        self.assertGreaterEqual(len(langs), 31)
        for lang in langs:
            root = ET.parse(os.path.join(LOCALES, lang + ".xlf")).getroot()
            segs = list(root.iter(XLIFF + "segment"))
            self.assertGreater(len(segs), 100, lang)
            for seg in segs:
                self.assertIn(seg.get("state"), STATES, "%s.xlf: a segment "
                              "without a valid state" % lang)

    def test_seed_wording_is_final_and_the_rest_not_reviewed(self):
        """The seed's own wording is final; nothing we wrote claims a
        native review."""
        for lang in harness.catalogue_languages():
            root = ET.parse(os.path.join(LOCALES, lang + ".xlf")).getroot()
            states = [s.get("state") for s in root.iter(XLIFF + "segment")]
            if lang == "en":
                self.assertEqual(set(states), {"final"})
                continue
            self.assertNotIn("reviewed", states, lang)
            n_final = states.count("final")
            if lang in ("lv", "sv", "bg", "ky"):
                self.assertGreater(n_final, 0, lang)
                self.assertLess(n_final, 20, lang)
            else:
                self.assertEqual(n_final, 0, lang)

    def test_bad_state_is_an_error_with_file_and_line(self):
        d = data_dir(self)
        path = os.path.join(d, "locales", "lv.xlf")
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        at = next(i for i, l in enumerate(lines) if "<segment state=" in l)
        lines[at] = re.sub(r'state="[a-z]+"', 'state="approved"', lines[at])
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        r = harness.run("locales", env={"PACTDOC_DATADIR": d})
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertIn("lv.xlf:%d: error:" % (at + 1), r.stderr)
        self.assertIn('"approved"', r.stderr)


def lang_blocks(stdout):
    blocks = {}
    for block in stdout.split("\n\n"):
        m = re.match(r"(\S+)\s+\S", block)
        if m and "hyphenation:" in block:
            blocks[m.group(1)] = block
    return blocks


class LocalesListingTest(unittest.TestCase):
    def test_complete_reviewed_and_hyphenation(self):
        r = harness.run("locales")
        self.assertEqual(r.returncode, 0, r.stderr)
        blocks = lang_blocks(r.stdout)
        langs = harness.catalogue_languages()
        self.assertEqual(sorted(blocks), langs)
        for lang, block in blocks.items():
            self.assertRegex(block, r"complete: 100% \(\d+/\d+ units\)", lang)
            self.assertRegex(block, r"reviewed: \d+% \(\d+/\d+ units", lang)
        self.assertRegex(blocks["en"], r"reviewed: 100%")
        self.assertRegex(blocks["de"], r"reviewed: 0%")
        self.assertRegex(blocks["lv"], r"reviewed: [1-9]\d?% ")
        for lang, pkg in (("de", "hyphen-de"), ("it", "hyphen-it"),
                          ("pl", "hyphen-pl"), ("fr", "hyphen-fr"),
                          ("el", "hyphen-el"), ("et", "myspell-et"),
                          ("nb", "hyphen-no"), ("sr-Latn", "hyphen-sr")):
            self.assertRegex(blocks[lang], r"hyphenation: yes \(hyph_\S+\.dic "
                             r"from %s\), justified" % pkg)
        self.assertIn("hyph_sr-Latn_RS.dic", blocks["sr-Latn"])
        self.assertIn("hyph_sr_RS.dic", blocks["sr-Cyrl"])
        self.assertIn("hyphenation: no (no patterns), ragged right",
                      blocks["ky"])
        self.assertRegex(r.stdout, r"%d of %d complete" % (len(langs),
                                                           len(langs)))
        self.assertRegex(r.stdout, r"\d+ of %d fully reviewed; \d+ "
                         r"hyphenated and justified, \d+ ragged right"
                         % len(langs))

    def test_reviewed_share_follows_the_states(self):
        d = data_dir(self)
        set_states(os.path.join(d, "locales", "lv.xlf"), "reviewed", keep=3)
        r = harness.run("locales", env={"PACTDOC_DATADIR": d})
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.search(r"reviewed: (\d+)% \((\d+)/(\d+)", lang_blocks(r.stdout)["lv"])
        self.assertEqual(int(m.group(2)), int(m.group(3)) - 3)


class ReviewTest(unittest.TestCase):
    """The run report's "unreviewed" lists and --require-reviewed."""

    def generate(self, items, *extra, datadir=None):
        d = harness.tempdir(self)
        inp = harness.write(os.path.join(d, "in.xml"), records(items))
        out, rep = os.path.join(d, "out"), os.path.join(d, "report.json")
        env = {"PACTDOC_DATADIR": datadir} if datadir else None
        r = harness.run("generate", "-q", "--date", "2026-11-23", "-o", out,
                        "--report", rep, *extra, inp, env=env)
        with open(rep, encoding="utf-8") as f:
            report = json.load(f)
        return r, out, {x["id"]: x for x in report["records"]}

    def test_report_marks_unreviewed_documents(self):
        r, _, recs = self.generate([
            dict(id="T-LV", role="coordinator", lang="lv"),
            dict(id="T-EN", role="coordinator", lang="en")])
        self.assertEqual(r.returncode, 0, r.stderr)
        for doc in recs["T-LV"]["documents"]:
            self.assertFalse(doc["reviewed"])
            self.assertIn("common/covenant.name", doc["unreviewed"])
            # the seed's own wording (final) is not listed
            if doc["kind"] == "agreement":
                self.assertNotIn("coordinator-agreement/commitment.1",
                                 doc["unreviewed"])
        for doc in recs["T-EN"]["documents"]:
            self.assertTrue(doc["reviewed"])
            self.assertEqual(doc["unreviewed"], [])

    def test_require_reviewed_refuses_and_writes_nothing(self):
        r, out, recs = self.generate([
            dict(id="T-DE", role="supporter", lang="de"),
            dict(id="T-EN", role="supporter", lang="en")],
            "--require-reviewed")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(recs["T-DE"]["outcome"], "unreviewed")
        self.assertEqual(recs["T-DE"]["documents"], [])
        self.assertFalse(os.path.exists(os.path.join(out, "T-DE")))
        self.assertEqual(recs["T-EN"]["outcome"], "generated")
        self.assertEqual(len(glob.glob(os.path.join(out, "T-EN", "*.pdf"))), 2)
        m = re.search(r"in\.xml:\d+:\d+: error: record T-DE: its documents in "
                      r"'de' hold (\d+) messages not reviewed by a native "
                      r"speaker \(([^)]*)\).*\[unreviewed\]", r.stderr)
        self.assertIsNotNone(m, r.stderr)
        self.assertGreater(int(m.group(1)), 5)
        self.assertIn("common/covenant.name", m.group(2))
        self.assertIn("T-DE: unreviewed", r.stdout)
        diag = recs["T-DE"]["diagnostics"][0]
        self.assertEqual(diag["rule"], "unreviewed")

    def test_require_reviewed_passes_a_reviewed_catalogue(self):
        d = data_dir(self)
        set_states(os.path.join(d, "locales", "de.xlf"), "reviewed")
        r, out, recs = self.generate([dict(id="T-DE", role="supporter",
                                           lang="de")],
                                     "--require-reviewed", datadir=d)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(recs["T-DE"]["outcome"], "generated")
        self.assertTrue(all(x["reviewed"] for x in recs["T-DE"]["documents"]))
        # one segment without a state (initial) is enough to refuse it
        set_states(os.path.join(d, "locales", "de.xlf"), "reviewed", keep=1)
        r, out, recs = self.generate([dict(id="T-DE", role="supporter",
                                           lang="de")],
                                     "--require-reviewed", datadir=d)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("hold 1 message not reviewed", r.stderr)

    def test_option_is_generate_only_and_documented(self):
        r = harness.run("validate", "--require-reviewed", "x.xml")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--require-reviewed", harness.run("--help").stdout)
        with open(os.path.join(harness.ROOT, "pactdoc.1"), encoding="utf-8") as f:
            self.assertIn("require\\-reviewed", f.read())


def expected(tag, target):
    """The catalogue a mapped tag lands in: target when it has a
    catalogue, else English."""
    return target if target in harness.catalogue_languages() else "en"


# tag -> (catalogue it maps to when that catalogue exists, chain suffix)
ALIASES = {
    "sr": "sr-Cyrl", "sr-RS": "sr-Cyrl", "sr-Cyrl-RS": "sr-Cyrl",
    "sr-Latn-RS": "sr-Latn", "sr-ME": "sr-Latn", "no": "nb", "nn": "nb",
    "no-NO": "nb", "nn-NO": "nb", "nb-NO": "nb", "ro-MD": "ro", "mo": "ro",
    "pt-BR": "pt", "iw": "he", "uz": "uz", "uz-Latn": "uz",
    "uz-Cyrl": "en", "bs-Cyrl": "en", "az-Cyrl": "en", "kk-Latn": "en",
    "zh": "en", "zh-Hant-TW": "en", "de-AT": "de",
}


class TagResolutionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="pactdoc-tags-")
        d = cls.tmp.name
        items = [dict(id="TAG-%02d" % i, role="associated-partner",
                      lang=tag)
                 for i, tag in enumerate(ALIASES)]
        inp = harness.write(os.path.join(d, "in.xml"), records(items))
        cls.out = os.path.join(d, "out")
        cls.r = harness.run("generate", "-q", "--date", "2026-11-23", "-o",
                            cls.out, "--report", os.path.join(d, "r.json"), inp)
        with open(os.path.join(d, "r.json"), encoding="utf-8") as f:
            cls.recs = {x["lang"]: x for x in json.load(f)["records"]}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_every_mapping(self):
        self.assertEqual(self.r.returncode, 0, self.r.stderr)
        lines = {l.split(": ")[1]: l for l in self.r.stdout.splitlines()}
        for i, (tag, target) in enumerate(ALIASES.items()):
            want = expected(tag, target)
            rec = self.recs[tag]
            doc = rec["documents"][0]
            self.assertEqual(doc["lang"], want, tag)
            self.assertTrue(doc["path"].endswith("-declaration-%s.pdf" % want), tag)
            if tag == want:
                self.assertIsNone(doc["fallback"], tag)
                continue
            chain = doc["fallback"]
            self.assertTrue(chain.startswith(tag + " -> "), chain)
            self.assertTrue(chain.endswith(" -> " + want), chain)
            self.assertIn("(language %s)" % chain, lines["TAG-%02d" % i])
        self.assertEqual(self.recs["sr"]["documents"][0]["fallback"],
                         "sr -> sr-Cyrl")
        self.assertEqual(self.recs["no-NO"]["documents"][0]["fallback"],
                         "no-NO -> no -> nb")
        self.assertEqual(self.recs["uz-Cyrl"]["documents"][0]["fallback"],
                         "uz-Cyrl -> en")

    def test_text_is_in_the_mapped_script(self):
        title = {}
        for lang in ("sr-Cyrl", "sr-Latn", "nb"):
            root = ET.parse(os.path.join(LOCALES, lang + ".xlf")).getroot()
            for f in root.iter(XLIFF + "file"):
                if f.get("id") == "associated-partner-declaration":
                    for u in f.iter(XLIFF + "unit"):
                        if u.get("id") == "title":
                            title[lang] = " ".join(
                                u.find(XLIFF + "segment/" + XLIFF + "target").text.split())
        for tag, lang in (("sr", "sr-Cyrl"), ("sr-Latn-RS", "sr-Latn"),
                          ("nn", "nb")):
            pdf = self.recs[tag]["documents"][0]["path"]
            text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True,
                                  text=True, check=True).stdout
            first = title[lang].split()[0]
            self.assertIn(first, text, tag)


# A long support offer per language: the text of a justified paragraph.
OFFERS = {
    "de": "Die Landesenergieagentur stellt den Gemeinden ihres Gebiets eine "
          "ständige Beratungsstelle für Energieeffizienz und Klimaschutz zur "
          "Verfügung, die bei der Erstellung der Emissionsinventare, bei der "
          "Ausarbeitung der Aktionspläne für nachhaltige Energie und Klima und "
          "bei der Überwachung ihrer Umsetzung unterstützt. Die Fachleute der "
          "Agentur begleiten die Verwaltungen bei Ausschreibungen für "
          "Energiedienstleistungen, bei Gebäudesanierungen, bei der "
          "Modernisierung der Straßenbeleuchtung und bei Förderanträgen an "
          "Landesprogramme und europäische Finanzierungsinstrumente. "
          "Zusätzlich organisiert die Agentur jährlich Fortbildungsveranstaltungen "
          "für Bürgermeisterinnen, Bürgermeister und Verwaltungsangestellte.",
    "it": "L'agenzia regionale per l'energia mette a disposizione dei comuni "
          "del territorio uno sportello permanente di consulenza tecnica per "
          "la redazione degli inventari delle emissioni, l'elaborazione dei "
          "piani d'azione per l'energia sostenibile e il clima e il "
          "monitoraggio della loro attuazione. I tecnici dell'agenzia "
          "accompagnano le amministrazioni nelle gare d'appalto per i servizi "
          "energetici, nella riqualificazione degli edifici pubblici, "
          "nell'ammodernamento dell'illuminazione pubblica e nella "
          "predisposizione delle domande di finanziamento ai programmi "
          "regionali ed europei, organizzando inoltre corsi di formazione "
          "annuali per amministratori e dipendenti comunali.",
    "pl": "Regionalna agencja energetyczna zapewnia gminom swojego obszaru "
          "stały punkt doradztwa technicznego w zakresie przygotowania "
          "inwentaryzacji emisji, opracowania planów działań na rzecz "
          "zrównoważonej energii i klimatu oraz monitorowania ich realizacji. "
          "Specjaliści agencji wspierają administrację samorządową przy "
          "przetargach na usługi energetyczne, termomodernizacji budynków "
          "użyteczności publicznej, modernizacji oświetlenia ulicznego oraz "
          "przygotowywaniu wniosków o dofinansowanie z programów regionalnych "
          "i europejskich, a także organizują coroczne szkolenia dla "
          "burmistrzów, wójtów i pracowników urzędów gmin.",
    "fr": "L'agence régionale de l'énergie met à la disposition des communes "
          "de son territoire un guichet permanent de conseil technique pour "
          "l'établissement des inventaires d'émissions, l'élaboration des "
          "plans d'action en faveur de l'énergie durable et du climat et le "
          "suivi de leur mise en œuvre. Les ingénieurs de l'agence "
          "accompagnent les administrations dans les appels d'offres de "
          "services énergétiques, la rénovation énergétique des bâtiments "
          "publics, la modernisation de l'éclairage public et la préparation "
          "des demandes de financement auprès des programmes régionaux et "
          "européens, et organisent chaque année des formations destinées aux "
          "élus et aux agents municipaux.",
    "el": "Ο περιφερειακός οργανισμός ενέργειας θέτει στη διάθεση των δήμων "
          "της περιοχής μόνιμο γραφείο τεχνικής υποστήριξης για την κατάρτιση "
          "απογραφών εκπομπών, την εκπόνηση σχεδίων δράσης για τη βιώσιμη "
          "ενέργεια και το κλίμα και την παρακολούθηση της εφαρμογής τους. Οι "
          "μηχανικοί του οργανισμού συνοδεύουν τις δημοτικές υπηρεσίες στους "
          "διαγωνισμούς ενεργειακών υπηρεσιών, στην ενεργειακή αναβάθμιση "
          "δημοτικών κτιρίων, στον εκσυγχρονισμό του οδοφωτισμού και στην "
          "προετοιμασία αιτήσεων χρηματοδότησης από περιφερειακά και "
          "ευρωπαϊκά προγράμματα, οργανώνοντας επίσης ετήσια εκπαιδευτικά "
          "σεμινάρια για αιρετούς και δημοτικούς υπαλλήλους.",
}
# Kyrgyz has no hyphenation patterns: set ragged right.
RAGGED = {
    "ky": "Аймактык энергетикалык агенттик аймактагы муниципалитеттерге "
          "чыгарылган газдардын эсебин түзүүдө, туруктуу энергетика жана "
          "климат боюнча иш-аракеттер планын иштеп чыгууда жана аны "
          "ишке ашырууну көзөмөлдөөдө туруктуу техникалык кеңеш берет. "
          "Агенттиктин адистери муниципалдык кызматкерлерге энергетикалык "
          "кызматтарды сатып алууда, коомдук имараттарды жылуулоодо, көчө "
          "жарыктандыруусун жаңылоодо жана аймактык, эл аралык программаларга "
          "каржылоо өтүнмөлөрүн даярдоодо жардам берет, ошондой эле жыл сайын "
          "шаар башчылары жана кызматкерлер үчүн окутуу семинарларын уюштурат.",
}


class HyphenationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="pactdoc-hyph-")
        d = cls.tmp.name
        items = []
        for lang, text in list(OFFERS.items()) + list(RAGGED.items()):
            offer = " ".join([text] * 3)
            items.append(dict(id="H-" + lang.upper(), role="supporter",
                              lang=lang, support='    <support><offer kind='
                              '"technical">%s</offer></support>\n' % offer))
        inp = harness.write(os.path.join(d, "in.xml"), records(items))
        cls.out = os.path.join(d, "out")
        cls.r = harness.run("generate", "-q", "--date", "2026-11-23", "-o",
                            cls.out, inp)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def offer_lines(self, lang, text):
        """The lines of the declaration's body that hold words of the
        offer (their first word in the offer's text)."""
        pdf = os.path.join(self.out, "H-" + lang.upper(),
                           "H-%s-declaration-%s.pdf" % (lang.upper(), lang))
        words = set(text.split())
        lines = []
        for page in typometrics.lines_by_page(pdf):
            for line in page:
                if len(line) >= 4 and sum(w[4] in words for w in line) >= 3:
                    lines.append(line)
        return lines

    def test_hyphenated_line_ends_in_justified_paragraphs(self):
        self.assertEqual(self.r.returncode, 0, self.r.stderr)
        for lang, text in OFFERS.items():
            lines = self.offer_lines(lang, text)
            self.assertGreater(len(lines), 12, lang)
            # A word hyphenated at a line end is drawn as outlines with
            # the whole word as invisible text (3 Tr) over its first piece,
            # so that extractors read it whole (docs/archival.md): count
            # those in the document.
            pdf = os.path.join(self.out, "H-" + lang.upper(),
                               "H-%s-declaration-%s.pdf" % (lang.upper(), lang))
            qdf = subprocess.run(["qpdf", "--qdf", "--object-streams=disable",
                                  pdf, "-"], capture_output=True,
                                 check=True).stdout
            hyphens = re.findall(rb"(?m)^3 Tr$", qdf)
            self.assertGreater(len(hyphens), 0, "%s: no hyphenated line end "
                               "in %d lines" % (lang, len(lines)))
            # justified: the full lines share their right edge
            rights = sorted(round(l[-1][2]) for l in lines)
            median = rights[len(rights) // 2]
            flush = sum(abs(r - median) <= 1 for r in rights)
            self.assertGreater(flush, len(lines) * 0.7, lang)

    def test_ragged_right_without_patterns(self):
        for lang, text in RAGGED.items():
            lines = self.offer_lines(lang, text)
            self.assertGreater(len(lines), 8, lang)
            for line in lines:
                gaps = [b[0] - a[2] for a, b in zip(line, line[1:])]
                size = (line[0][3] - line[0][1]) / typometrics.BOX_PER_SIZE
                self.assertLess(max(gaps), typometrics.SPACE_EM * size * 1.3,
                                "%s: a stretched line: %s" % (
                                    lang, " ".join(w[4] for w in line)))
            # ragged: many lines end short of the longest
            longest = max(l[-1][2] for l in lines)
            short = sum(l[-1][2] < longest - 3 for l in lines)
            self.assertGreater(short, len(lines) // 2, lang)
            self.assertFalse(any(l[-1][4].endswith("-") and
                                 l[-1][4].rstrip("-") + "-" not in text
                                 for l in lines), lang)


if __name__ == "__main__":
    unittest.main()


class LabelColonTest(unittest.TestCase):
    """Generated punctuation follows the language: French puts a no-break
    space before the colon of a label ("Lieu :"), German does not."""

    def label(self, lang, unit):
        root = ET.parse(os.path.join(LOCALES, lang + ".xlf")).getroot()
        for f in root.iter(XLIFF + "file"):
            if f.get("id") != "common":
                continue
            for u in f.iter(XLIFF + "unit"):
                if u.get("id") == unit:
                    return u.find(XLIFF + "segment/" + XLIFF + "target").text

    def test_french_colon_and_german_colon(self):
        d = harness.tempdir(self)
        inp = harness.write(os.path.join(d, "in.xml"), records([
            dict(id="C-FR", role="supporter", lang="fr"),
            dict(id="C-DE", role="supporter", lang="de")]))
        out = os.path.join(d, "out")
        r = harness.run("generate", "-q", "--date", "2026-11-23", "-o", out, inp)
        self.assertEqual(r.returncode, 0, r.stderr)
        for lang, sep in (("fr", " :"), ("de", ":")):
            pdf = os.path.join(out, "C-" + lang.upper(),
                               "C-%s-agreement-%s.pdf" % (lang.upper(), lang))
            text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True,
                                  text=True, check=True).stdout
            lines = text.splitlines()
            for unit in ("label.place", "label.date"):
                label = self.label(lang, unit)
                self.assertTrue(any(l.strip().startswith(label + sep)
                                    for l in lines),
                                "%s: no %r" % (lang, label + sep))
                self.assertFalse(any(l.strip().startswith(":") for l in lines))
            if lang == "fr":
                self.assertNotIn(self.label(lang, "label.place") + ":", text)
                # the space before the colon does not break: same line
                words = [l for page in typometrics.lines_by_page(pdf)
                         for l in page]
                for line in words:
                    texts = [w[4] for w in line]
                    if texts and texts[0] == ":":
                        self.fail("a line starts with the colon")
