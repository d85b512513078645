"""Typesetting end to end: names in every script the Covenant works in,
justified and hyphenated paragraphs in lv, sv, bg, ky and en, a long
support offer over several pages; every word inside the margins
(pdftotext -bbox), names extracted as written, hyphens where the language
has patterns, a footer "page N of M" on every page."""
import glob
import os
import re
import subprocess
import unittest
import unicodedata

import harness

MARGIN = 56.693
PAGE_W, PAGE_H = 595.276, 841.89

OFFER = {
    "lv": "Reģions nodrošinās pašvaldībām tehnisku palīdzību enerģētikas "
          "datu apkopošanā, rīcības plānu sagatavošanā un īstenošanas "
          "uzraudzībā, organizējot regulāras apmācības speciālistiem un "
          "konsultācijas par finansējuma piesaistīšanas iespējām.",
    "sv": "Regionen erbjuder kommunerna tekniskt stöd vid insamlingen av "
          "energidata, utarbetandet av handlingsplaner och uppföljningen av "
          "genomförandet, med regelbundna utbildningar för tjänstepersoner "
          "och rådgivning om finansieringsmöjligheter.",
    "bg": "Регионът ще предоставя на общините техническа помощ при "
          "събирането на енергийни данни, изготвянето на плановете за "
          "действие и наблюдението на изпълнението, с редовни обучения за "
          "специалистите и консултации за възможностите за финансиране.",
    "ky": "Аймак муниципалитеттерге энергетикалык маалыматтарды чогултууда, "
          "аракет пландарын даярдоодо жана ишке ашыруунун мониторингинде "
          "техникалык жардам көрсөтөт, адистер үчүн үзгүлтүксүз окутууларды "
          "уюштурат.",
    "en": "The region will provide municipalities with technical assistance "
          "in collecting energy data, preparing their action plans and "
          "monitoring implementation, with regular training for officials "
          "and advice on funding opportunities and their administration.",
}

# (id, role, lang, category, organisation, signatory, country)
RECORDS = [
    ("LV-1", "coordinator", "lv", "region",
     "თბილისის მერია — Երևանի քաղաքապետարան", "Ģirts Žukovskis-Čakste", "LV"),
    ("SV-1", "supporter", "sv", "network",
     "بلدية مدينة الرياض", "עיריית תל אביב-יפו", "SE"),
    ("BG-1", "coordinator", "bg", "region",
     "Δήμος Θεσσαλονίκης", "Градоначалник Пловдив", "BG"),
    ("KY-1", "supporter", "ky", "association",
     "Бишкек шаарынын мэриясы", "Үмүт Өмүрбекова-Айжаң", "KG"),
    ("EN-1", "associated-partner", "en", "ngo-civil-society",
     "Град Београд / Київська міська рада", "Ґалаґан Їжакевич", "UA"),
]


def record_xml(rid, role, lang, category, org, person, country, offers=1):
    support = ""
    if role in ("coordinator", "supporter"):
        text = "\n\n".join([OFFER[lang]] * 3)
        support = "<support>%s</support>" % "".join(
            '<offer kind="%s">%s</offer>' % (k, text)
            for k in ["technical", "financial", "strategic",
                      "capacity-building", "other"][:offers])
    return """
  <application id="{rid}" role="{role}" lang="{lang}" status="eligible">
    <organisation>
      <name>{org}</name>
      <category>{category}</category>
      <country>{country}</country>
      <address><line>Brīvības iela 1</line><city>Rīga</city></address>
      <website>https://www.a-rather-long-municipality-domain.example.eu/klimats/energetika/ricibas-plans-2030</website>
    </organisation>
    <signatory>
      <name>{person}</name>
      <position>Director</position>
      <email>energy.coordination.office@a-rather-long-municipality-domain.example.eu</email>
    </signatory>
    <eligibility confirmed="2026-11-20" reference="CoMO/2026/0042"/>
    {support}
    <signing place="Rīga"/>
  </application>""".format(**locals())


def words(pdf):
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True,
                         text=True, check=True).stdout
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" '
                         r'xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out):
        yield tuple(float(v) for v in m.groups()[:4]) + (m.group(5),)


