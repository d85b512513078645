"""Checks the message catalogues in locales/*.xlf: well-formed XLIFF 2.0,
complete for en lv sv bg ky, placeholders kept, clean NFC text, and the
seed pages' own wording used in each seed's language."""
import glob
import os
import re
import unicodedata
import unittest
import xml.etree.ElementTree as ET

import harness

NS = "urn:oasis:names:tc:xliff:document:2.0"
Q = "{%s}" % NS
DATADIR = os.environ.get("PACTDOC_DATADIR", harness.ROOT)
LOCALES = os.path.join(DATADIR, "locales")
SEEDS = os.path.join(harness.SHARED, "seeds")

# Every catalogue shipped must be complete (issue 10): each one listed here.
COMPLETE = harness.catalogue_languages()
PLACEHOLDERS = {"organisation", "signatory", "position", "role",
                "countersignatory", "page", "pages", "id", "reference",
                "date", "country", "package"}
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")

KINDS = ["coordinator-declaration", "coordinator-agreement",
         "supporter-declaration", "supporter-agreement",
         "associated-partner-declaration"]
# kind -> (seed file, its language, commitments, benefits), from the
# records contract (spec/records.md) and the seed pages themselves.
SEED_OF = {
    "coordinator-declaration": ("002_d0735e96c7fc1129.txt", "sv", 7, 0),
    "coordinator-agreement": ("000_f93a7dced68cc8ad.txt", "lv", 5, 6),
    "supporter-declaration": ("003_2b518906537925b6.txt", "bg", 6, 0),
    "supporter-agreement": ("004_f8cf9da8645c7ba6.txt", "ky", 6, 8),
    "associated-partner-declaration": ("001_4b4ce9867a4134d5.txt", "lv", 2, 3),
}
# Role-specific units a kind has besides the common set (the form picks
# them with roles="...").
ROLE_UNITS = {
    "coordinator-declaration": ["clause.suspension.national-coordinator"],
    "coordinator-agreement": ["clause.suspension.national-coordinator"],
}
# Web-page prose that has no place in a signed text, in any language: the
# seeds' "and last but not least" and their page headings.
WEB_PROSE = ["last but not least", "why join", "pēdējā, bet ne mazāk",
             "kādēļ", "sist men inte minst", "slutligen", "varför",
             "не на последно място", "и накрая", "защо да",
             "акыркы, бирок", "эмне үчүн"]
TRANSLATIONS_MD = os.path.join(DATADIR, "docs", "translations.md")


