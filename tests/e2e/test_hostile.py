"""End-to-end tests of `pactdoc validate` on hostile and broken input: the
corpus in tests/data/hostile/ (one file per attack, annotated with what
must happen), plus inputs made at test time (a live HTTP server that must
never be contacted, huge text, many errors). Every run must end without a
crash or sanitizer report, print FILE:LINE:COL for every problem, keep
reporting the good records of a file, and never echo /etc/passwd."""
import glob
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import unittest

import harness
from test_validate import (HOSTILE, assert_sane, decode_xml, passwd_lines,
                           record_spans, run)

ANY_ERROR = re.compile(r"^.+:\d+:\d+: error: .+$")


DIAG_OR_SUMMARY = re.compile(r"^(.+:\d+:\d+: (error|warning|note): .+"
                             r"|pactdoc: .+)$")


def assert_only_diagnostics(tc, res):
    """stderr holds diagnostics and pactdoc's own lines only: nothing that
    libxml2 (or anything else) printed by itself."""
    for line in res.err.splitlines():
        tc.assertRegex(line, DIAG_OR_SUMMARY, "a stray line on stderr")


def expectations(path):
    """(exit, file_rejected, error_line, spans) read from a corpus file's
    annotations; error_line is the line marked error-here or None."""
    with open(path, "rb") as f:
        data = f.read()
    text = decode_xml(data)
    m = re.search(r"<!-- EXPECT: exit=(\d)( file-rejected)? -->", text)
    if m is None:   # files that cannot carry a comment
        return 1, True, None, []
    error_line = None
    for no, line in enumerate(re.split(r"\r\n|\n", text), 1):
        if "<!-- error-here -->" in line:
            error_line = no
            break
    return int(m.group(1)), bool(m.group(2)), error_line, record_spans(text)


def check_file(tc, res, path, report=None, whole_run=False):
    """Checks one corpus file's part of a run against its annotations."""
    want_exit, file_rejected, error_line, spans = expectations(path)
    if not whole_run:
        tc.assertEqual(res.rc, want_exit, "exit status\n" + res.err[-2000:])
    errors = res.errors(path)
    records = res.records(path)
    # Every error line on stderr that names this file has the full prefix.
    for text in res.err.splitlines():
        if text.startswith(path + ":") and ": error: " in text:
            tc.assertRegex(text, r"^%s:\d+:\d+: error: \S" % re.escape(path))
    if want_exit == 1:
        tc.assertTrue(errors, "no FILE:LINE:COL error for %s:\n%s"
                      % (path, res.err[-2000:]))
    else:
        tc.assertEqual(errors, [], "errors in a valid file")
    for _, line, col, _ in errors:
        tc.assertGreaterEqual(line, 1)
        tc.assertGreaterEqual(col, 1)
    if file_rejected:
        tc.assertEqual([r for r in records if r[2] == "valid"], [],
                       "a record of a file rejected whole was reported valid")
        if error_line is not None:
            tc.assertIn(error_line, [e[1] for e in errors],
                        "the error is not on the bad line %d" % error_line)
    else:
        check_records(tc, path, spans, errors, records)
    if report is not None:
        check_report(tc, path, report, errors, records)


def check_records(tc, path, spans, errors, records):
    for start, end, note in spans:
        if note is None or note == "any":
            continue
        mine = [r for r in records if start <= r[0] <= end]
        errs = [e for e in errors if start <= e[1] <= end]
        where = "%s:%d" % (os.path.basename(path), start)
        if note == "invalid":
            tc.assertNotIn("valid", [r[2] for r in mine],
                           "%s must not be valid" % where)
            continue
        tc.assertEqual(len(mine), 1, "%s: expected one stdout line for the "
                       "record, got %r" % (where, mine))
        status = mine[0][2]
        if note == "valid":
            tc.assertEqual(status, "valid", "%s: %r" % (where, errs))
            tc.assertEqual(errs, [], where)
            continue
        words = note.split()
        tc.assertEqual(words[0], "rejected", where)
        tc.assertEqual(status, "rejected", where)
        tc.assertTrue(errs, "%s: rejected without an error line in the "
                      "record's lines %d-%d" % (where, start, end))
        for word in words[1:]:
            tc.assertTrue(any(re.search(word, e[3], re.I) for e in errs),
                          "%s: no error matches %r: %r" % (where, word, errs))


