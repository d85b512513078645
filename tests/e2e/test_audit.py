"""Regression tests for the audit of issue 8 (reading, validation and
generation of records) and the silent limits of issue 12: a long language
tag, records lost after a huge text, validate and generate disagreeing
(batch length, the glyph rule), a malformed DOCTYPE's leak, FIFOs and link
loops in input folders, memory on a file of blanks, the bound on one
document's support offers. Large hostile inputs are made at test time in
a temporary directory; memory is measured with /usr/bin/time -v on the
release binary ($PACTDOC_RELEASE, default build/pactdoc), as test_bulk
does, since AddressSanitizer's own memory hides the tool's."""
import glob
import json
import os
import re
import shutil
import subprocess
import time
import unittest

import harness
from test_validate import assert_sane, run

RELEASE = os.path.join(harness.ROOT,
                       os.environ.get("PACTDOC_RELEASE", "build/pactdoc"))
NS = "urn:eumayors:applications:1"
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<applications xmlns="%s"%%s>\n' % NS)
LONG_OFFER = os.path.join(harness.SAMPLES,
                          "04-single-application-long-offer.xml")


def record(rid="T-1", lang="lv", name="Test Region", offers=(),
           status="eligible", ns=False):
    """One coordinator <application> as text; offers are (kind, text)."""
    support = ""
    if offers:
        support = "\n  <support>%s</support>" % "".join(
            '<offer kind="%s">%s</offer>' % o for o in offers)
    return ('<application%s id="%s" role="coordinator" lang="%s" '
            'status="%s">\n'
            '  <organisation><name>%s</name><category>region</category>'
            '<country>LV</country>\n'
            '    <address><line>Iela 1</line><city>Rīga</city></address>'
            '</organisation>\n'
            '  <signatory><name>Anna Ozola</name><position>Vadītāja'
            '</position>\n'
            '    <email>anna@example.lv</email></signatory>\n'
            '  <eligibility confirmed="2026-11-20" reference="CoMO/T/1"/>%s\n'
            '</application>\n'
            % (' xmlns="%s"' % NS if ns else "", rid, lang, status, name,
               support))


def batch_file(records, attrs=""):
    return HEAD % attrs + "".join(records) + "</applications>\n"


