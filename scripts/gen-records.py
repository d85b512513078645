#!/usr/bin/python3
"""Generates N random, valid application records (the contract in
../shared/spec/records.md), deterministically from a seed: mixed roles,
statuses, languages and scripts, optional elements, sometimes long offers.
Used by tests/e2e/test_bulk.py and `make bench`.

    scripts/gen-records.py [-n|--count N] [--seed S] [-o|--out FILE]
                           [--eligible|--eligible-only] [--prefix P]
                           [--break K[,K...] [--lines FILE2]]

Writes one <applications> file to FILE (default stdout). --eligible makes
every record eligible (for generate benchmarks). --break K makes the K-th
record (1-based) invalid by giving it country "XX", so a test can check the
diagnostic's line: `--lines FILE2` writes "K START COUNTRY" for each, the
lines of the record's start tag and of its <country> element.
"""
import argparse
import random
import sys

NS = "urn:eumayors:applications:1"

CATEGORIES = {
    "coordinator": ["province", "region", "metropolitan-area",
                    "local-authority-grouping", "national-authority",
                    "energy-agency"],
    "national-coordinator": ["national-authority", "energy-agency"],
    "supporter": ["network", "association"],
    "associated-partner": ["financial-institution", "industry-association",
                           "ngo-civil-society", "other"],
}
ROLES = ["coordinator", "national-coordinator", "supporter",
         "associated-partner"]
KINDS = ["technical", "financial", "strategic", "capacity-building", "other"]

