"""The terms of the documents, read as the official who signs them reads
them (pdftotext): the suspension clause names the signing party by its
role, a role's declaration and agreement state one set of terms, no
web-page prose, category labels that read as the category, and the
countersignatory's position in the document's language."""
import os
import re
import subprocess
import unittest
import xml.etree.ElementTree as ET

from harness import RECORDS_XSD, ROOT, run, tempdir, write, xmllint

LANGS = ["en", "lv", "sv", "bg", "ky"]
XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"
CATEGORY = {"coordinator": "region", "national-coordinator": "national-authority",
            "supporter": "network", "associated-partner": "financial-institution"}

# The opening words of the national coordinator's suspension clause: it
# names the national coordinator, in the words of each language.
NATIONAL_CLAUSE = {
    "en": "If the National Covenant Coordinator takes no action",
    "lv": "Ja nacionālais Pakta koordinators neveic nekādu rīcību",
    "sv": "Om organisationen i egenskap av nationell avtalssamordnare inte vidtar några åtgärder",
    "bg": "Ако организацията в качеството си на Национален координатор на Споразумението не предприема действия",
    "ky": "Эгерде Мэрлердин Келишиминин улуттук координатору эч кандай иш-аракет көрбөсө",
}
COORDINATOR_CLAUSE = {
    "en": "If the Covenant Coordinator takes no action",
    "lv": "Ja Pakta koordinators neveic nekādu rīcību",
    "sv": "Om organisationen i egenskap av avtalssamordnare inte vidtar några åtgärder",
    "bg": "Ако организацията в качеството си на Координатор на Споразумението не предприема действия",
    "ky": "Эгерде Мэрлердин Келишиминин координатору эч кандай иш-аракет көрбөсө",
}
# The category words the seeds' clause used for every coordinator.
REGION_OR_PROVINCE = ["region or province", "reģions vai province",
                      "reģiona vai provinces", "regionens eller provinsens",
                      "regionen eller provinsen", "региона или провинцията",
                      "регионът или провинцията", "чөлкөмдүн же провинциянын",
                      "чөлкөм же провинция"]
# Who may end participation, how, and how reporting works: the words both
# documents of a coordinator must say in their terms.
COORDINATOR_TERMS = {
    "en": ["European Commission", "through the Covenant of Mayors Office",
           "suspend or terminate", "at least every two years",
           "on behalf of the European Commission", "results achieved"],
    "lv": ["Eiropas Komisija", "Pilsētu mēru pakta biroja starpniecību",
           "apturēt vai izbeigt", "vismaz reizi divos gados",
           "Eiropas Komisijas vārdā", "sasniegtajiem rezultātiem"],
    "sv": ["Europeiska kommissionen", "genom borgmästaravtalets sekretariat",
           "tillfälligt upphäva eller avsluta", "minst vartannat år",
           "för Europeiska kommissionens räkning", "uppnådda resultat"],
    "bg": ["Европейската комисия", "чрез Бюрото на Споразумението на кметовете",
           "временно да спре или да прекрати", "веднъж на всеки две години",
           "от името на Европейската комисия", "постигнатите резултати"],
    "ky": ["Европа Комиссиясы", "Мэрлердин Келишими Кеңсеси аркылуу",
           "убактылуу же биротоло", "эки жылда кеминде бир жолу",
           "Европа Комиссиясынын атынан", "жетишилген натыйжалар"],
}
SUPPORTER_TERMS = {
    "en": ["European Commission", "through the Covenant of Mayors Office",
           "suspend or discontinue", "at least once every two years"],
    "lv": ["Eiropas Komisija", "Pilsētu mēru pakta biroja starpniecību",
           "apturēt vai pārtraukt", "reizi divos gados"],
    "sv": ["Europeiska kommissionen", "genom borgmästaravtalets sekretariat",
           "tillfälligt upphäva eller avsluta", "minst vartannat år"],
    "bg": ["Европейската комисия", "чрез Бюрото на Споразумението на кметовете",
           "временно да спре или да преустанови", "веднъж на всеки две години"],
    "ky": ["Европа Комиссиясы", "Мэрлердин Келишими Кеңсеси аркылуу",
           "убактылуу же биротоло", "эки жылда кеминде бир жолу"],
}
LAST_BUT_NOT_LEAST = ["last but not least", "pēdējā, bet ne mazāk",
                      "sist men inte minst", "не на последно място",
                      "акыркы, бирок", "slutligen", "why join", "kādēļ",
                      "varför delta", "защо да", "эмне үчүн"]
