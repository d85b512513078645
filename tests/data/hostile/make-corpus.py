#!/usr/bin/python3
"""Writes the hostile corpus: one XML file per attack or breakage, each
saying in a comment what it tests and what pactdoc must answer.

    /usr/bin/python3 tests/data/hostile/make-corpus.py [DIR]

DIR defaults to this script's directory. The files are committed; the test
test_hostile.test_corpus_is_generated checks they match this script.

Annotations read by tests/e2e/test_hostile.py:
  <!-- EXPECT: exit=N [file-rejected] -->   once per file
  <!-- expect: valid -->                      on an <application> line
  <!-- expect: rejected RE RE ... -->         each RE (case-insensitive) must
                                              match one of the record's errors
  <!-- expect: invalid -->                    not reported valid (rejected, or
                                              its file rejected whole)
  <!-- expect: any -->                        not checked (depends on policy)
  <!-- error-here -->                         the line a whole-file error is on
Ids are unique across the corpus, so a run over the whole directory gives
the same answer per record as one run per file.
"""
import os
import sys

RAW = "\ue000"   # placeholder replaced by raw (possibly invalid) bytes

CATEGORY = {
    "coordinator": "region",
    "national-coordinator": "national-authority",
    "supporter": "network",
    "associated-partner": "ngo-civil-society",
}


def esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;")
             .replace(">", "&gt;").replace('"', "&quot;"))


def rec(rid, expect="valid", *, role="coordinator", lang="lv",
        status="eligible", category=None, country="LV",
        lines=("Jāņa Poruka iela 8",), postcode="LV-4101", city="Cēsis",
        org="Vidzemes plānošanas reģions", signer="Jānis Bērziņš",
        confirmed="2026-11-20", eligibility=True, offers=None,
        raw_id=False, id_attr=True, extra_attrs="", extra_in_org="",
        extra_after_signatory="", signatory=True, name_raw=False):
    """One <application> element as text; rid is escaped unless raw_id."""
    if category is None:
        category = CATEGORY.get(role, "region")
    if offers is None:
        offers = [("technical", "Reģions palīdzēs novadu pašvaldībām "
                   "sagatavot rīcības plānus.")] \
            if role in ("coordinator", "supporter") else []
    idpart = ""
    if id_attr:
        idpart = ' id="%s"' % (rid if raw_id else esc(rid))
    out = ['  <application%s role="%s" lang="%s" status="%s"%s>'
           ' <!-- expect: %s -->'
           % (idpart, esc(role), esc(lang), esc(status), extra_attrs, expect)]
    out.append("    <organisation>")
    out.append("      <name>%s</name>" % (org if name_raw else esc(org)))
    out.append("      <category>%s</category>" % esc(category))
    out.append("      <country>%s</country>" % esc(country))
    out.append("      <address>")
    for line in lines:
        out.append("        <line>%s</line>" % esc(line))
    if postcode is not None:
        out.append("        <postcode>%s</postcode>" % esc(postcode))
    out.append("        <city>%s</city>" % esc(city))
    out.append("      </address>")
    if extra_in_org:
        out.append(extra_in_org)
    out.append("    </organisation>")
    if signatory:
        out.append("    <signatory>")
        out.append("      <name>%s</name>" % (signer if name_raw else esc(signer)))
        out.append("      <position>Administrācijas vadītājs</position>")
        out.append("      <email>janis.berzins@example.lv</email>")
        out.append("    </signatory>")
    if extra_after_signatory:
        out.append(extra_after_signatory)
    if eligibility:
        out.append('    <eligibility confirmed="%s" reference="CoMO/2026/0042"/>'
                   % esc(confirmed))
    if offers:
        out.append("    <support>")
        for kind, text in offers:
            out.append('      <offer kind="%s">%s</offer>' % (esc(kind), esc(text)))
        out.append("    </support>")
    out.append('    <signing place="Cēsis"/>')
    out.append("  </application>")
    return "\n".join(out)


def ok(prefix, n, **kw):
    """A record that is valid in every respect."""
    return rec("%s-OK-%d" % (prefix, n), "valid", **kw)