# Per language: country, cities (city, postcode), first names, last names,
# organisation name templates, positions, street templates, offer sentences.
LANGS = {
    "lv": dict(
        country="LV", cities=[("Rīga", "LV-1050"), ("Cēsis", "LV-4101"),
                              ("Valmiera", "LV-4201"), ("Liepāja", "LV-3401"),
                              ("Daugavpils", "LV-5401")],
        first=["Jānis", "Ilze", "Māra", "Gints", "Līga", "Andris", "Ērika"],
        last=["Bērziņš", "Kalniņa", "Ozoliņa", "Šķēle", "Liepiņš", "Zariņa"],
        org=["{city} novada pašvaldības aģentūra", "{city} enerģētikas aģentūra",
             "Latvijas {word} asociācija"],
        word=["ilgtspējīgas enerģētikas", "pašvaldību", "klimata"],
        position=["Valdes priekšsēdētājs", "Direktore", "Izpilddirektors"],
        street=["Brīvības iela {n}", "Rīgas iela {n}", "Lāčplēša iela {n}"],
        sentences=["Mēs palīdzēsim pašvaldībām sagatavot rīcības plānus.",
                   "Apmācības notiks divreiz gadā visos novados.",
                   "Līdzfinansējums sedz līdz pusei no energoaudita izmaksām.",
                   "Datu vākšanā izmantosim vienotu metodiku."]),
    "sv": dict(
        country="SE", cities=[("Stockholm", "111 22"), ("Göteborg", "411 04"),
                              ("Malmö", "211 20"), ("Umeå", "903 26"),
                              ("Örebro", "701 35")],
        first=["Åsa", "Björn", "Karin", "Örjan", "Märta", "Per"],
        last=["Lindström", "Åkesson", "Sjöström", "Ekström", "Häggström"],
        org=["Energikontoret i {city}", "{city} kommunförbund",
             "Föreningen för {word}"],
        word=["hållbar energi", "klimatsmarta kommuner", "förnybar värme"],
        position=["Förbundsdirektör", "Verksamhetschef", "Ordförande"],
        street=["Storgatan {n}", "Drottninggatan {n}", "Kungsgatan {n}"],
        sentences=["Vi erbjuder kommunerna stöd i arbetet med åtgärdsplaner.",
                   "Utbildningar hålls två gånger per år.",
                   "Bidraget täcker upp till hälften av kostnaden.",
                   "Uppföljningen görs med ett gemensamt verktyg."]),
    "bg": dict(
        country="BG", cities=[("София", "1000"), ("Пловдив", "4000"),
                              ("Варна", "9000"), ("Габрово", "5300")],
        first=["Стефан", "Десислава", "Силвия", "Цветан", "Мирослав"],
        last=["Христов", "Петкова", "Георгиева", "Йорданов", "Ангелов"],
        org=["Областна администрация – {city}", "Асоциация на общините {city}",
             "Енергийна агенция {city}"],
        word=[],
        position=["Областен управител", "Изпълнителен директор",
                  "Председател"],
        street=["ул. „Витоша“ № {n}", "бул. „Мария Луиза“ № {n}"],
        sentences=["Ще подпомагаме общините при изготвянето на плановете.",
                   "Обученията ще се провеждат два пъти годишно.",
                   "Ще поддържаме база с добри практики."]),
    "ky": dict(
        country="KG", cities=[("Бишкек", "720040"), ("Ош", "723500"),
                              ("Каракол", "722200")],
        first=["Айгүл", "Нурлан", "Бакыт", "Чолпон", "Эрмек"],
        last=["Токтогулова", "Жээнбеков", "Асанбеков", "Осмонова"],
        org=["{city} шаарынын энергетика агенттиги",
             "Кыргызстандын шаарлар союзу"],
        word=[],
        position=["Аткаруучу директор", "Төрага", "Министрдин орун басары"],
        street=["Чүй проспектиси, {n}", "Токтогул көчөсү, {n}"],
        sentences=["Биз шаарларга иш-аракеттер планын даярдоодо жардам беребиз.",
                   "Окуулар жылына эки жолу өтөт.",
                   "Энергияны үнөмдөө боюнча аудит жүргүзүлөт."]),
    "en": dict(
        country="IE", cities=[("Dublin", "D02 X285"), ("Cork", "T12 T997"),
                              ("Galway", "H91 E2K3")],
        first=["Siobhán", "Ciarán", "Aoife", "Niamh", "Declan"],
        last=["O'Sullivan", "Byrne", "Ní Bhriain", "Murphy", "Kelly"],
        org=["{city} Energy Agency", "{city} Regional Assembly",
             "Irish {word} Network"],
        word=["Sustainable Energy", "Climate Action", "Local Authority"],
        position=["Director", "Chief Executive", "Chairperson"],
        street=["{n} Main Street", "{n} Harbour Road", "Unit {n}, The Quay"],
        sentences=["We will help local authorities prepare their action plans.",
                   "Training sessions take place twice a year.",
                   "Grants cover up to half of the cost of energy audits.",
                   "Monitoring uses one shared tool for all signatories."]),
    "el": dict(
        country="GR", cities=[("Θεσσαλονίκη", "546 55"), ("Αθήνα", "105 57"),
                              ("Πάτρα", "262 21")],
        first=["Γεώργιος", "Όλγα", "Νίκος", "Ελένη"],
        last=["Παπαδόπουλος", "Οικονόμου", "Γεωργίου", "Δημητρίου"],
        org=["Περιφέρεια {city}", "Ένωση Δήμων {city}"],
        word=[], position=["Αντιπεριφερειάρχης", "Πρόεδρος"],
        street=["Βασιλίσσης Όλγας {n}", "Εγνατία {n}"],
        sentences=["Θα στηρίξουμε τους δήμους στα σχέδια δράσης.",
                   "Οι εκπαιδεύσεις γίνονται δύο φορές τον χρόνο."]),
    "ka": dict(
        country="GE", cities=[("თბილისი", "0114"), ("ქუთაისი", "4600")],
        first=["ნინო", "გიორგი", "თამარ"], last=["ბერიძე", "კაპანაძე"],
        org=["{city}ის მერია"], word=[], position=["მინისტრის მოადგილე"],
        street=["რუსთაველის გამზ. {n}"],
        sentences=["ჩვენ დავეხმარებით მუნიციპალიტეტებს სამოქმედო გეგმებში."]),
    "hy": dict(
        country="AM", cities=[("Երևան", "0010"), ("Կապան", "3301")],
        first=["Արամ", "Անի", "Նարեկ"], last=["Հովհաննիսյան", "Պետրոսյան"],
        org=["{city}ի քաղաքապետարան"], word=[], position=["Մարզպետի տեղակալ"],
        street=["Աբովյան փողոց {n}"],
        sentences=["Մենք կաջակցենք համայնքներին գործողությունների ծրագրերում։"]),
    "ar": dict(
        country="JO", cities=[("عمّان", "11118"), ("إربد", "21110")],
        first=["ليلى", "عمر", "سارة"], last=["حدّاد", "الخطيب", "النجار"],
        org=["بلدية {city} الكبرى", "شبكة البلديات للطاقة المستدامة"],
        word=[], position=["المديرة التنفيذية", "رئيس المجلس"],
        street=["شارع الملك حسين {n}"],
        sentences=["تقدّم الشبكة الدعم الفني للبلديات الأعضاء حتى عام ٢٠٣٠."]),
    "he": dict(
        country="IL", cities=[("תל אביב-יפו", "6701201"), ("חיפה", "3303111")],
        first=["נועה", "יואב", "מיכל"], last=["לוי", "כהן", "מזרחי"],
        org=["איגוד ערים {city}", "פורום הרשויות לאנרגיה"],
        word=[], position=["מנכ״לית", "יושב ראש"],
        street=["דרך מנחם בגין {n}"],
        sentences=["הפורום יקיים מפגשי למידה לרכזי האנרגיה ברשויות."]),
    "sr-Cyrl-RS": dict(
        country="RS", cities=[("Београд", "11000"), ("Ниш", "18000")],
        first=["Ђорђе", "Љубица", "Милош"], last=["Јовановић", "Ћирић", "Џамић"],
        org=["Град {city}", "Савез општина {city}"], word=[],
        position=["Генерални секретар"], street=["Македонска {n}"],
        sentences=["Пружићемо стручну подршку општинама у изради планова."]),
    "uk": dict(
        country="UA", cities=[("Львів", "79008"), ("Київ", "01001")],
        first=["Олена", "Юрій", "Ґанна"], last=["Коваленко", "Їжакевич"],
        org=["{city}ська міська рада", "Асоціація міст {city}"], word=[],
        position=["Директорка департаменту"], street=["вул. Винниченка, {n}"],
        sentences=["Департамент проводитиме семінари для громад області."]),
    "sr-Latn-RS": dict(
        country="RS", cities=[("Novi Sad", "21000"), ("Beograd", "11000")],
        first=["Milica", "Đorđe"], last=["Đorđević", "Petrović"],
        org=["Udruženje za energiju {city}"], word=[],
        position=["Predsednica"], street=["Bulevar oslobođenja {n}"],
        sentences=["Pomoći ćemo opštinama u izradi akcionih planova."]),
    "de": dict(
        country="DE", cities=[("Frankfurt am Main", "60486"),
                              ("München", "80331")],
        first=["Jürgen", "Anke"], last=["Weiß", "Müller"],
        org=["Energieagentur {city}"], word=[],
        position=["Geschäftsführer"], street=["Galvanistraße {n}"],
        sentences=["Wir unterstützen die Kommunen bei ihren Aktionsplänen."]),
    "pt-BR": dict(
        country="BR", cities=[("São Paulo", "01223-000")],
        first=["João", "Conceição"], last=["Araújo", "Gonçalves"],
        org=["Associação de Municípios de {city}"], word=[],
        position=["Secretário Executivo"], street=["Rua Marquês de Itu, {n}"],
        sentences=["Apoiaremos os municípios na elaboração dos planos."]),
}
# The five complete languages come up most often.
LANG_WEIGHTS = [("lv", 18), ("sv", 18), ("bg", 15), ("ky", 12), ("en", 15),
                ("el", 3), ("ka", 2), ("hy", 2), ("ar", 3), ("he", 2),
                ("sr-Cyrl-RS", 2), ("uk", 3), ("sr-Latn-RS", 2), ("de", 2),
                ("pt-BR", 1)]


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def pick_lang(rng):
    total = sum(w for _, w in LANG_WEIGHTS)
    x = rng.randrange(total)
    for tag, w in LANG_WEIGHTS:
        if x < w:
            return tag
        x -= w
    return "en"