FINANCIAL = {"en": "Financial institution or association of financial institutions",
             "lv": "Finanšu iestāde vai finanšu iestāžu apvienība",
             "sv": "Finansinstitut eller sammanslutning av finansinstitut",
             "bg": "Финансова институция или сдружение на финансови институции",
             "ky": "Финансы мекемеси же финансы мекемелеринин бирикмеси"}
POSITIONS = {None: "Head of Unit, Directorate-General for Energy",
             "lv": "Nodaļas vadītāja, Enerģētikas ģenerāldirektorāts",
             "sv": "Enhetschef, generaldirektoratet för energi"}


def squash(s):
    """Text with every space, line break, hyphen and soft hyphen removed,
    lower case: a phrase is found whatever the line breaks did."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011]", "", s).lower()


def application(i, role, lang):
    return """  <application id="T-%(i)03d" role="%(role)s" lang="%(lang)s" status="eligible">
    <organisation>
      <name>Organisation %(i)d</name>
      <category>%(cat)s</category>
      <country>LV</country>
      <address><line>Iela 1</line><city>Rīga</city></address>
    </organisation>
    <signatory><name>Anna Bērziņa</name><position>Direktore</position>
      <email>anna@example.lv</email></signatory>
    <eligibility confirmed="2026-11-20" reference="CoMO/2026/%(i)04d"/>
  </application>