def seed_corrections(path=TRANSLATIONS_MD):
    """The table of corrections to the seed wording in docs/translations.md
    (between its two marker comments): {(kind, unit): (seed, lang, seed
    wording, document wording)}."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    start = text.index("<!-- seed-corrections:start -->")
    end = text.index("<!-- seed-corrections:end -->")
    out = {}
    for line in text[start:end].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 6 or not cells[2].startswith("`"):
            continue
        kind, unit = cells[2].strip("`").split("/")
        assert (kind, unit) not in out, "listed twice: %s/%s" % (kind, unit)
        out[(kind, unit)] = (cells[0], cells[1], cells[3], cells[4])
    return out


def in_page(page, text):
    """Where text occurs in the seed page, its first letter in either case
    (list items start with a capital letter in the documents); -1 if not."""
    for t in (text, text[:1].lower() + text[1:]):
        at = page.find(t)
        if at >= 0:
            return at
    return -1


COMMON_IDS = (
    ["covenant.name", "doc.declaration", "doc.agreement",
     "role.coordinator", "role.national-coordinator", "role.supporter",
     "role.associated-partner"]
    + ["category." + c for c in (
        "province", "region", "metropolitan-area",
        "local-authority-grouping", "national-authority", "energy-agency",
        "network", "association", "financial-institution",
        "industry-association", "ngo-civil-society", "other")]
    + ["offer." + k for k in (
        "technical", "financial", "strategic", "capacity-building", "other")]
    + ["label." + l for l in (
        "organisation", "acronym", "category", "country", "address",
        "website", "signatory", "position", "email", "contact", "phone",
        "eligibility", "reference", "name", "place", "date", "signature",
        "email.signatory", "email.contact")]
    + ["heading." + h for h in (
        "applicant", "commitments", "benefits", "support", "terms",
        "signatures")]
    + ["sig.applicant", "sig.commission", "sig.applicant.tooltip",
       "sig.commission.tooltip", "commission.representative",
       "footer.page", "footer.reference", "issued"])


# The countersigning package's cover sheet (forms/countersign-cover-sheet.xml).
COVER = "countersign-cover-sheet"
COVER_IDS = ["title", "subject", "footer", "label.batch",
             "label.countersignatory", "label.count", "label.package",
             "label.part", "heading.documents", "col.document", "col.pages",
             "col.sha256", "note"]


def load(lang):
    """Parses locales/<lang>.xlf into (root, {file id: {unit id: (source,
    target or None)}}); structural faults raise AssertionError."""
    path = os.path.join(LOCALES, lang + ".xlf")
    root = ET.parse(path).getroot()
    files = {}
    for f in root:
        assert f.tag == Q + "file", "%s: unexpected <%s>" % (path, f.tag)
        fid = f.get("id")
        assert fid and fid not in files, "%s: bad or duplicate file id %r" % (path, fid)
        units = files[fid] = {}
        for u in f:
            assert u.tag == Q + "unit", "%s/%s: unexpected <%s>" % (path, fid, u.tag)
            uid = u.get("id")
            assert uid and uid not in units, "%s/%s: bad or duplicate unit id %r" % (path, fid, uid)
            segs = list(u)
            assert len(segs) == 1 and segs[0].tag == Q + "segment", \
                "%s/%s/%s: want exactly one <segment>" % (path, fid, uid)
            kids = list(segs[0])
            tags = [k.tag for k in kids]
            assert tags in ([Q + "source"], [Q + "source", Q + "target"]), \
                "%s/%s/%s: segment holds %s" % (path, fid, uid, tags)
            for k in kids:
                assert len(k) == 0, "%s/%s/%s: markup inside <%s>" % (path, fid, uid, k.tag)
            src = kids[0].text or ""
            tgt = (kids[1].text or "") if len(kids) == 2 else None
            units[uid] = (src, tgt)
    return root, files


def texts(files):
    for fid, units in files.items():
        for uid, (src, tgt) in units.items():
            yield fid, uid, "source", src
            if tgt is not None:
                yield fid, uid, "target", tgt


def squash(s):
    return " ".join(s.split())


class CataloguesTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.langs = sorted(os.path.basename(p)[:-4]
                           for p in glob.glob(os.path.join(LOCALES, "*.xlf")))
        cls.cat, cls.broken = {}, {}
        for lang in cls.langs:
            try:
                cls.cat[lang] = load(lang)
            except (ET.ParseError, AssertionError) as e:
                cls.broken[lang] = str(e)

    def test_well_formed_xliff_structure(self):
        """Every file parses and has the xliff/file/unit/segment shape;
        the other tests look only at the files that do."""
        self.assertEqual(self.broken, {})

    def test_quotes_are_the_languages_own(self):
        allowed = {"en": "“”", "lv": "„“", "sv": "”",
                   "bg": "„“", "ky": "«»„“"}
        marks = "“”„‟«»‹›‚‘"
        for lang, (_, files) in self.cat.items():
            for fid, uid, kind, text in texts(files):
                own = allowed["en"] if kind == "source" else allowed.get(lang, marks)
                for ch in text:
                    self.assertFalse(ch in marks and ch not in own,
                                     "%s.xlf %s/%s: quotation mark %s is not %s usage"
                                     % (lang, fid, uid, ch, lang))

    def test_complete_languages_present(self):
        for lang in COMPLETE:
            self.assertIn(lang, self.langs, "locales/%s.xlf missing" % lang)

    def test_xliff_root(self):
        for lang, (root, _) in self.cat.items():
            self.assertEqual(root.tag, Q + "xliff", lang)
            self.assertEqual(root.get("version"), "2.0", lang)
            self.assertEqual(root.get("srcLang"), "en", lang)
            if lang == "en":
                self.assertIsNone(root.get("trgLang"), "en.xlf has a trgLang")
            else:
                self.assertEqual(root.get("trgLang"), lang,
                                 "%s.xlf: trgLang does not match the file name" % lang)

    def test_english_is_source_only_and_has_every_unit(self):
        _, files = self.cat["en"]
        self.assertEqual(sorted(files), sorted(["common", COVER] + KINDS))
        self.assertEqual(sorted(files["common"]), sorted(COMMON_IDS))
        self.assertEqual(sorted(files[COVER]), sorted(COVER_IDS))
        self.assertEqual(PLACEHOLDER_RE.findall(files[COVER]["footer"][0]),
                         ["package", "date"])
        for fid, uid, kind, text in texts(files):
            self.assertEqual(kind, "source", "en.xlf %s/%s has a <target>" % (fid, uid))
            self.assertTrue(text.strip(), "en.xlf %s/%s: empty source" % (fid, uid))
        for kind in KINDS:
            _, _, n_commit, n_benefit = SEED_OF[kind]
            want = ["title", "intro", "clause.suspension", "clause.reporting", "closing"]
            want += ["commitment.%d" % i for i in range(1, n_commit + 1)]
            want += ["benefit.%d" % i for i in range(1, n_benefit + 1)]
            want += ROLE_UNITS.get(kind, [])
            self.assertEqual(sorted(files[kind]), sorted(want), kind)
            intro = set(PLACEHOLDER_RE.findall(files[kind]["intro"][0]))
            need = {"organisation", "signatory", "position", "role"}
            if kind.endswith("-agreement"):
                need.add("countersignatory")
            self.assertEqual(intro, need, "%s intro placeholders" % kind)

    def test_every_language_matches_english_units(self):
        _, en = self.cat["en"]
        for lang, (_, files) in self.cat.items():
            if lang == "en":
                continue
            self.assertEqual(sorted(files), sorted(en), "%s.xlf: file ids" % lang)
            for fid in en:
                extra = set(files[fid]) - set(en[fid])
                self.assertFalse(extra, "%s.xlf %s: ids not in en.xlf: %s" % (lang, fid, sorted(extra)))
                missing = set(en[fid]) - set(files[fid])
                if lang in COMPLETE:
                    self.assertFalse(missing, "%s.xlf %s: missing %s" % (lang, fid, sorted(missing)))
                for uid, (src, tgt) in files[fid].items():
                    where = "%s.xlf %s/%s" % (lang, fid, uid)
                    self.assertEqual(src, en[fid][uid][0], where + ": <source> differs from en.xlf (stale?)")
                    self.assertIsNotNone(tgt, where + ": no <target>")
                    self.assertTrue(tgt.strip(), where + ": empty <target>")
                    self.assertEqual(tgt, tgt.strip(), where + ": leading/trailing space")

    def test_placeholders_kept(self):
        for lang, (_, files) in self.cat.items():
            for fid, units in files.items():
                for uid, (src, tgt) in units.items():
                    where = "%s.xlf %s/%s" % (lang, fid, uid)
                    want = sorted(PLACEHOLDER_RE.findall(src))
                    self.assertLessEqual(set(want), PLACEHOLDERS, where + ": unknown placeholder")
                    for text in (src, tgt):
                        if text is None:
                            continue
                        self.assertEqual(sorted(PLACEHOLDER_RE.findall(text)), want, where)
                        stripped = PLACEHOLDER_RE.sub("", text)
                        self.assertNotRegex(stripped, r"[{}]", where + ": stray brace")

    def test_text_is_clean_nfc(self):
        for lang in self.langs:
            with open(os.path.join(LOCALES, lang + ".xlf"), "rb") as f:
                raw = f.read()
            self.assertFalse(raw.startswith(b"\xef\xbb\xbf"), lang + ": BOM")
            data = raw.decode("utf-8")
            self.assertTrue(unicodedata.is_normalized("NFC", data), lang + ".xlf is not NFC")
            for ch in data:
                bad = (unicodedata.category(ch) == "Cc" and ch != "\n") \
                    or ch in "\ufffd\u2028\u2029"
                self.assertFalse(bad, "%s.xlf: control character U+%04X" % (lang, ord(ch)))
            for fid, uid, kind, text in texts(self.cat.get(lang, (None, {}))[1]):
                where = "%s.xlf %s/%s %s" % (lang, fid, uid, kind)
                self.assertNotIn("\n", text, where + ": line break in message")
                self.assertNotIn("  ", text, where + ": double space")
                self.assertNotRegex(text, "[\"']", where + ": straight quote, use the language's own")
                self.assertNotIn("[at]", text, where + ": web-page noise")

    def test_scripts(self):
        """Words never mix Latin and Cyrillic letters (look-alike typos);
        Cyrillic languages are written in Cyrillic, Latvian and Kyrgyz
        carry their own letters."""
        def script(ch):
            name = unicodedata.name(ch, "")
            return "cyr" if "CYRILLIC" in name else "lat" if "LATIN" in name else None
        for lang in self.cat:
            for fid, uid, kind, text in texts(self.cat[lang][1]):
                for word in re.findall(r"\w+", PLACEHOLDER_RE.sub(" ", text)):
                    kinds = {script(c) for c in word if c.isalpha()} - {None}
                    self.assertLessEqual(len(kinds), 1, "%s.xlf %s/%s: mixed-script word %r"
                                         % (lang, fid, uid, word))
        for lang, letters in (("lv", "āčēģīķļņšūž"), ("ky", "ңөү")):
            if lang not in self.cat:
                continue
            body = "".join(t for _, _, k, t in texts(self.cat[lang][1]) if k == "target")
            for ch in letters:
                self.assertIn(ch, body.lower(), "%s.xlf never uses %s" % (lang, ch))
        for lang in ("bg", "ky"):
            if lang not in self.cat:
                continue
            for fid, uid, kind, text in texts(self.cat[lang][1]):
                letters = PLACEHOLDER_RE.sub("", text)
                if kind == "target" and any(c.isalpha() for c in letters):
                    self.assertRegex(letters, "[\u0400-\u04ff]", "%s.xlf %s/%s: no Cyrillic" % (lang, fid, uid))

    def test_declaration_and_agreement_terms_agree(self):
        """A role's declaration and agreement state one set of terms: their
        clause units are the same text in every language (docs/forms.md)."""
        for decl, agr in (("coordinator-declaration", "coordinator-agreement"),
                          ("supporter-declaration", "supporter-agreement")):
            for lang, (_, files) in self.cat.items():
                clauses = sorted(u for u in files[decl] if u.startswith("clause."))
                self.assertEqual(clauses, sorted(u for u in files[agr] if u.startswith("clause.")))
                for uid in clauses:
                    self.assertEqual(files[decl][uid], files[agr][uid],
                                     "%s.xlf %s and %s differ on %s" % (lang, decl, agr, uid))

    def test_no_web_page_prose(self):
        """No unit, in any language, carries the seed pages' web prose."""
        for lang, (_, files) in self.cat.items():
            for fid, uid, kind, text in texts(files):
                for phrase in WEB_PROSE:
                    self.assertNotIn(phrase, text.lower(), "%s.xlf %s/%s %s: web-page "
                                     "prose %r" % (lang, fid, uid, kind, phrase))

    def test_seed_wording_in_seed_language(self):
        """In each seed's own language, the commitments, benefits and
        suspension clauses are the seed's words, or exactly the correction
        listed in docs/translations.md (and every listed correction is
        made)."""
        if not os.path.isdir(SEEDS):
            self.skipTest("seed pages not found at " + SEEDS)
        fixes = seed_corrections()
        used = set()
        for kind, (seed, lang, n_commit, n_benefit) in SEED_OF.items():
            with open(os.path.join(SEEDS, seed), encoding="utf-8") as f:
                page = squash(unicodedata.normalize("NFC", f.read()).replace("[at]", "@"))
            self.assertTrue(lang in self.cat, "locales/%s.xlf missing or broken" % lang)
            units = self.cat[lang][1][kind]
            series = [["%s.%d" % (p, i) for i in range(1, n + 1)]
                      for p, n in (("commitment", n_commit), ("benefit", n_benefit))]
            series += [[u] for u in sorted(units) if u.startswith("clause.suspension")]
            for uids in series:
                last = -1
                for uid in uids:
                    text = squash(units[uid][1])
                    where = "%s.xlf %s/%s" % (lang, kind, uid)
                    fix = fixes.get((kind, uid))
                    if fix is not None:
                        used.add((kind, uid))
                        self.assertEqual((fix[0], fix[1]), (seed[:3], lang),
                                         where + ": correction listed for another seed")
                        self.assertEqual(text, fix[3], where + ": not the listed correction")
                        at = in_page(page, fix[2])
                        self.assertGreaterEqual(at, 0, where + ": the listed seed wording "
                                                "is not in seed " + seed)
                    else:
                        at = in_page(page, text)
                        self.assertGreaterEqual(at, 0, "%s is not the wording of seed %s "
                                                "nor a correction listed in "
                                                "docs/translations.md" % (where, seed))
                    self.assertGreater(at, last, where + " is out of the seed's order")
                    last = at
        self.assertEqual(sorted(set(fixes) - used), [],
                         "corrections listed in docs/translations.md for no seed unit")

if __name__ == "__main__":
    unittest.main()