def offer_text(rng, d, long_offer):
    n = rng.randint(60, 140) if long_offer else rng.randint(1, 4)
    words = [rng.choice(d["sentences"]) for _ in range(n)]
    if long_offer:   # paragraphs
        paras = []
        while words:
            k = rng.randint(4, 9)
            paras.append(" ".join(words[:k]))
            words = words[k:]
        return "\n\n".join(paras)
    return " ".join(words)


def record(rng, i, prefix, all_eligible, broken):
    """Returns the record's text lines and the index of its country line."""
    lang = pick_lang(rng)
    d = LANGS[lang]
    role = rng.choice(ROLES)
    if all_eligible:
        status = "eligible"
    else:
        status = rng.choices(["eligible", "received", "rejected", "withdrawn"],
                             [80, 10, 5, 5])[0]
    city, postcode = rng.choice(d["cities"])
    org = rng.choice(d["org"]).format(
        city=city, word=rng.choice(d["word"]) if d["word"] else city)
    rid = "%s-%s-%07d" % (prefix, d["country"], i)
    out = ['  <application id="%s" role="%s" lang="%s" status="%s">'
           % (rid, role, lang, status),
           "    <organisation>",
           "      <name>%s</name>" % esc(org)]
    if rng.random() < 0.4:
        acronym = "".join(w[0] for w in org.split()[:4])
        if lang != "ka":    # Georgian acronyms keep Mkhedruli letters
            acronym = acronym.upper()
        out.append("      <acronym>%s</acronym>" % esc(acronym))
    out.append("      <category>%s</category>"
               % rng.choice(CATEGORIES[role]))
    country_line = len(out)
    out.append("      <country>%s</country>"
               % ("XX" if broken else d["country"]))
    out.append("      <address>")
    for _ in range(rng.choices([1, 2, 3, 4], [60, 25, 10, 5])[0]):
        out.append("        <line>%s</line>"
                   % esc(rng.choice(d["street"]).format(n=rng.randint(1, 199))))
    if rng.random() < 0.9:
        out.append("        <postcode>%s</postcode>" % esc(postcode))
    out.append("        <city>%s</city>" % esc(city))
    out.append("      </address>")
    if rng.random() < 0.5:
        out.append("      <website>https://www.example.org/%s</website>"
                   % rid.lower())
    out.append("    </organisation>")
    first, last = rng.choice(d["first"]), rng.choice(d["last"])
    out += ["    <signatory>",
            "      <name>%s %s</name>" % (esc(first), esc(last)),
            "      <position>%s</position>" % esc(rng.choice(d["position"])),
            "      <email>signatory.%d@example.org</email>" % i,
            "    </signatory>"]
    if rng.random() < 0.5:
        out += ["    <contact>",
                "      <name>%s %s</name>" % (esc(rng.choice(d["first"])),
                                              esc(rng.choice(d["last"]))),
                "      <email>contact.%d@example.org</email>" % i,
                "      <phone>+371 6700 %04d</phone>" % (i % 10000),
                "    </contact>"]
    if status == "eligible" or rng.random() < 0.3:
        out.append('    <eligibility confirmed="2026-%02d-%02d" '
                   'reference="CoMO/2026/%06d"/>'
                   % (rng.randint(1, 11), rng.randint(1, 28), i))
    if role != "associated-partner" and rng.random() < 0.6:
        out.append("    <support>")
        for kind in rng.sample(KINDS, rng.randint(1, 3)):
            text = offer_text(rng, d, rng.random() < 0.01)
            out.append('      <offer kind="%s">%s</offer>' % (kind, esc(text)))
        out.append("    </support>")
    if rng.random() < 0.7:
        out.append('    <signing place="%s"/>' % esc(city))
    out.append("  </application>")
    return out, country_line