def text(pdf, *opts):
    return subprocess.run(["pdftotext", *opts, pdf, "-"], capture_output=True,
                          text=True, check=True).stdout


class LayoutEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.tmp = tempfile.TemporaryDirectory(prefix="pactdoc-layout-")
        body = "".join(record_xml(*r) for r in RECORDS)
        body += record_xml("LV-LONG", "supporter", "lv", "network",
                           "Vidzemes plānošanas reģions", "Jānis Bērziņš", "LV",
                           offers=5)
        src = os.path.join(cls.tmp.name, "records.xml")
        harness.write(src, '<?xml version="1.0" encoding="UTF-8"?>\n'
                      '<applications xmlns="urn:eumayors:applications:1">'
                      + body + "\n</applications>\n")
        cls.out = os.path.join(cls.tmp.name, "out")
        cls.run_result, cls.pdfs = harness.generate_pdfs(cls.out, src)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_generated(self):
        self.assertEqual(self.run_result.returncode, 0, self.run_result.stderr)
        # 4 coordinator/supporter records x 2 + 1 declaration + the long one x 2
        self.assertEqual(len(self.pdfs), 11, self.pdfs)

    def test_every_word_inside_the_margins(self):
        n = 0
        for pdf in self.pdfs:
            for x0, y0, x1, y1, w in words(pdf):
                n += 1
                ok = (x0 >= MARGIN - 0.01 and x1 <= PAGE_W - MARGIN + 0.01 and
                      y0 >= MARGIN - 0.01 and y1 <= PAGE_H - MARGIN + 0.01)
                self.assertTrue(ok, "%s: %r at %.1f,%.1f-%.1f,%.1f" %
                                (os.path.basename(pdf), w, x0, y0, x1, y1))
        self.assertGreater(n, 2000)

    def test_names_extract_as_written(self):
        for rid, _, lang, _, org, person, _ in RECORDS:
            if rid == "SV-1":
                continue  # right-to-left: checked below
            pdf = glob.glob(os.path.join(self.out, rid, "*declaration*.pdf"))[0]
            got = unicodedata.normalize("NFC", " ".join(text(pdf).split()))
            for name in (org, person):
                for part in name.split():
                    self.assertIn(part, got, "%s: %s" % (rid, part))

    def test_right_to_left_names_extract(self):
        pdf = glob.glob(os.path.join(self.out, "SV-1", "*declaration*.pdf"))[0]
        got = unicodedata.normalize("NFKC", text(pdf))
        for word in "بلدية مدينة الرياض".split() + "עיריית תל אביב".split():
            self.assertIn(word, got)

    def test_hyphenation_where_patterns_exist(self):
        for rid, lang in (("LV-1", "lv"), ("SV-1", "sv"), ("BG-1", "bg"),
                          ("EN-1", "en"), ("LV-LONG", "lv")):
            hyphenated = 0
            for pdf in glob.glob(os.path.join(self.out, rid, "*.pdf")):
                # A word broken at a line end is drawn as outlines with the
                # whole word as invisible text (3 Tr) over its first piece,
                # so that extractors read it whole (docs/archival.md).
                qdf = subprocess.run(["qpdf", "--qdf", "--object-streams="
                                      "disable", pdf, "-"], capture_output=True,
                                     check=True).stdout
                hyphenated += len(re.findall(rb"(?m)^3 Tr$", qdf))
            self.assertGreater(hyphenated, 0, rid)

    def test_long_offer_flows_with_footers(self):
        pdfs = glob.glob(os.path.join(self.out, "LV-LONG", "*.pdf"))
        self.assertTrue(pdfs)
        longest = 0
        for pdf in pdfs:
            info = subprocess.run(["pdfinfo", pdf], capture_output=True,
                                  text=True, check=True).stdout
            pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
            longest = max(longest, pages)
            for p in range(1, pages + 1):
                page_text = text(pdf, "-f", str(p), "-l", str(p))
                flat = " ".join(page_text.split())
                self.assertRegex(flat, r"\b%d\D+%d\b" % (p, pages))
        self.assertGreaterEqual(longest, 3)


if __name__ == "__main__":
    unittest.main()