def check_report(tc, path, report, errors, records):
    recs = [r for r in report["records"] if r["file"] == path]
    tc.assertEqual([(r["line"], r["valid"]) for r in recs],
                   [(line, st == "valid") for line, _, st in records],
                   "report and stdout disagree")
    # stdout may escape or shorten odd ids; plain ones must be the same.
    for r, (_, rid, _) in zip(recs, records):
        if re.fullmatch(r"[A-Za-z0-9._-]{1,64}", rid):
            tc.assertEqual(r["id"], rid)
    diags = [d for r in recs for d in r["diagnostics"]]
    diags += [d for f in report["files"] if f["path"] == path
              for d in f["diagnostics"]]
    tc.assertEqual(sorted((d["line"], d["column"]) for d in diags
                          if d["severity"] == "error"),
                   sorted((e[1], e[2]) for e in errors),
                   "report and stderr disagree on the errors")


def corpus_files():
    return sorted(glob.glob(os.path.join(HOSTILE, "*.xml")))


class HostileCorpus(unittest.TestCase):
    """One test per corpus file (added below), plus whole-corpus runs."""

    def run_one(self, path):
        d = harness.tempdir(self)
        report_path = os.path.join(d, "report.json")
        start = time.monotonic()
        res = run("validate", "--report", report_path, path, timeout=120)
        elapsed = time.monotonic() - start
        assert_sane(self, res, os.path.basename(path))
        assert_only_diagnostics(self, res)
        self.assertLess(elapsed, 60, "took %.1f s" % elapsed)
        with open(report_path, "rb") as f:
            raw = f.read()
        report = json.loads(raw.decode("utf-8"))
        for line in passwd_lines():
            self.assertNotIn(line, res.out + res.err)
            self.assertNotIn(line, raw.decode("utf-8", "replace"))
        check_file(self, res, path, report)

    def test_corpus_is_what_the_generator_writes(self):
        d = harness.tempdir(self)
        subprocess.run([sys.executable, os.path.join(HOSTILE, "make-corpus.py"),
                        d], check=True)
        made = sorted(os.path.relpath(p, d) for p in
                      glob.glob(os.path.join(d, "**", "*.xml"), recursive=True))
        have = sorted(os.path.relpath(p, HOSTILE) for p in
                      glob.glob(os.path.join(HOSTILE, "**", "*.xml"),
                                recursive=True))
        self.assertEqual(made, have)
        for name in made:
            with open(os.path.join(d, name), "rb") as a, \
                    open(os.path.join(HOSTILE, name), "rb") as b:
                self.assertEqual(a.read(), b.read(), name)

    def test_corpus_covers_the_brief(self):
        names = {os.path.basename(p) for p in corpus_files()}
        for name in ("xxe-file.xml", "param-entities.xml", "billion-laughs.xml",
                     "quadratic-blowup.xml", "dtd-remote.xml", "xinclude.xml",
                     "id-slash.xml", "id-dotdot.xml", "id-backslash.xml",
                     "id-space.xml", "id-length.xml", "id-empty.xml",
                     "id-dot-start.xml", "id-dash-start.xml",
                     "duplicate-ids.xml", "invalid-utf8.xml",
                     "overlong-utf8.xml", "utf16le-bom.xml", "utf16be-bom.xml",
                     "utf16le-nobom.xml", "utf16be-nobom.xml", "utf8-bom.xml",
                     "control-u0001.xml", "control-esc.xml",
                     "wrong-namespace.xml", "no-namespace.xml", "truncated.xml",
                     "empty.xml", "whitespace-only.xml", "unknown-role.xml",
                     "unknown-status.xml", "unknown-offer-kind.xml",
                     "category-role.xml", "eligible-no-eligibility.xml",
                     "bad-date.xml", "bad-lang.xml", "bad-country.xml",
                     "address-lines.xml", "non-eligible-no-eligibility.xml",
                     "multi-error.xml"):
            self.assertIn(name, names)
        self.assertEqual(os.path.getsize(os.path.join(HOSTILE, "empty.xml")), 0)

    def test_whole_directory_in_one_run(self):
        """Ids are unique across the corpus, so each file's records get the
        same verdict as in a run of their own; one bad file never stops
        the rest."""
        d = harness.tempdir(self)
        report_path = os.path.join(d, "report.json")
        res = run("validate", "--report", report_path, HOSTILE, timeout=300)
        assert_sane(self, res, "hostile dir")
        assert_only_diagnostics(self, res)
        self.assertEqual(res.rc, 1)
        with open(report_path, encoding="utf-8") as f:
            report = json.load(f)
        for line in passwd_lines():
            self.assertNotIn(line, res.out + res.err)
        for path in corpus_files():
            rel = os.path.join(HOSTILE, os.path.basename(path))
            with self.subTest(file=os.path.basename(path)):
                check_file(self, res, rel, report, whole_run=True)

    def test_duplicate_id_across_two_files(self):
        a = os.path.join(HOSTILE, "dup-across", "a.xml")
        b = os.path.join(HOSTILE, "dup-across", "b.xml")
        res = run("validate", a, b)
        assert_sane(self, res)
        self.assertEqual(res.rc, 1)
        for path in (a, b):
            spans = expectations(path)[3]
            check_records(self, path, spans, res.errors(path),
                          res.records(path))
        self.assertEqual(res.errors(a), [])
        # Each file alone is valid: the duplicate is a property of the run.
        for path in (a, b):
            alone = run("validate", path)
            self.assertEqual(alone.rc, 0, alone.err)
        # In the other order, the record in a.xml is the duplicate.
        rev = run("validate", b, a)
        self.assertEqual(rev.rc, 1)
        self.assertIn((5, "DUP-ACROSS-1", "valid"), rev.records(b))
        self.assertIn((5, "DUP-ACROSS-1", "rejected"), rev.records(a))

    def test_same_file_twice_repeats_every_id(self):
        path = os.path.join(HOSTILE, "utf8-bom.xml")
        res = run("validate", path, path)
        assert_sane(self, res)
        self.assertEqual(res.rc, 1)
        statuses = [r[2] for r in res.records(path)]
        self.assertEqual(statuses, ["valid", "valid", "rejected", "rejected"])