def generate(f, n, seed, prefix, all_eligible, broken, lines_out):
    rng = random.Random(seed)
    head = ['<?xml version="1.0" encoding="UTF-8"?>',
            '<applications xmlns="%s" batch="GEN-%d" '
            'exported="2026-11-23T09:30:00Z">' % (NS, seed),
            "  <countersignatory>",
            "    <name>Elena Moretti</name>",
            "    <position>Head of Unit, Directorate-General for Energy"
            "</position>",
            "  </countersignatory>"]
    f.write("\n".join(head) + "\n")
    line = len(head) + 1          # the line the next record starts on
    for i in range(1, n + 1):
        text, country_idx = record(rng, i, prefix, all_eligible, i in broken)
        if lines_out is not None and i in broken:
            lines_out.write("%d %d %d\n" % (i, line, line + country_idx))
        chunk = "\n".join(text) + "\n"
        f.write(chunk)
        line += chunk.count("\n")
    f.write("</applications>\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--count", dest="n", type=int, default=1000,
                    help="number of records")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", "--out", dest="output",
                    help="output file (default stdout)")
    ap.add_argument("--prefix", default="GEN", help="id prefix")
    ap.add_argument("--eligible", "--eligible-only", dest="eligible",
                    action="store_true",
                    help="make every record eligible")
    ap.add_argument("--break", dest="broken", default="",
                    help="1-based numbers of records to make invalid")
    ap.add_argument("--lines", help="write 'K START COUNTRYLINE' for each "
                    "broken record K to this file")
    args = ap.parse_args()
    broken = {int(x) for x in args.broken.split(",") if x}
    out = open(args.output, "w", encoding="utf-8") if args.output \
        else sys.stdout
    lines_out = open(args.lines, "w") if args.lines else None
    try:
        generate(out, args.n, args.seed, args.prefix, args.eligible, broken,
                 lines_out)
    finally:
        if args.output:
            out.close()
        if lines_out:
            lines_out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