def doc(test, expect, records, *, prolog="", decl=True,
        root_open='<applications xmlns="urn:eumayors:applications:1">',
        root_close="</applications>", encoding="UTF-8"):
    head = '<?xml version="1.0" encoding="%s"?>\n' % encoding if decl else ""
    return (head + "<!-- TEST: %s -->\n<!-- EXPECT: %s -->\n" % (test, expect)
            + prolog + root_open + "\n" + "\n\n".join(records) + "\n"
            + root_close + "\n")


CASES = {}


def case(name, text, raw=b"", encode="utf-8"):
    data = text.encode(encode) if encode != "raw" else text
    if raw:
        data = data.replace(RAW.encode(encode), raw)
    CASES[name] = data


def build():
    # --- DTDs and entities: refused, nothing read, nothing fetched -------
    case("xxe-file.xml", doc(
        "external entity file:///etc/passwd used in a name: its content must "
        "never appear in stdout, stderr or the report",
        "exit=1",
        [ok("XXE-FILE", 1).replace("expect: valid", "expect: any"),
         rec("XXE-FILE-BAD", "invalid", org="&xxe;", name_raw=True),
         ok("XXE-FILE", 2).replace("expect: valid", "expect: any")],
        prolog='<!DOCTYPE applications [\n'
               '  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'))
    case("xxe-attribute.xml", doc(
        "external entity in an attribute value (not well-formed by the XML "
        "spec): the file is rejected whole, /etc/passwd never appears",
        "exit=1 file-rejected",
        [ok("XXE-ATTR", 1),
         rec("XXE-ATTR-BAD", "invalid", extra_attrs=' batch="&xxe;"'),
         ok("XXE-ATTR", 2)],
        prolog='<!DOCTYPE applications [\n'
               '  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'))
    case("xxe-parameter.xml", doc(
        "external parameter entity file:///etc/passwd expanded in the "
        "internal subset: never read, never echoed",
        "exit=1",
        [ok("XXE-PE", 1).replace("expect: valid", "expect: any")],
        prolog='<!DOCTYPE applications [\n'
               '  <!ENTITY % ext SYSTEM "file:///etc/passwd">\n'
               '  %ext;\n]>\n'))
    case("external-dtd-file.xml", doc(
        "DOCTYPE whose external subset is file:///etc/passwd: never read, "
        "never echoed (libxml2 would print the offending line)",
        "exit=1",
        [ok("DTD-FILE", 1).replace("expect: valid", "expect: any")],
        prolog='<!DOCTYPE applications SYSTEM "file:///etc/passwd">\n'))
    case("dtd-remote.xml", doc(
        "DOCTYPE with a remote external subset: no network access, the DTD "
        "is refused and the run ends promptly",
        "exit=1",
        [ok("DTD-REMOTE", 1).replace("expect: valid", "expect: any")],
        prolog='<!DOCTYPE applications PUBLIC "-//EVIL//DTD Records//EN" '
               '"http://127.0.0.1:9/records.dtd">\n'))
    case("dtd-remote-entity.xml", doc(
        "external general entity with an http URL used in a name: nothing "
        "fetched, the record is not valid",
        "exit=1",
        [ok("DTD-RENT", 1).replace("expect: valid", "expect: any"),
         rec("DTD-RENT-BAD", "invalid", org="&remote;", name_raw=True)],
        prolog='<!DOCTYPE applications [\n'
               '  <!ENTITY remote SYSTEM "http://127.0.0.1:9/name.txt">\n]>\n'))
    case("param-entities.xml", doc(
        "parameter entities that declare a general entity used in a name",
        "exit=1",
        [ok("PE", 1).replace("expect: valid", "expect: any"),
         rec("PE-BAD", "invalid", org="&made;", name_raw=True)],
        prolog='<!DOCTYPE applications [\n'
               '  <!ENTITY % decl "<!ENTITY made \'Made by a parameter entity\'>">\n'
               '  %decl;\n]>\n'))
    case("internal-entity.xml", doc(
        "a harmless internal entity: DTDs are refused all the same",
        "exit=1",
        [ok("IENT", 1).replace("expect: valid", "expect: any"),
         rec("IENT-BAD", "invalid", org="&org;", name_raw=True)],
        prolog='<!DOCTYPE applications [\n'
               '  <!ENTITY org "Vidzemes plānošanas reģions">\n]>\n'))
    lol = ['  <!ENTITY lol "lol">']
    for i in range(1, 10):
        lol.append('  <!ENTITY lol%d "%s">'
                   % (i, ("&lol%d;" % (i - 1) if i > 1 else "&lol;") * 10))
    case("billion-laughs.xml", doc(
        "billion laughs: 10^9 expansions of nested entities; must be refused "
        "quickly with little memory",
        "exit=1",
        [ok("LOL", 1).replace("expect: valid", "expect: any"),
         rec("LOL-BAD", "invalid", org="&lol9;", name_raw=True)],
        prolog="<!DOCTYPE applications [\n" + "\n".join(lol) + "\n]>\n"))
    case("quadratic-blowup.xml", doc(
        "quadratic blowup: one 40 kB entity referenced 4000 times (160 MB "
        "expanded); must be refused quickly with little memory",
        "exit=1",
        [ok("QUAD", 1).replace("expect: valid", "expect: any"),
         rec("QUAD-BAD", "invalid", org="&a;" * 4000, name_raw=True)],
        prolog='<!DOCTYPE applications [\n  <!ENTITY a "%s">\n]>\n'
               % ("a" * 40000)))
    case("xinclude.xml", doc(
        "XInclude of file:///etc/passwd as text inside a record: never "
        "processed, the element is not in the contract",
        "exit=1",
        [ok("XINC", 1),
         rec("XINC-BAD", "rejected",
             extra_after_signatory='    <xi:include xmlns:xi="http://www.w3.org/2001/XInclude"'
                                   ' href="file:///etc/passwd" parse="text"/>'),
         ok("XINC", 2)]))
    case("xsi-schemalocation.xml", doc(
        "xsi:schemaLocation pointing to a remote schema: ignored, nothing "
        "fetched; the records themselves are valid",
        "exit=0",
        [ok("XSI", 1), ok("XSI", 2)],
        root_open='<applications xmlns="urn:eumayors:applications:1"\n'
                  '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n'
                  '    xsi:schemaLocation="urn:eumayors:applications:1 '
                  'http://127.0.0.1:9/evil.xsd">'))

    # --- ids: they name output files --------------------------------------
    idword = r"\bid\b"
    for name, test, bad in [
        ("id-slash.xml", "ids with a slash or a percent-encoded slash",
         ["LV/COORD/0042", "LV%2FCOORD"]),
        ("id-dotdot.xml", "ids that are or contain '..' path components",
         ["..", "../../etc/cron.d/x"]),
        ("id-backslash.xml", "id with a backslash", ["LV\\COORD\\0042"]),
        ("id-space.xml", "ids with inner, leading and trailing spaces",
         ["LV COORD 0042", " LV-SPACE-LEAD", "LV-SPACE-TRAIL "]),
        ("id-empty.xml", "empty id", [""]),
        ("id-dot-start.xml", "id starting with '.' (hidden file)",
         [".LV-COORD-0042"]),
        ("id-dash-start.xml", "id starting with '-' (read as an option)",
         ["-rf", "-LV-COORD"]),
        ("id-non-ascii.xml", "ids with non-ASCII letters (Cyrillic, "
         "fullwidth, accented)", ["LV-КООРД-1", "ＬＶ-1", "Rīga-1"]),
        ("id-punctuation.xml", "ids with shell and URL punctuation",
         ["LV:COORD", "LV*1", "LV;rm", "LV$HOME", "LV?x=1", "LV|1"]),
    ]:
        pre = name[:-4].upper()
        recs = [ok(pre, 1)]
        for b in bad:
            recs.append(rec(b, "rejected " + idword))
        recs.append(ok(pre, 2))
        case(name, doc(test + ": rejected with the id rule; the good "
                       "records around them are valid", "exit=1", recs))
    case("id-length.xml", doc(
        "id length: 64 characters is the limit (valid), 65 is rejected",
        "exit=1",
        [rec("L" + "6" * 63, "valid"),
         rec("M" + "5" * 64, "rejected " + idword),
         rec("N" + "x" * 300, "rejected " + idword),
         ok("ID-LENGTH", 1)]))
    case("id-missing.xml", doc(
        "application without an id attribute: rejected, the next record is "
        "still valid",
        "exit=1",
        [ok("ID-MISSING", 1), rec("", "rejected " + idword, id_attr=False),
         ok("ID-MISSING", 2)]))
    case("id-c1-control.xml", doc(
        "id holding C1 controls U+009B (CSI) and U+0085 and a bidi override "
        "U+202E: rejected, and never written raw to the terminal",
        "exit=1",
        [ok("ID-C1", 1), rec("LV-\u009b31m-1", "rejected " + idword),
         rec("LV-\u0085-2", "rejected " + idword),
         rec("LV-\u202e3-GOOD", "rejected " + idword), ok("ID-C1", 2)]))
    case("duplicate-ids.xml", doc(
        "the same id twice in one file: the first is valid, the second is "
        "rejected as a duplicate",
        "exit=1",
        [rec("DUP-SAME-1", "valid"), ok("DUP-SAME", 2),
         rec("DUP-SAME-1", r"rejected \bid\b|duplicate|unique"),
         ok("DUP-SAME", 3)]))

    # --- encodings --------------------------------------------------------
    def enc_doc(prefix, test, encname):
        return doc(test, "exit=0",
                   [ok(prefix, 1, org="Vidzemes plānošanas reģions — ĀČĒ"),
                    ok(prefix, 2, role="supporter", lang="el",
                       org="Ένωση Περιφερειών Ελλάδος", country="GR",
                       signer="Όλγα Οικονόμου",
                       offers=[("other", "Κείμενο στα ελληνικά.")])],
                   encoding=encname)
    for name, codec, bom, test in [
        ("utf16le-bom.xml", "utf-16-le", b"\xff\xfe", "UTF-16 LE with BOM"),
        ("utf16be-bom.xml", "utf-16-be", b"\xfe\xff", "UTF-16 BE with BOM"),
        ("utf16le-nobom.xml", "utf-16-le", b"", "UTF-16 LE without BOM"),
        ("utf16be-nobom.xml", "utf-16-be", b"", "UTF-16 BE without BOM"),
    ]:
        pre = name[:-4].upper()
        CASES[name] = bom + enc_doc(pre, test + " is valid input: every "
                                    "record passes", "UTF-16").encode(codec)
    lone = doc("UTF-16 LE with a lone high surrogate (D800 then 'a'): not "
               "decodable, the file is rejected whole", "exit=1 file-rejected",
               [ok("UTF16-LONE", 1),
                rec("UTF16-LONE-BAD", "invalid", org="Bad " + RAW + " name"),
                ok("UTF16-LONE", 2)], encoding="UTF-16")
    CASES["utf16-lone-surrogate.xml"] = b"\xff\xfe" + lone.encode(
        "utf-16-le").replace(RAW.encode("utf-16-le"), b"\x00\xd8a\x00")
    # A character outside the BMP (a surrogate pair in UTF-16) is decoded
    # exactly: the glyph rule names its code point. No shipped font draws
    # it, so validate rejects the record as generate would.
    for name, codec, bom in [("utf16le-non-bmp.xml", "utf-16-le", b"\xff\xfe"),
                             ("utf8-non-bmp.xml", "utf-8", b"")]:
        pre = name[:-4].upper().replace("-", "")
        CASES[name] = bom + doc(
            "a character outside the BMP is decoded exactly and, as no "
            "shipped font draws it, rejects its record [glyph]", "exit=1",
            [ok(pre, 1),
             rec(pre + "-GLYPH", r"rejected U\+2000B glyph", role="supporter",
                 lang="el", org="Ένωση Περιφερειών Ελλάδος", country="GR",
                 offers=[("other", "Κείμενο με 𠀋 (εκτός BMP).")]),
             ok(pre, 2)],
            encoding="UTF-16" if codec != "utf-8" else "UTF-8").encode(codec)
    CASES["utf8-bom.xml"] = b"\xef\xbb\xbf" + enc_doc(
        "UTF8-BOM", "UTF-8 with a byte order mark is valid input",
        "UTF-8").encode("utf-8")
    CASES["utf8-nodecl.xml"] = enc_doc(
        "UTF8-NODECL", "UTF-8 without an XML declaration is valid input",
        "UTF-8").split("\n", 1)[1].encode("utf-8")

    def bad_bytes(name, test, raw, where="org"):
        pre = name[:-4].upper()
        bad = rec(pre + "-BAD", "any", org="Bad " + RAW + " bytes",
                  ) if where == "org" else rec(pre + "-" + RAW, "any")
        bad = bad.replace("<!-- expect: any -->",
                          "<!-- expect: any -->", 1)
        lines = bad.split("\n")
        lines = [ln + " <!-- error-here -->" if RAW in ln else ln
                 for ln in lines]
        case(name, doc(test + ": not well-formed, the file is rejected "
                       "whole with the line of the bad bytes",
                       "exit=1 file-rejected",
                       [ok(pre, 1), "\n".join(lines), ok(pre, 2)]), raw=raw)
    bad_bytes("invalid-utf8.xml", "invalid UTF-8 (C3 28)", b"\xc3\x28")
    bad_bytes("invalid-utf8-latin1.xml",
              "Latin-1 bytes in a file declared UTF-8 (R\\xefga)", b"R\xefga")
    bad_bytes("overlong-utf8.xml",
              "overlong UTF-8 for '../' (C0 AE C0 AE C0 AF) inside an id",
              b"\xc0\xae\xc0\xae\xc0\xaf", where="id")
    bad_bytes("utf8-surrogate.xml",
              "UTF-8-encoded surrogate U+D800 (ED A0 80)", b"\xed\xa0\x80")
    bad_bytes("utf8-above-max.xml",
              "UTF-8 sequence above U+10FFFF (F4 90 80 80)", b"\xf4\x90\x80\x80")
    bad_bytes("control-u0001.xml", "raw U+0001 in text", b"\x01")
    bad_bytes("control-esc.xml",
              "raw ESC [31m (U+001B, a terminal escape) in text; ESC is "
              "never echoed to the terminal", b"\x1b[31mRED\x1b[0m")
    bad_bytes("control-charref.xml",
              "character references &#x1B; and &#1; (not XML 1.0 chars)",
              b"&#x1B;[2J&#1;")
    bad_bytes("nonchar-fffe.xml", "U+FFFE (not an XML character)",
              b"\xef\xbf\xbe")
    bad_bytes("nul-byte.xml", "a NUL byte in text", b"\x00")
    case("text-c1-nonchar.xml", doc(
        "characters XML allows but a record may not hold: DEL U+007F, C1 "
        "controls U+0085 and U+009B (CSI), non-characters U+FDD0 and "
        "U+1FFFE; each record is rejected, its neighbours are valid",
        "exit=1",
        [ok("TEXTCTL", 1),
         rec("TEXTCTL-BAD-1", "rejected control|character",
             org="Vidzemes \u007f reģions"),
         rec("TEXTCTL-BAD-2", "rejected control|character",
             signer="Jānis \u0085Bērziņš"),
         rec("TEXTCTL-BAD-3", "rejected control|character",
             offers=[("technical", "Palīdzība \u009b31m visiem.")]),
         rec("TEXTCTL-BAD-4", "rejected control|character",
             city="Cēsis\ufdd0"),
         rec("TEXTCTL-BAD-5", "rejected control|character",
             org="Vidzemes \U0001fffe reģions"),
         ok("TEXTCTL", 2)]))
    case("xml11-control.xml",
         '<?xml version="1.1" encoding="UTF-8"?>\n' + doc(
             "XML 1.1, where &#x1B; is allowed: the control character must "
             "still not pass (it cannot be printed)", "exit=1",
             [ok("XML11", 1).replace("expect: valid", "expect: any"),
              rec("XML11-BAD", "invalid", org="Bad &#x1B;[2J name",
                  name_raw=True)],
             decl=False))

    # --- structure --------------------------------------------------------
    case("wrong-namespace.xml", doc(
        "root in another namespace (urn:eumayors:applications:2): nothing "
        "in it is valid", "exit=1 file-rejected",
        [ok("WRONG-NS", 1)],
        root_open='<applications xmlns="urn:eumayors:applications:2">'))
    case("no-namespace.xml", doc(
        "root in no namespace: nothing in it is valid",
        "exit=1 file-rejected", [ok("NO-NS", 1)],
        root_open="<applications>"))
    case("wrong-root.xml", doc(
        "root element <records> in the right namespace: nothing valid",
        "exit=1 file-rejected", [ok("WRONG-ROOT", 1)],
        root_open='<records xmlns="urn:eumayors:applications:1">',
        root_close="</records>"))
    full = doc("truncated file: cut in the middle of the second record; the "
               "first record must not be reported valid (the file is "
               "rejected whole)", "exit=1 file-rejected",
               [ok("TRUNC", 1), ok("TRUNC", 2), ok("TRUNC", 3)])
    cut = full.index("<signatory>", full.index("TRUNC-OK-2"))
    case("truncated.xml", full[:cut + 8])
    two = ok("TWO-ROOTS", 1).replace("<application ",
                                     '<application xmlns="urn:eumayors:applications:1" ', 1)
    two2 = ok("TWO-ROOTS", 2).replace("<application ",
                                      '<application xmlns="urn:eumayors:applications:1" ', 1)
    case("two-roots.xml",
         '<?xml version="1.0" encoding="UTF-8"?>\n'
         "<!-- TEST: two <application> root elements (extra content after "
         "the document): not well-formed, the first must not be reported "
         "valid -->\n<!-- EXPECT: exit=1 file-rejected -->\n"
         + two.lstrip() + "\n" + two2.lstrip() + "\n")
    CASES["empty.xml"] = b""
    CASES["whitespace-only.xml"] = b"  \n\t\n   \r\n\n"
    CASES["binary-garbage.xml"] = bytes((i * 97 + 13) % 256 for i in range(600))
    case("not-xml-csv.xml",
         "id,role,lang,status\nLV-CSV-1,coordinator,lv,eligible\n")
    depth = 3000
    case("deep-nesting.xml", doc(
        "3000 nested elements inside a record: refused (libxml2's depth "
        "limit or the schema), no stack overflow", "exit=1",
        [ok("DEEP", 1).replace("expect: valid", "expect: any"),
         rec("DEEP-BAD", "invalid",
             extra_after_signatory="    " + "<x>" * depth + "deep"
             + "</x>" * depth)]))
    case("crlf-lines.xml", doc(
        "CRLF line endings: accepted, and the line numbers of errors are "
        "still right", "exit=1",
        [ok("CRLF", 1), rec("CRLF-BAD", "rejected country", country="XX"),
         ok("CRLF", 2)]).replace("\n", "\r\n"))

    # --- contract rules ---------------------------------------------------
    case("unknown-role.xml", doc(
        "unknown role (mayor, Coordinator, empty)", "exit=1",
        [ok("ROLE", 1),
         rec("ROLE-BAD-1", "rejected role", role="mayor", category="region"),
         rec("ROLE-BAD-2", "rejected role", role="Coordinator",
             category="region"),
         rec("ROLE-BAD-3", "rejected role", role="", category="region"),
         ok("ROLE", 2)]))
    case("unknown-status.xml", doc(
        "unknown status (approved, ELIGIBLE)", "exit=1",
        [ok("STATUS", 1),
         rec("STATUS-BAD-1", "rejected status", status="approved"),
         rec("STATUS-BAD-2", "rejected status", status="ELIGIBLE"),
         ok("STATUS", 2)]))
    case("unknown-offer-kind.xml", doc(
        "unknown offer kind (legal, Technical)", "exit=1",
        [ok("KIND", 1),
         rec("KIND-BAD-1", "rejected kind|offer",
             offers=[("legal", "Juridiskā palīdzība.")]),
         rec("KIND-BAD-2", "rejected kind|offer",
             offers=[("technical", "Labi."), ("Technical", "Slikti.")]),
         ok("KIND", 2)]))
    case("category-role.xml", doc(
        "category not allowed for the role", "exit=1",
        [ok("CAT", 1),
         rec("CAT-BAD-1", "rejected category", role="supporter",
             category="region"),
         rec("CAT-BAD-2", "rejected category", role="associated-partner",
             category="network"),
         rec("CAT-BAD-3", "rejected category", role="coordinator",
             category="ngo-civil-society"),
         rec("CAT-BAD-4", "rejected category",
             role="national-coordinator", category="association"),
         rec("CAT-BAD-5", "rejected category", category="city"),
         ok("CAT", 2, role="national-coordinator", category="energy-agency"),
         ok("CAT", 3, role="associated-partner",
            category="financial-institution"),
         ok("CAT", 4, role="supporter", category="association")]))
    case("eligible-no-eligibility.xml", doc(
        "status eligible without <eligibility>", "exit=1",
        [ok("ELIG", 1),
         rec("ELIG-BAD-1", "rejected eligib", eligibility=False),
         rec("ELIG-BAD-2", "rejected eligib", eligibility=False,
             role="associated-partner"),
         ok("ELIG", 2)]))
    case("non-eligible-no-eligibility.xml", doc(
        "received, rejected and withdrawn records without <eligibility> "
        "are valid", "exit=0",
        [rec("NONELIG-1", "valid", status="received", eligibility=False),
         rec("NONELIG-2", "valid", status="rejected", eligibility=False,
             role="supporter"),
         rec("NONELIG-3", "valid", status="withdrawn", eligibility=False,
             role="associated-partner")]))
    case("bad-date.xml", doc(
        "impossible or malformed eligibility dates; 2024-02-29 is valid",
        "exit=1",
        [rec("DATE-OK-LEAP", "valid", confirmed="2024-02-29"),
         rec("DATE-BAD-1", "rejected confirmed|date", confirmed="2026-02-30"),
         rec("DATE-BAD-2", "rejected confirmed|date", confirmed="2025-02-29"),
         rec("DATE-BAD-3", "rejected confirmed|date", confirmed="2026-13-01"),
         rec("DATE-BAD-4", "rejected confirmed|date", confirmed="20261120"),
         rec("DATE-BAD-5", "rejected confirmed|date", confirmed="20.11.2026"),
         rec("DATE-BAD-6", "rejected confirmed|date", confirmed=""),
         rec("DATE-BAD-7", "rejected confirmed|date", confirmed="2026-11-31"),
         ok("DATE", 1)]))
    case("bad-lang.xml", doc(
        "malformed BCP 47 tags; sr-Latn-RS, pt-BR, es-419, zh-Hant-TW are "
        "well-formed", "exit=1",
        [rec("LANG-OK-1", "valid", lang="sr-Latn-RS"),
         rec("LANG-OK-2", "valid", lang="pt-BR"),
         rec("LANG-OK-3", "valid", lang="es-419"),
         rec("LANG-OK-4", "valid", lang="zh-Hant-TW"),
         rec("LANG-BAD-1", "rejected lang", lang="lv_LV"),
         rec("LANG-BAD-2", "rejected lang", lang="x"),
         rec("LANG-BAD-3", "rejected lang", lang="123"),
         rec("LANG-BAD-4", "rejected lang", lang="en--US"),
         rec("LANG-BAD-5", "rejected lang", lang=""),
         rec("LANG-BAD-6", "rejected lang", lang="en-"),
         rec("LANG-BAD-7", "rejected lang", lang="latvianlang"),
         rec("LANG-BAD-8", "rejected lang", lang="lv LV"),
         rec("LANG-BAD-9", "rejected lang", lang="../lv")]))
    case("bad-country.xml", doc(
        "country not an assigned ISO 3166-1 alpha-2 code", "exit=1",
        [ok("COUNTRY", 1),
         rec("COUNTRY-BAD-1", "rejected country", country="XX"),
         rec("COUNTRY-BAD-2", "rejected country", country="lv"),
         rec("COUNTRY-BAD-3", "rejected country", country="LVA"),
         rec("COUNTRY-BAD-4", "rejected country", country="L1"),
         rec("COUNTRY-BAD-5", "rejected country", country=""),
         ok("COUNTRY", 2, country="GR", city="Θεσσαλονίκη")]))
    case("address-lines.xml", doc(
        "address with 5 lines or none (1 to 4 allowed); 4 lines are valid",
        "exit=1",
        [rec("ADDR-OK-4", "valid", lines=["a", "b", "c", "d"]),
         rec("ADDR-BAD-5", "rejected address|line",
             lines=["a", "b", "c", "d", "e"]),
         rec("ADDR-BAD-0", "rejected address|line|city|postcode", lines=[]),
         ok("ADDR", 1)]))
    case("missing-elements.xml", doc(
        "required elements missing (signatory; organisation name via an "
        "empty category)", "exit=1",
        [ok("MISSING", 1),
         rec("MISSING-BAD-1", "rejected signatory|eligibility|expected",
             signatory=False),
         rec("MISSING-BAD-2", "rejected category", category=""),
         ok("MISSING", 2)]))
    case("unknown-element.xml", doc(
        "an element and an attribute the contract does not have", "exit=1",
        [ok("UNKNOWN", 1),
         rec("UNKNOWN-BAD-1", "rejected notes|not expected|unknown|unexpected",
             extra_after_signatory="    <notes>internal</notes>"),
         rec("UNKNOWN-BAD-2", "rejected priority|not allowed|unknown|unexpected",
             extra_attrs=' priority="high"'),
         ok("UNKNOWN", 2)]))
    case("multi-error.xml", doc(
        "every problem is reported, not only the first: one record with a "
        "bad lang, a bad country and a bad date, then a record with a bad "
        "offer kind, with good records between", "exit=1",
        [ok("MULTI", 1),
         rec("MULTI-BAD-1", "rejected lang country confirmed|date",
             lang="lv_LV", country="lv", confirmed="2026-02-30"),
         ok("MULTI", 2),
         rec("MULTI-BAD-2", "rejected kind|offer",
             offers=[("legal", "Juridiskā palīdzība.")]),
         ok("MULTI", 3)]))
    case("valid-edge.xml", doc(
        "unusual but valid XML: CDATA, character references, decomposed "
        "(NFD) text, comments and processing instructions between elements, "
        "a single-record batch attribute set", "exit=0",
        [rec("EDGE-1", "valid", org="<![CDATA[Vidzeme & Latgale <Reģions>]]>",
             name_raw=True),
         rec("EDGE-2", "valid", org="Vidzemes pl&#x101;no&#353;anas re&#x123;ions",
             name_raw=True),
         rec("EDGE-3", "valid", signer="Ja\u0304nis Be\u0304rzin\u0327s\u030c"),
         rec("EDGE-4", "valid").replace("    <signatory>",
                                        "    <!-- a comment -->\n"
                                        "    <?pactdoc ignore?>\n"
                                        "    <signatory>")],
        root_open='<applications xmlns="urn:eumayors:applications:1" '
                  'batch="2026-11-EDGE" exported="2026-11-23T09:30:00Z">'))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))
    build()
    for name, data in sorted(CASES.items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    across = os.path.join(out, "dup-across")
    os.makedirs(across, exist_ok=True)
    for name, first in (("a.xml", True), ("b.xml", False)):
        text = doc("the same id in two files of one run (a.xml then b.xml): "
                   "valid in the first file, rejected in the second; each "
                   "file alone is valid; the expect: notes are for a, b",
                   "exit=0",
                   [rec("DUP-ACROSS-1", "valid" if first else
                        r"rejected \bid\b|duplicate|unique"),
                    ok("DUP-ACROSS-" + name[0].upper(), 1)])
        with open(os.path.join(across, name), "wb") as f:
            f.write(text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