def _add_corpus_tests():
    for path in corpus_files():
        name = re.sub(r"\W", "_", os.path.basename(path)[:-4])

        def test(self, path=path):
            self.run_one(path)
        test.__doc__ = "hostile corpus: %s" % os.path.basename(path)
        setattr(HostileCorpus, "test_file_" + name, test)


_add_corpus_tests()


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits = []

    def do_GET(self):
        _Recorder.hits.append(self.path)
        body = b"root:x:0:0:fetched-from-the-network\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class NoNetwork(unittest.TestCase):
    """References to a live local server are never fetched."""

    def setUp(self):
        _Recorder.hits = []
        self.server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)
        self.thread.start()

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def test_no_fetch_for_dtd_entity_xinclude_or_schema_location(self):
        d = harness.tempdir(self)
        url = "http://127.0.0.1:%d" % self.port
        paths = []
        for name in ("dtd-remote.xml", "dtd-remote-entity.xml", "xinclude.xml",
                     "xsi-schemalocation.xml", "xxe-file.xml"):
            with open(os.path.join(HOSTILE, name), encoding="utf-8") as f:
                text = f.read()
            text = text.replace("http://127.0.0.1:9", url)
            text = text.replace("file:///etc/passwd", url + "/passwd")
            paths.append(harness.write(os.path.join(d, name), text))
        start = time.monotonic()
        res = run("validate", *paths, timeout=120)
        assert_sane(self, res)
        self.assertLess(time.monotonic() - start, 30)
        self.assertEqual(res.rc, 1)
        self.assertEqual(_Recorder.hits, [], "pactdoc fetched a URL")
        self.assertNotIn("fetched-from-the-network", res.out + res.err)