def offer_text(n):
    """n characters of the Swedish sample offer's paragraphs, repeated."""
    with open(LONG_OFFER, encoding="utf-8") as f:
        paras = re.findall(r'<offer kind="\w+">(.*?)</offer>', f.read(), re.S)
    text = "\n\n".join(paras)
    text = (text * (n // len(text) + 1))[:n - 1]
    return text + "."


def measured(binary, *args, timeout=600):
    """(rc, stdout, stderr, peak RSS in kB, seconds) of a run under
    /usr/bin/time -v."""
    start = time.monotonic()
    proc, err, rss = harness.time_v([binary, *args], timeout=timeout)
    secs = time.monotonic() - start
    return (proc.returncode, proc.stdout.decode("utf-8", "replace"), err,
            rss, secs)


def generate(tc, *args, env=None):
    out = os.path.join(harness.tempdir(tc), "out")
    res = harness.run("generate", "-o", out, "--date", "2026-11-23", *args,
                      env=env)
    for mark in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
        tc.assertNotIn(mark, res.stderr)
    return res, out


class LanguageTags(unittest.TestCase):
    """The fallback chain is sized from the tag (it overflowed a buffer
    and aborted generate); no tag length silently skips the chain."""

    def test_many_subtags_generate_with_the_whole_chain(self):
        d = harness.tempdir(self)
        tag = "en-x-ab-ab-ab-ab-ab-ab-ab-ab-ab"
        path = harness.write(os.path.join(d, "in.xml"),
                             record(lang=tag, ns=True))
        res = run("validate", path)
        assert_sane(self, res)
        self.assertEqual(res.rc, 0, res.err)
        res, out = generate(self, "-j", "1", path)
        self.assertEqual(res.returncode, 0, res.stderr[-3000:])
        self.assertTrue(glob.glob(os.path.join(out, "T-1", "*-en.pdf")))
        chain = " -> ".join(["en-x" + "-ab" * k for k in range(9, 0, -1)]
                            + ["en"])
        self.assertIn("(language %s)" % chain, res.stdout)

    def test_a_64_character_tag_falls_back_along_the_tag(self):
        d = harness.tempdir(self)
        tag = "lv-x-" + "-".join(["abcdefgh"] * 7)
        self.assertEqual(len(tag), 67)
        tag = tag[:64]
        self.assertEqual(len(tag), 64)
        path = harness.write(os.path.join(d, "in.xml"),
                             record(lang=tag, ns=True))
        res, out = generate(self, path)
        self.assertEqual(res.returncode, 0, res.stderr[-3000:])
        # The Latvian catalogue serves it, not English.
        self.assertTrue(glob.glob(os.path.join(out, "T-1",
                                               "T-1-declaration-lv.pdf")),
                        res.stdout)

    def test_a_longer_tag_is_refused_with_its_length(self):
        d = harness.tempdir(self)
        tag = "lv-x-" + "-".join(["abcdefgh"] * 9)
        path = harness.write(os.path.join(d, "in.xml"),
                             record(lang=tag, ns=True))
        res = run("validate", path)
        assert_sane(self, res)
        self.assertEqual(res.rc, 1)
        self.assertRegex(res.err, r"in\.xml:1:1: error: record T-1: lang has "
                         r"%d characters; .* at most 64 \[lang\]" % len(tag))


class RecordsNeverLost(unittest.TestCase):
    """A text or a run of blanks past libxml2's 10 MB limit used to end the
    second reading pass silently: 10 records validated as "1 record: 1
    valid", exit 0. Now the file is rejected whole, with the place."""

    def check_rejected_whole(self, path, line, col):
        res = run("validate", path, timeout=300)
        assert_sane(self, res)
        self.assertEqual(res.rc, 1, res.err[-2000:])
        self.assertEqual([r for r in res.records(path) if r[2] == "valid"],
                         [], "a record of a rejected file is called valid")
        errs = [e for e in res.errors(path) if "[text-size]" in e[3]]
        self.assertEqual([(e[1], e[2]) for e in errs], [(line, col)],
                         res.err[-2000:])
        self.assertLess(len(res.out) + len(res.err), 20000)
        res, out = generate(self, path)
        self.assertEqual(res.returncode, 1, res.stderr[-2000:])
        self.assertIn("[text-size]", res.stderr)
        self.assertFalse(glob.glob(os.path.join(out, "*", "*.pdf")))

    def test_blank_run_after_the_first_record(self):
        d = harness.tempdir(self)
        first = record("R-0")
        body = (HEAD % "" + first + " " * (11 * 1024 * 1024)
                + "".join(record("R-%d" % i) for i in range(1, 10))
                + "</applications>\n")
        path = harness.write(os.path.join(d, "ten.xml"), body)
        # The run of blanks begins with the newline that ends record 0.
        line = 2 + first.count("\n")
        col = len(first.rstrip("\n").split("\n")[-1]) + 1
        self.check_rejected_whole(path, line, col)

    def test_huge_text_node_in_the_second_record(self):
        d = harness.tempdir(self)
        big = record("R-1", name="x" * (30 * 1000 * 1000))
        body = (HEAD % "" + record("R-0") + big
                + "".join(record("R-%d" % i) for i in range(2, 10))
                + "</applications>\n")
        path = harness.write(os.path.join(d, "ten.xml"), body)
        line = 2 + record("R-0").count("\n") + 2
        col = len("  <organisation><name>") + 1
        self.check_rejected_whole(path, line, col)


    def test_huge_text_after_an_end_tag_and_after_a_comment(self):
        d = harness.tempdir(self)
        for name, lead in (("end.xml", "<signing/>"), ("comment.xml",
                                                       "<!-- note -->")):
            with self.subTest(name):
                rec = record("R-1").replace(
                    "</application>",
                    "  " + lead + "y" * (11 * 1000 * 1000) + "</application>")
                path = harness.write(os.path.join(d, name), HEAD % ""
                                     + record("R-0") + rec + record("R-2")
                                     + "</applications>\n")
                line = 2 + 2 * record("R-0").count("\n")
                self.check_rejected_whole(path, line, 3 + len(lead))


class SameRuleInBothCommands(unittest.TestCase):
    """validate rejects what generate would reject for a record's own
    content or its file's."""

    def test_batch_longer_than_the_schema_allows(self):
        """A 1 MB batch passed validate and failed generate at packaging
        (exit 2, 418 MB). The schema's rule (Line: at most 1,000
        characters) now holds in both, as in xmllint."""
        d = harness.tempdir(self)
        path = harness.write(os.path.join(d, "b.xml"), batch_file(
            [record("B-1")], ' batch="%s"' % ("B" * 1000000)))
        want = (r"b\.xml:2:1: error: applications batch has 1000000 "
                r"characters.*\[batch\]")
        res = run("validate", path)
        assert_sane(self, res)
        self.assertEqual(res.rc, 1)
        self.assertRegex(res.err, want)
        self.assertLess(len(res.err), 2000, "the batch is echoed")
        res, out = generate(self, path)
        self.assertEqual(res.returncode, 1, res.stderr[-2000:])
        self.assertRegex(res.stderr, want)
        # The record is produced; the package is named after the date.
        self.assertTrue(os.path.exists(os.path.join(
            out, "packages", "countersign-2026-11-23.zip")))
        xl = harness.xmllint(harness.RECORDS_XSD, path)
        self.assertNotEqual(xl.returncode, 0)

    def test_batch_of_blanks_and_of_1000_characters(self):
        d = harness.tempdir(self)
        blank = harness.write(os.path.join(d, "blank.xml"), batch_file(
            [record("BL-1")], ' batch="   "'))
        res = run("validate", blank)
        self.assertEqual(res.rc, 1)
        self.assertRegex(res.err, r"blank\.xml:2:1: error: .*batch.*\[batch\]")
        ok = harness.write(os.path.join(d, "ok.xml"), batch_file(
            [record("OK-1")], ' batch="%s"' % ("Б" * 1000)))
        res = run("validate", ok)
        self.assertEqual(res.rc, 0, res.err)
        res, out = generate(self, ok)
        self.assertEqual(res.returncode, 0, res.stderr[-2000:])
        self.assertTrue(glob.glob(os.path.join(out, "packages",
                                               "countersign-*.zip")))

    def test_glyph_rule_in_validate(self):
        d = harness.tempdir(self)
        path = harness.write(os.path.join(d, "in.xml"), batch_file(
            [record("G-1", name="Smile \U0001F600 Region"), record("G-2")]))
        res = run("validate", path)
        assert_sane(self, res)
        self.assertEqual(res.rc, 1)
        self.assertIn((3, "G-1", "rejected"), res.records(path))
        self.assertIn((10, "G-2", "valid"), res.records(path))
        self.assertRegex(res.err, r"in\.xml:3:1: error: record G-1: "
                         r"organisation/name has U\+1F600, which no shipped "
                         r"font can draw \[glyph\]")
        res, out = generate(self, path)
        self.assertEqual(res.returncode, 1)
        self.assertRegex(res.stderr, r"in\.xml:3:1: error: record G-1: "
                         r"organisation/name has U\+1F600.*\[glyph\]")
        self.assertFalse(os.path.exists(os.path.join(out, "G-1")))
        self.assertTrue(glob.glob(os.path.join(out, "G-2", "*.pdf")))

    def test_glyph_rule_checks_every_offer(self):
        """The check stopped at 64 fields: an undrawable character in the
        70th offer escaped it."""
        d = harness.tempdir(self)
        offers = [("other", "Piedāvājums %d." % i) for i in range(69)]
        offers.append(("other", "Smaids \U0001F600."))
        path = harness.write(os.path.join(d, "in.xml"),
                             record("G-70", offers=offers, ns=True))
        for cmd in ("validate", "generate"):
            res = harness.run(cmd, "-o", os.path.join(d, "out"), path) \
                if cmd == "generate" else harness.run(cmd, path)
            self.assertEqual(res.returncode, 1, res.stderr[-2000:])
            self.assertRegex(res.stderr, r"support/offer has U\+1F600.*"
                             r"\[glyph\]")
        self.assertFalse(os.path.exists(os.path.join(d, "out", "G-70")))

    def test_glyph_rule_covers_the_countersignatory(self):
        d = harness.tempdir(self)
        cs = ("<countersignatory><name>Maria \U0001F600 Rossi</name>"
              "<position>Head of Unit</position></countersignatory>\n")
        path = harness.write(os.path.join(d, "in.xml"),
                             HEAD % "" + cs + record("CS-1")
                             + "</applications>\n")
        res = run("validate", path)
        self.assertEqual(res.rc, 1)
        self.assertRegex(res.err, r"countersignatory/name has U\+1F600.*"
                         r"\[glyph\]")


class LongestValidFields(unittest.TestCase):
    """A valid record whose organisation name is 1,000 characters made
    the cover sheet's table row taller than a page: the layout looped,
    adding pages, until the machine ran out of memory (22 GB). The row
    now splits between its lines. Run on the release binary under a 2 GB
    address-space limit, so a regression fails instead of eating RAM."""

    def test_cover_sheet_row_taller_than_a_page(self):
        import resource
        self.assertTrue(os.access(RELEASE, os.X_OK))
        d = harness.tempdir(self)
        name = "Ā" * 999 + "."
        path = harness.write(os.path.join(d, "in.xml"), batch_file(
            [record("LONG-1", name=name)], ' batch="B-1"'))
        res = run("validate", path)
        self.assertEqual(res.rc, 0, res.err)

        def limit():
            resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        out = os.path.join(d, "out")
        proc = subprocess.run([RELEASE, "generate", "-q", "-o", out,
                               "--date", "2026-11-23", path],
                              capture_output=True, text=True, timeout=120,
                              preexec_fn=limit)
        self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
        d2 = os.path.join(d, "unzipped")
        subprocess.run(["unzip", "-q", "-d", d2, os.path.join(
            out, "packages", "countersign-B-1.zip")], check=True)
        cover = glob.glob(os.path.join(d2, "*", "cover-sheet.pdf"))[0]
        text = subprocess.run(["pdftotext", cover, "-"], capture_output=True,
                              text=True).stdout
        # Every letter of the name is on the sheet, over several pages.
        self.assertEqual(text.count("Ā"), 999)
        self.assertGreater(text.count("\f"), 2)


class LongFormKind(unittest.TestCase):
    """kind[32] cut form kinds that form.xsd allows up to 64 characters."""

    def test_64_character_kind_is_reported_whole(self):
        d = harness.tempdir(self)
        data = os.path.join(d, "data")
        for sub in ("schema", "forms", "locales", "fonts"):
            shutil.copytree(os.path.join(harness.ROOT, sub),
                            os.path.join(data, sub))
        kind = "declaration-" + "x" * 52
        self.assertEqual(len(kind), 64)
        form = os.path.join(data, "forms", "coordinator-declaration.xml")
        with open(form, encoding="utf-8") as f:
            text = f.read()
        with open(form, "w", encoding="utf-8") as f:
            f.write(text.replace('kind="declaration"', 'kind="%s"' % kind))
        path = harness.write(os.path.join(d, "in.xml"), record(ns=True))
        report = os.path.join(d, "report.json")
        res, out = generate(self, "--report", report, path,
                            env={"PACTDOC_DATADIR": data})
        self.assertEqual(res.returncode, 0, res.stderr[-2000:])
        with open(report, encoding="utf-8") as f:
            docs = json.load(f)["records"][0]["documents"]
        self.assertIn(kind, [doc["kind"] for doc in docs])
        self.assertTrue(os.path.exists(os.path.join(
            out, "T-1", "T-1-%s-lv.pdf" % kind)))


class Inputs(unittest.TestCase):

    def test_malformed_doctype_does_not_leak(self):
        d = harness.tempdir(self)
        path = harness.write(os.path.join(d, "dt.xml"),
                             b'<!DOCTYPE[<!ENTITYa"')
        res = run("validate", path)
        assert_sane(self, res)     # LeakSanitizer reported 12.8 KB here
        self.assertEqual(res.rc, 1)
        self.assertRegex(res.err, r"dt\.xml:1:\d+: error: .*"
                         r"\[not-well-formed\]")

    def test_fifo_in_a_folder_is_an_error_and_never_hangs(self):
        d = harness.tempdir(self)
        shutil.copy(os.path.join(harness.SAMPLES, "02-supporters.xml"),
                    os.path.join(d, "a.xml"))
        fifo = os.path.join(d, "b.xml")
        os.mkfifo(fifo)
        start = time.monotonic()
        res = run("validate", d, timeout=60)
        self.assertLess(time.monotonic() - start, 30)
        assert_sane(self, res)
        self.assertNotEqual(res.rc, 0)
        self.assertIn("pactdoc: %s: error: a FIFO (named pipe), not a record "
                      "file" % fifo, res.err)
        self.assertTrue(res.records(os.path.join(d, "a.xml")))

    def test_symlink_loop_is_named(self):
        d = harness.tempdir(self)
        a, b = os.path.join(d, "a.xml"), os.path.join(d, "b.xml")
        os.symlink(b, a)
        os.symlink(a, b)
        for args in ((a,), (d,)):
            res = run("validate", *args)
            assert_sane(self, res)
            self.assertNotEqual(res.rc, 0)
            self.assertIn("pactdoc: %s: error: too many levels of symbolic "
                          "links" % a, res.err)
            self.assertNotIn("no such file", res.err)

    def test_dangling_link_in_a_folder_is_named(self):
        d = harness.tempdir(self)
        os.symlink(os.path.join(d, "nowhere"), os.path.join(d, "gone.xml"))
        res = run("validate", d)
        self.assertNotEqual(res.rc, 0)
        self.assertIn("gone.xml: error: a symbolic link to nothing", res.err)


def write_blanks(path, before, mib, after):
    chunk = b" \t\r\n" * (256 * 1024)          # 1 MiB
    with open(path, "wb") as f:
        f.write(before)
        for _ in range(mib):
            f.write(chunk)
        f.write(after)


class FlatMemory(unittest.TestCase):
    """A file of blanks cost its size in RSS (1 GiB: 1 GB): libxml2 keeps
    the blanks around the root element in memory. The reader now stops
    any run of blanks past the 10 MB a text may have."""

    RSS_LIMIT_KB = 60 * 1024

    def setUp(self):
        self.assertTrue(os.access(RELEASE, os.X_OK),
                        "%s is not built (make build/pactdoc)" % RELEASE)

    def check(self, path, line, col):
        rc, out, err, rss, secs = measured(RELEASE, "validate", path)
        self.assertEqual(rc, 1, err[-2000:])
        self.assertIn("%s:%d:%d: error: " % (path, line, col), err)
        self.assertIn("[text-size]", err)
        self.assertLess(rss, self.RSS_LIMIT_KB, "peak RSS %d kB" % rss)

    def test_300_mib_of_blanks(self):
        d = harness.tempdir(self)
        path = os.path.join(d, "blanks.xml")
        write_blanks(path, b"", 300, b"")
        self.check(path, 1, 1)

    def test_300_mib_of_blanks_after_the_declaration(self):
        d = harness.tempdir(self)
        path = os.path.join(d, "prolog.xml")
        decl = b'<?xml version="1.0" encoding="UTF-8"?>'
        write_blanks(path, decl, 300,
                     (HEAD % "").split("\n", 1)[1].encode()
                     + b"</applications>\n")
        self.check(path, 1, len(decl) + 1)


class OneDocumentBounded(unittest.TestCase):
    """A 9 MiB offer cost 24 s and 1.86 GB in generate. One offer has at
    most 100,000 characters, a record at most 100 offers and 200,000
    characters of offers: at the limit a document is ~55 pages, made in
    well under a second and under 100 MB."""

    def test_offers_at_the_limit_are_generated_with_bounded_memory(self):
        self.assertTrue(os.access(RELEASE, os.X_OK))
        d = harness.tempdir(self)
        text = offer_text(100000)
        path = harness.write(os.path.join(d, "limit.xml"), record(
            "LIM-1", lang="sv", ns=True,
            offers=[("technical", text), ("financial", text)]))
        out = os.path.join(d, "out")
        rc, stdout, err, rss, secs = measured(
            RELEASE, "generate", "-q", "-j", "1", "-o", out, path)
        self.assertEqual(rc, 0, err[-2000:])
        self.assertLess(rss, 100 * 1024, "peak RSS %d kB" % rss)
        pdf = os.path.join(out, "LIM-1", "LIM-1-declaration-sv.pdf")
        info = subprocess.run(["pdfinfo", pdf], capture_output=True,
                              text=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        self.assertGreater(pages, 40)      # offers still flow over pages

    def test_limits_are_rules_of_both_commands(self):
        d = harness.tempdir(self)
        cases = [
            ("one.xml", [("technical", offer_text(100001))],
             r"one\.xml:\d+:\d+: error: record X-1: support/offer has 100001 "
             r"characters; at most 100000 are allowed \[offer-length\]"),
            ("total.xml", [("technical", offer_text(70000))] * 3,
             r"total\.xml:1:1: error: record X-1: its support offers have "
             r"\d+ characters together; .* at most 200000 \[offers-total\]"),
            ("count.xml", [("other", "x")] * 101,
             r"count\.xml:1:1: error: record X-1: it has 101 support offers; "
             r"a record may have at most 100 \[offers-count\]"),
        ]
        for name, offers, want in cases:
            with self.subTest(name):
                path = harness.write(os.path.join(d, name), record(
                    "X-1", lang="sv", ns=True, offers=offers))
                res = run("validate", path)
                assert_sane(self, res)
                self.assertEqual(res.rc, 1)
                self.assertRegex(res.err, want)
                res, out = generate(self, path)
                self.assertEqual(res.returncode, 1)
                self.assertRegex(res.stderr, want)
                self.assertFalse(os.path.exists(os.path.join(out, "X-1")))

    def test_9_mib_offer_is_refused_quickly(self):
        self.assertTrue(os.access(RELEASE, os.X_OK))
        d = harness.tempdir(self)
        path = harness.write(os.path.join(d, "big.xml"), record(
            "BIG-1", lang="sv", ns=True,
            offers=[("technical", offer_text(9 * 1024 * 1024))]))
        rc, out, err, rss, secs = measured(
            RELEASE, "generate", "-q", "-o", os.path.join(d, "out"), path)
        self.assertEqual(rc, 1, err[-2000:])
        self.assertIn("[offer-length]", err)
        self.assertLess(rss, 300 * 1024, "peak RSS %d kB" % rss)
        self.assertLess(secs, 20)


if __name__ == "__main__":
    unittest.main()