""" % {"i": i, "role": role, "lang": lang, "cat": CATEGORY[role]}


def records(apps, positions=POSITIONS):
    cs = "".join("    <position%s>%s</position>\n"
                 % ("" if l is None else ' xml:lang="%s"' % l, p)
                 for l, p in positions.items())
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<applications xmlns="urn:eumayors:applications:1" batch="T">\n'
            "  <countersignatory>\n    <name>Elena Moretti</name>\n%s"
            "  </countersignatory>\n%s</applications>\n" % (cs, "".join(apps)))


def pdftext(path):
    return subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"],
                          capture_output=True, text=True, check=True).stdout


def catalogue(lang, fid, uid):
    root = ET.parse(os.path.join(ROOT, "locales", lang + ".xlf")).getroot()
    for f in root:
        if f.get("id") == fid:
            for u in f:
                if u.get("id") == uid:
                    seg = u[0]
                    node = seg.find(XLIFF + ("source" if lang == "en" else "target"))
                    return node.text
    raise KeyError((lang, fid, uid))


def terms(text, lang):
    """The Terms section of a document: from its heading to the
    Signatures heading."""
    head, sigs = catalogue(lang, "common", "heading.terms"), \
        catalogue(lang, "common", "heading.signatures")
    lines = [l.strip("\f") for l in text.splitlines()]
    start = lines.index(head)
    return "\n".join(lines[start:lines.index(sigs, start)])


class LegalText(unittest.TestCase):
    """One record per role and language, generated once."""

    @classmethod
    def setUpClass(cls):
        import tempfile
        cls._tmp = tempfile.TemporaryDirectory(prefix="pactdoc-test-")
        d = cls._tmp.name
        apps, cls.ids = [], {}
        i = 0
        for role in ("coordinator", "national-coordinator", "supporter",
                     "associated-partner"):
            for lang in LANGS:
                i += 1
                apps.append(application(i, role, lang))
                cls.ids[(role, lang)] = "T-%03d" % i
        src = write(os.path.join(d, "in.xml"), records(apps))
        p = run("generate", "-q", "-o", os.path.join(d, "out"), "--date",
                "2026-11-17", src)
        assert p.returncode == 0, p.stderr
        cls.text = {}
        for (role, lang), rid in cls.ids.items():
            for kind in ("declaration", "agreement"):
                path = os.path.join(d, "out", rid, "%s-%s-%s.pdf" % (rid, kind, lang))
                if os.path.exists(path):
                    cls.text[(role, lang, kind)] = pdftext(path)

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def test_national_coordinator_clause_names_the_national_coordinator(self):
        for lang in LANGS:
            for kind in ("declaration", "agreement"):
                where = "national coordinator, %s, %s" % (lang, kind)
                t = squash(terms(self.text[("national-coordinator", lang, kind)], lang))
                self.assertIn(squash(NATIONAL_CLAUSE[lang]), t, where)
                for words in REGION_OR_PROVINCE:
                    self.assertNotIn(squash(words), t, where)
                role = catalogue(lang, "common", "role.national-coordinator")
                self.assertIn(squash(role), t, where + ": no %r" % role)
                t = squash(terms(self.text[("coordinator", lang, kind)], lang))
                self.assertIn(squash(COORDINATOR_CLAUSE[lang]), t, lang)
                self.assertNotIn(squash(NATIONAL_CLAUSE[lang]), t, lang)
                for words in REGION_OR_PROVINCE:
                    self.assertNotIn(squash(words), t, lang)

    def test_declaration_and_agreement_state_the_same_terms(self):
        for role, table in (("coordinator", COORDINATOR_TERMS),
                            ("national-coordinator", COORDINATOR_TERMS),
                            ("supporter", SUPPORTER_TERMS)):
            for lang in LANGS:
                decl = squash(terms(self.text[(role, lang, "declaration")], lang))
                agr = squash(terms(self.text[(role, lang, "agreement")], lang))
                for words in table[lang]:
                    self.assertIn(squash(words), decl, "%s %s declaration: %r" % (role, lang, words))
                    self.assertIn(squash(words), agr, "%s %s agreement: %r" % (role, lang, words))

    def test_no_web_page_prose(self):
        for key, text in self.text.items():
            for words in LAST_BUT_NOT_LEAST:
                self.assertNotIn(squash(words), squash(text), "%s: %r" % (key, words))

    def test_financial_institution_category_reads_as_the_category(self):
        for lang in LANGS:
            t = squash(self.text[("associated-partner", lang, "declaration")])
            self.assertIn(squash(FINANCIAL[lang]), t, lang)
        self.assertNotIn(squash("Category: Association of financial"),
                         squash(self.text[("associated-partner", "en", "declaration")]))

    def test_english_reads_as_an_instrument(self):
        t = squash(self.text[("associated-partner", "en", "declaration")])
        self.assertIn(squash("as legal representative of the applicant, Organisation 16,"), t)
        for role in ("coordinator", "supporter"):
            self.assertIn(squash("shall report regularly"),
                          squash(self.text[(role, "en", "declaration")]), role)
        # The role is named once: never "Covenant Coordinator of the Covenant".
        for key, text in self.text.items():
            if key[1] == "en":
                self.assertNotRegex(" ".join(text.split()),
                                    r"Covenant (Coordinator|Supporter) (of|in) the Covenant", key)

    def test_kyrgyz_dates_read_as_a_legal_text(self):
        t = " ".join(self.text[("coordinator", "ky", "declaration")].split())
        self.assertIn("2026-жылдын 20-ноябры", t)
        self.assertNotIn("2026-ж.,", t)

    def test_countersignatory_position_in_the_documents_language(self):
        for lang, want in (("lv", "lv"), ("sv", "sv"), ("bg", None), ("en", None),
                           ("ky", None)):
            t = squash(self.text[("coordinator", lang, "agreement")])
            self.assertIn(squash(POSITIONS[want]), t, lang)
            for other in POSITIONS:
                if other != want:
                    self.assertNotIn(squash(POSITIONS[other]), t, (lang, other))


class CountersignatoryPositions(unittest.TestCase):

    def test_position_follows_the_tag(self):
        """lv-LV takes the lv position, eu-Latn-ES (an English document)
        the untagged one."""
        d = tempdir(self)
        src = write(os.path.join(d, "in.xml"), records(
            [application(1, "supporter", "lv-LV"), application(2, "supporter", "eu-Latn-ES")]))
        p = run("generate", "-q", "-o", os.path.join(d, "out"), "--date", "2026-11-17", src)
        self.assertEqual(p.returncode, 0, p.stderr)
        lv = pdftext(os.path.join(d, "out", "T-001", "T-001-agreement-lv.pdf"))
        self.assertIn(squash(POSITIONS["lv"]), squash(lv))
        en = pdftext(os.path.join(d, "out", "T-002", "T-002-agreement-en.pdf"))
        self.assertIn(squash(POSITIONS[None]), squash(en))

    def test_contract_breaking_positions_are_refused(self):
        """Two positions of one language (tags compared without case), two
        without a language, or none without a language while some have one:
        FILE:LINE:COL: error: ... [position-lang], exit 1."""
        cases = [
            ({None: "A", "lv": "B", "LV": "C"}, 7, "second <position> with xml:lang 'LV'"),
            ({None: "A", "lv": "B", " ": "C"}, 7, None),
            ({"lv": "B", "sv": "C"}, 3, "positions only with xml:lang"),
        ]
        for positions, line, words in cases:
            d = tempdir(self)
            if " " in positions:        # two untagged positions
                body = records([application(1, "supporter", "lv")], {None: "A", "lv": "B"})
                body = body.replace('<position xml:lang="lv">B</position>',
                                    '<position xml:lang="lv">B</position>\n    <position>C</position>')
                words = "second <position> without xml:lang (the first is on line 5)"
            else:
                body = records([application(1, "supporter", "lv")], positions)
            src = write(os.path.join(d, "in.xml"), body)
            for cmd in (["validate", src], ["generate", "-q", "-o", os.path.join(d, "out"), src]):
                p = run(*cmd)
                self.assertEqual(p.returncode, 1, p.stderr)
                self.assertRegex(p.stderr, r"%s:%d:1: error: countersignatory .*\[position-lang\]"
                                 % (re.escape(src), line))
                self.assertIn(words, p.stderr)

    def test_second_name_is_refused(self):
        d = tempdir(self)
        body = records([application(1, "supporter", "lv")]).replace(
            "<name>Elena Moretti</name>", "<name>Elena Moretti</name>\n    <name>Maria Rossi</name>")
        src = write(os.path.join(d, "in.xml"), body)
        p = run("validate", src)
        self.assertEqual(p.returncode, 1)
        self.assertIn("%s:5:1: error: countersignatory has a second <name>" % src, p.stderr)
        self.assertIn("[countersignatory]", p.stderr)

    def test_schema_says_the_same(self):
        """xmllint with schema/records.xsd accepts localised positions (in
        any order around the name) and refuses a second name."""
        d = tempdir(self)
        good = records([application(1, "supporter", "lv")])
        moved = good.replace("    <name>Elena Moretti</name>\n", "").replace(
            '<position xml:lang="lv">', '<name>Elena Moretti</name>\n    <position xml:lang="lv">')
        bad = good.replace("<name>Elena Moretti</name>",
                           "<name>Elena Moretti</name><name>Maria Rossi</name>")
        for body, ok in ((good, True), (moved, True), (bad, False)):
            path = write(os.path.join(d, "x.xml"), body)
            p = xmllint(RECORDS_XSD, path)
            self.assertEqual(p.returncode == 0, ok, p.stderr)


if __name__ == "__main__":
    unittest.main()