class GeneratedHostile(unittest.TestCase):
    """Hostile inputs too big to commit, made at test time."""

    HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<applications xmlns="urn:eumayors:applications:1">\n')

    def record(self, rid, country="LV", name="Latvijas Pašvaldību savienība"):
        return ('<application id="%s" role="supporter" lang="lv" '
                'status="received">\n'
                "<organisation><name>%s</name><category>association"
                "</category><country>%s</country>\n"
                "<address><line>Mazā Pils iela 1</line><city>Rīga</city>"
                "</address></organisation>\n"
                "<signatory><name>Gints Kaminskis</name><position>Priekšsēdis"
                "</position><email>g.k@example.lv</email></signatory>\n"
                "</application>\n" % (rid, name, country))

    def test_thousands_of_bad_records_are_each_reported(self):
        d = harness.tempdir(self)
        n = 3000
        parts = [self.HEAD]
        for i in range(n):
            if i % 2:
                parts.append(self.record("MANY-%d" % i))
            else:
                parts.append(self.record("MANY-%d" % i, country="XX"))
        parts.append("</applications>\n")
        path = harness.write(os.path.join(d, "many.xml"), "".join(parts))
        res = run("validate", path, timeout=300)
        assert_sane(self, res)
        self.assertEqual(res.rc, 1)
        recs = res.records(path)
        self.assertEqual(len(recs), n)
        self.assertEqual(sum(1 for r in recs if r[2] == "valid"), n // 2)
        errs = res.errors(path)
        self.assertEqual(len(errs), n // 2)
        # Each error is on the bad record's lines (5 lines per record).
        bad_starts = {3 + 5 * i for i in range(0, n, 2)}
        for _, line, _, msg in errs:
            self.assertIn(line - (line - 3) % 5, bad_starts, msg)

    def test_huge_text_node(self):
        d = harness.tempdir(self)
        big = "Ā" * (6 * 1024 * 1024)       # 12 MB of UTF-8 in one name
        path = harness.write(os.path.join(d, "huge.xml"),
                             self.HEAD + self.record("HUGE-1", name=big)
                             + self.record("HUGE-OK-2") + "</applications>\n")
        res = run("validate", path, timeout=300)
        assert_sane(self, res)
        self.assertIn(res.rc, (0, 1))
        self.assertLess(len(res.out) + len(res.err), 100000,
                        "the huge text is echoed")

    def test_huge_attribute_id(self):
        d = harness.tempdir(self)
        path = harness.write(os.path.join(d, "huge-id.xml"),
                             self.HEAD + self.record("A" * 5000000)
                             + self.record("HUGE-ID-OK") + "</applications>\n")
        res = run("validate", path, timeout=300)
        assert_sane(self, res)
        self.assertEqual(res.rc, 1)
        self.assertLess(len(res.out) + len(res.err), 100000,
                        "the 5 MB id is echoed")
        self.assertIn((8, "HUGE-ID-OK", "valid"), res.records(path))

    def test_many_files_in_one_directory(self):
        d = harness.tempdir(self)
        for i in range(300):
            bad = i % 3 == 0
            harness.write(os.path.join(d, "f%04d.xml" % i),
                          self.HEAD + self.record("FILE-%d" % i,
                                                  country="XX" if bad else "LV")
                          + "</applications>\n" if i % 7 else "<broken")
        res = run("validate", d, timeout=300)
        assert_sane(self, res)
        self.assertEqual(res.rc, 1)
        files = {e[0] for e in res.errors()}
        want = {os.path.join(d, "f%04d.xml" % i) for i in range(300)
                if i % 3 == 0 or i % 7 == 0}
        self.assertEqual(files, want)

    def test_file_names_with_control_characters_or_bad_utf8(self):
        """Directory inputs bring file names nobody chose: an ESC sequence,
        a newline that would forge a stdout line, bytes that are not UTF-8.
        Whatever the tool does with them, it never writes them raw."""
        d = harness.tempdir(self)
        with open(os.path.join(HOSTILE, "utf8-bom.xml"), "rb") as f:
            record = f.read()
        for i, name in enumerate((b"esc\x1b[2J.xml",
                                  b"a\nFORGED: valid\nb.xml",
                                  b"latin1-\xe9.xml")):
            data = record.replace(b"UTF8-BOM-OK-", b"NAME-%d-" % i)
            with open(os.path.join(d.encode(), name), "wb") as f:
                f.write(data)
        report = os.path.join(harness.tempdir(self), "report.json")
        res = run("validate", "--report", report, d)
        assert_sane(self, res, "odd file names")
        self.assertNotIn("\nFORGED: valid\n", "\n" + res.out)
        self.assertIn(res.rc, (0, 1))
        with open(report, "rb") as f:
            json.loads(f.read().decode("utf-8"))   # strict UTF-8 JSON

    def test_directory_with_fifo_subdirectory_and_dangling_link(self):
        """A FIFO named *.xml must not hang the run; a subdirectory or a
        dangling link named *.xml must not crash it; the real file is read."""
        d = harness.tempdir(self)
        good = os.path.join(d, "a.xml")
        shutil.copy(os.path.join(HOSTILE, "utf8-bom.xml"), good)
        os.mkfifo(os.path.join(d, "fifo.xml"))
        os.mkdir(os.path.join(d, "sub.xml"))
        os.symlink(os.path.join(d, "nowhere"), os.path.join(d, "dangling.xml"))
        start = time.monotonic()
        res = run("validate", d, timeout=60)
        assert_sane(self, res)
        self.assertLess(time.monotonic() - start, 30)
        self.assertEqual([r[2] for r in res.records(good)], ["valid", "valid"])

    def test_input_is_a_symlink_to_passwd(self):
        d = harness.tempdir(self)
        link = os.path.join(d, "records.xml")
        os.symlink("/etc/passwd", link)
        res = run("validate", d)
        assert_sane(self, res)
        self.assertEqual(res.rc, 1)
        for line in passwd_lines():
            self.assertNotIn(line, res.out + res.err)


TOKENS = [b"<", b">", b"&", b"]]>", b"<![CDATA[", b"\x00", b"\xff", b"\xc3",
          b"\xed\xa0\x80", b'"', b"'", b"<application>", b"</organisation>",
          b"<!--", b"-->", b"<?xml", b"&#0;", b"&#xD800;", b"&amp", b"&lt;",
          b"\r", b"\x1b[2J", b'id="', b' id="X"', b"<!DOCTYPE a>",
          b"xmlns=\"urn:other\"", b"\xef\xbb\xbf", b"\xe2\x80\xae"]


def mutate(data, rng):
    """One random structural or byte-level change of a record file."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(5)
        at = rng.randrange(len(data))
        if kind == 0:                      # flip a byte
            data[at] = rng.randrange(256)
        elif kind == 1:                    # delete a range
            del data[at:at + rng.randint(1, 200)]
        elif kind == 2:                    # duplicate a range
            n = rng.randint(1, 400)
            data[at:at] = data[at:at + n]
        elif kind == 3:                    # insert a hostile token
            data[at:at] = rng.choice(TOKENS)
        else:                              # truncate
            del data[at:]
        if not data:
            break
    return bytes(data)


VALUES = ["", " ", "x" * 5000, "&amp;", "&lt;application&gt;", "\u202e",
          "\U0001d518", "\u0301", "a\u0308", "2026-02-30", "XX", "lv", "-",
          "..", "../x", "lv_LV", "eligible", "network", "technical",
          "\u00a0", "\ufeff", "\u0085", "\u2028", "Ｌ", "0", "-1",
          "9" * 80, "ﷺ", "\t\n", "&#x10FFFF;", "&#160;", "javascript:x"]


def mutate_well_formed(text, rng):
    """One change that keeps the XML well-formed: a text or attribute value
    replaced, or a one-line element deleted or duplicated."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(4)
        # Only inside records: batch-level problems are another matter.
        inside = set()
        for start, end, _ in record_spans("\n".join(lines)):
            inside.update(range(start - 1, end))
        one_line = [i for i, ln in enumerate(lines) if i in inside and
                    re.fullmatch(r"\s*<(\w+)[^<>]*(/>|>[^<>]*</\1>)", ln)]
        if kind == 0:
            cands = [i for i in one_line if "</" in lines[i]]
            if cands:
                i = rng.choice(cands)
                lines[i] = re.sub(r">[^<>]*<", ">%s<" % rng.choice(VALUES),
                                  lines[i], count=1)
        elif kind == 1:
            cands = [i for i, ln in enumerate(lines)
                     if i in inside and re.search(r'\s(?!xmlns)\w+="', ln)]
            i = rng.choice(cands)
            attrs = list(re.finditer(r'\s(?!xmlns)\w+="([^"]*)"', lines[i]))
            m = rng.choice(attrs)
            lines[i] = (lines[i][:m.start(1)]
                        + rng.choice(VALUES).replace('"', "&quot;")
                        + lines[i][m.end(1):])
        elif kind == 2 and one_line:
            del lines[rng.choice(one_line)]
        elif one_line:
            i = rng.choice(one_line)
            lines.insert(i, lines[i])
    return "\n".join(lines)


class Mutants(unittest.TestCase):
    """400 seeded random mutations of the samples in one run: no crash, no
    sanitizer report, and a file with a rejected record has an error."""

    def test_mutated_samples(self):
        import random
        rng = random.Random(20261123)
        d = harness.tempdir(self)
        sources = sorted(glob.glob(os.path.join(harness.SAMPLES, "*.xml")))
        for i in range(400):
            with open(sources[i % len(sources)], "rb") as f:
                data = f.read()
            # Ids unique per mutant, so duplicates come only from mutation.
            data = data.replace(b'id="', b'id="M%03d-' % i)
            with open(os.path.join(d, "m%03d.xml" % i), "wb") as f:
                f.write(mutate(data, rng))
        report_path = os.path.join(harness.tempdir(self), "report.json")
        res = run("validate", "--report", report_path, d, timeout=600)
        assert_sane(self, res, "mutants")
        assert_only_diagnostics(self, res)
        self.assertEqual(res.rc, 1)
        with open(report_path, "rb") as f:
            report = json.loads(f.read().decode("utf-8"))
        self.assertEqual(len(report["inputs"]), 1)
        for i in range(400):
            path = os.path.join(d, "m%03d.xml" % i)
            recs = res.records(path)
            errs = res.errors(path)
            if any(r[2] == "rejected" for r in recs):
                self.assertTrue(errs, "%s: rejected record, no error" % path)
            if not errs:
                self.assertTrue(recs, "%s: no error and no record" % path)

    def test_well_formed_mutants_report_every_record(self):
        """400 well-formed mutants (values replaced, elements deleted or
        repeated): no file is rejected whole, so every <application> gets
        its stdout line, and each rejected one has an error in its lines."""
        import random
        rng = random.Random(11232026)
        d = harness.tempdir(self)
        sources = sorted(glob.glob(os.path.join(harness.SAMPLES, "*.xml")))
        expected = {}
        for i in range(400):
            with open(sources[i % len(sources)], encoding="utf-8") as f:
                text = f.read().replace('id="', 'id="W%03d-' % i)
            text = mutate_well_formed(text, rng)
            path = harness.write(os.path.join(d, "w%03d.xml" % i), text)
            expected[path] = record_spans(text)
        res = run("validate", d, timeout=600)
        assert_sane(self, res, "well-formed mutants")
        assert_only_diagnostics(self, res)
        rejected = 0
        for path, spans in expected.items():
            recs = res.records(path)
            errs = res.errors(path)
            self.assertEqual(len(recs), len(spans),
                             "%s: %r" % (path, errs[:3]))
            for (line, rid, status), (start, end, _) in zip(recs, spans):
                self.assertTrue(start <= line <= end, (path, line, rid))
                mine = [e for e in errs if start <= e[1] <= end]
                if status == "rejected":
                    rejected += 1
                    self.assertTrue(mine, "%s:%d rejected without error"
                                    % (path, line))
                else:
                    self.assertEqual(mine, [], "%s:%d" % (path, line))
        self.assertGreater(rejected, 100, "the mutations reject records")


if __name__ == "__main__":
    unittest.main()
