"""End-to-end tests of `pactdoc validate` on the sample records: exit codes,
the FILE:LINE:COL diagnostics, stdout's one line per record, directory
inputs in sorted order, the JSON run report, --help/--version and usage
errors. Also holds the helpers that test_hostile.py and test_bulk.py use."""
import glob
import json
import os
import re
import subprocess
import unittest

import harness

SAMPLES = harness.SAMPLES
HOSTILE = os.path.join(harness.ROOT, "tests", "data", "hostile")

ERROR_RE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): "
                      r"error: (?P<msg>.*)$")
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:",
                   "UndefinedBehaviorSanitizer", "Segmentation fault",
                   "core dumped")
# C0 and C1 controls other than tab and newline: never written raw.
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class Result:
    """What one run printed: rc, stdout and stderr decoded (invalid UTF-8
    replaced, and remembered in .bad_utf8)."""

    def __init__(self, proc):
        self.rc = proc.returncode
        self.out_bytes = proc.stdout
        self.err_bytes = proc.stderr
        self.bad_utf8 = False
        self.out = self._decode(proc.stdout)
        self.err = self._decode(proc.stderr)

    def _decode(self, data):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            self.bad_utf8 = True
            return data.decode("utf-8", "replace")

    def errors(self, path=None):
        """[(file, line, col, msg)] of the error lines, for path if given."""
        found = []
        for text in self.err.splitlines():
            m = ERROR_RE.match(text)
            if m and (path is None or m.group("file") == path):
                found.append((m.group("file"), int(m.group("line")),
                              int(m.group("col")), m.group("msg")))
        return found

    def records(self, path):
        """[(line, id, status)] of stdout's record lines for path."""
        found = []
        prefix = path + ":"
        for text in self.out.splitlines():
            if not text.startswith(prefix):
                continue
            m = re.match(r"^(\d+): (.*): (valid|rejected)$", text[len(prefix):])
            if m:
                found.append((int(m.group(1)), m.group(2), m.group(3)))
        return found


def run(*args, timeout=600, env=None):
    """Runs pactdoc and returns a Result (bytes-safe, unlike harness.run)."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    proc = subprocess.run([harness.PACTDOC, *args], capture_output=True,
                          timeout=timeout, env=full_env)
    return Result(proc)


def assert_sane(tc, res, what=""):
    """No crash, no sanitizer report, no raw control characters, valid
    UTF-8, and an exit status the contract allows."""
    for mark in SANITIZER_MARKS:
        tc.assertNotIn(mark, res.err, "%s: sanitizer or crash:\n%s"
                       % (what, res.err[-3000:]))
    tc.assertIn(res.rc, (0, 1, 2), "%s: exit %d (signal?)\n%s"
                % (what, res.rc, res.err[-2000:]))
    tc.assertFalse(res.bad_utf8, "%s: output is not valid UTF-8" % what)
    for name, text in (("stdout", res.out), ("stderr", res.err)):
        m = CONTROL_RE.search(text)
        tc.assertIsNone(m, "%s: raw control character %r in %s: %r"
                        % (what, m and m.group(0), name,
                           m and text[max(0, m.start() - 60):m.end() + 20]))


def passwd_lines():
    """Lines of /etc/passwd that must never be echoed (long enough to be
    unambiguous), plus the classic first entry."""
    lines = {"root:x:0:0"}
    try:
        with open("/etc/passwd", encoding="utf-8", errors="replace") as f:
            lines.update(ln.strip() for ln in f if len(ln.strip()) >= 12)
    except OSError:
        pass
    return lines


def decode_xml(data):
    """Decodes a record file's bytes the way an XML parser would guess."""
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le", "replace")
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", "replace")
    if data.startswith(b"<\x00"):
        return data.decode("utf-16-le", "replace")
    if data.startswith(b"\x00<"):
        return data.decode("utf-16-be", "replace")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", "replace")


def record_spans(text):
    """[(start, end, annotation)] line spans (1-based, inclusive) of each
    <application> element; annotation is the text of an `expect:` comment
    on the start line, or None."""
    spans = []
    lines = re.split(r"\r\n|\n", text)
    start = None
    note = None
    for no, line in enumerate(lines, 1):
        if re.search(r"<application[\s>]", line):
            start = no
            m = re.search(r"<!-- expect: (.*?) -->", line)
            note = m.group(1) if m else None
        if start is not None and "</application>" in line:
            spans.append((start, no, note))
            start = None
    return spans


def ids_in(path):
    with open(path, encoding="utf-8") as f:
        return re.findall(r'<application[^>]*?\sid="([^"]*)"', f.read())


class ValidateSamples(unittest.TestCase):
    """The shipped samples are valid, and are reported as such."""

    def sample_files(self):
        files = sorted(glob.glob(os.path.join(SAMPLES, "*.xml")))
        self.assertGreaterEqual(len(files), 4)
        return files

    def test_samples_are_valid_one_line_per_record(self):
        files = self.sample_files()
        res = run("validate", *files)
        assert_sane(self, res, "samples")
        self.assertEqual(res.rc, 0, res.err)
        self.assertEqual(res.errors(), [])
        for path in files:
            with open(path, encoding="utf-8") as f:
                spans = record_spans(f.read())
            got = res.records(path)
            self.assertEqual([r[1] for r in got], ids_in(path), path)
            self.assertEqual(len(got), len(spans))
            for (line, rid, status), (start, end, _) in zip(got, spans):
                self.assertEqual(status, "valid", rid)
                self.assertTrue(start <= line <= end,
                                "%s: %s reported at line %d, record is at "
                                "%d-%d" % (path, rid, line, start, end))

    def test_samples_cover_the_contract(self):
        """Guards the corpus itself: roles, languages, scripts, statuses."""
        text = ""
        for path in self.sample_files():
            with open(path, encoding="utf-8") as f:
                text += f.read()
        def has(rx, what):
            self.assertTrue(re.search(rx, text), "samples lack %s" % what)
        for role in ("coordinator", "national-coordinator", "supporter",
                     "associated-partner"):
            has(r'role="%s" lang="[^"]+" status="eligible"' % role, role)
        # The five document kinds in each of the five complete languages.
        for lang in ("lv", "sv", "bg", "ky", "en"):
            for role in ("(national-)?coordinator", "supporter",
                         "associated-partner"):
                has(r'role="%s" lang="%s" status="eligible"' % (role, lang),
                    "an eligible %s in %s" % (role, lang))
        for status in ("received", "rejected", "withdrawn"):
            self.assertIn('status="%s"' % status, text)
        for script, rx in (("Greek", "[\u0370-\u03ff]"),
                           ("Georgian", "[\u10d0-\u10ff]"),
                           ("Armenian", "[\u0530-\u058f]"),
                           ("Arabic", "[\u0600-\u06ff]"),
                           ("Hebrew", "[\u0590-\u05ff]"),
                           ("Serbian Cyrillic", "[ђћџљњЂЋЏЉЊ]"),
                           ("Ukrainian", "[їєґЇЄҐ]")):
            has(rx, script)
        for tag in ("sr-Latn-RS", "pt-BR", "de"):
            self.assertIn('lang="%s"' % tag, text)
        has(r"<countersignatory>", "a countersignatory")
        has(r"<application xmlns=", "a file with an <application> root")
        longest = max(len(m) for m in re.findall(r"<offer[^>]*>(.*?)</offer>",
                                                 text, re.S) or [""])
        self.assertGreater(longest, 0)
        offers = re.findall(r'<application[^>]*id="([^"]+)"(.*?)</application>',
                            text, re.S)
        biggest = max(sum(len(o) for o in re.findall(
            r"<offer[^>]*>(.*?)</offer>", body, re.S)) for _, body in offers)
        self.assertGreater(biggest, 10000, "a record with a ~3-page offer")

    def test_directory_input_is_the_same_as_its_files_sorted(self):
        res = run("validate", SAMPLES)
        assert_sane(self, res, "samples dir")
        self.assertEqual(res.rc, 0, res.err)
        files = [m.split(":")[0] for m in res.out.splitlines()]
        order = []
        for f in files:
            if not order or order[-1] != f:
                order.append(f)
        self.assertEqual([os.path.basename(f) for f in order],
                         sorted(os.path.basename(f) for f in glob.glob(
                             os.path.join(SAMPLES, "*.xml"))))
        total = sum(len(ids_in(p)) for p in glob.glob(
            os.path.join(SAMPLES, "*.xml")))
        self.assertEqual(len(res.out.splitlines()), total)


def sample_record(rid, country="LV", extra=""):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<application xmlns="urn:eumayors:applications:1" id="%s" '
            'role="supporter" lang="lv" status="received"%s>\n'
            "  <organisation><name>Latvijas Pašvaldību savienība</name>"
            "<category>association</category><country>%s</country>\n"
            "    <address><line>Mazā Pils iela 1</line><city>Rīga</city>"
            "</address></organisation>\n"
            "  <signatory><name>Gints Kaminskis</name><position>Priekšsēdis"
            "</position><email>g.k@example.lv</email></signatory>\n"
            "</application>\n" % (rid, extra, country))


class ValidateInputs(unittest.TestCase):
    """How INPUTs are found and ordered, and what errors they give."""

    def test_directory_is_read_in_sorted_order_xml_only(self):
        d = harness.tempdir(self)
        names = ["b.xml", "10.xml", "a.xml", "9.xml", "a-b.xml", "a_b.xml"]
        for i, name in enumerate(names):
            harness.write(os.path.join(d, name),
                          sample_record("SORT-%d" % i))
        # Not *.xml: must be ignored (each would be rejected if read).
        harness.write(os.path.join(d, "notes.txt"), "not xml at all")
        harness.write(os.path.join(d, "b.xml.bak"), "not xml at all")
        harness.write(os.path.join(d, "xml"), "not xml at all")
        res = run("validate", d)
        assert_sane(self, res, "sorted dir")
        self.assertEqual(res.rc, 0, res.err)
        seen = [os.path.basename(line.split(":")[0])
                for line in res.out.splitlines()]
        self.assertEqual(seen, sorted(names, key=lambda s: s.encode()))

    def test_inputs_keep_command_line_order(self):
        d = harness.tempdir(self)
        a = harness.write(os.path.join(d, "a.xml"), sample_record("ORDER-A"))
        b = harness.write(os.path.join(d, "b.xml"), sample_record("ORDER-B"))
        res = run("validate", b, a)
        self.assertEqual(res.rc, 0, res.err)
        self.assertEqual([r[1] for r in res.records(b) + res.records(a)],
                         ["ORDER-B", "ORDER-A"])
        self.assertTrue(res.out.startswith(b + ":"))

    def test_error_line_names_file_line_column_id_and_rule(self):
        d = harness.tempdir(self)
        path = harness.write(os.path.join(d, "in.xml"),
                             sample_record("LV-BAD-COUNTRY", country="XX"))
        res = run("validate", path)
        assert_sane(self, res)
        self.assertEqual(res.rc, 1)
        errs = res.errors(path)
        self.assertEqual(len(errs), 1, res.err)
        _, line, col, msg = errs[0]
        self.assertIn(line, (2, 3), "the record or its <country> line")
        self.assertGreaterEqual(col, 1)
        self.assertIn("LV-BAD-COUNTRY", msg)
        self.assertRegex(msg, r"(?i)country")
        self.assertEqual(res.records(path), [(2, "LV-BAD-COUNTRY", "rejected")])

    def test_second_countersignatory_after_a_bad_one(self):
        """A <countersignatory> with an error, then one with positions:
        the second was read into the first's position array (a heap
        overflow the reader's fuzzer found); now each is read anew and
        the file is rejected with messages, never a crash."""
        d = harness.tempdir(self)
        path = harness.write(os.path.join(d, "in.xml"), """<?xml version="1.0" encoding="UTF-8"?>
<applications xmlns="urn:eumayors:applications:1" batch="B-1">
  <countersignatory>
    <position>Head of Unit</position>
    <position xml:lang="fr">Chef d'unite</position>
  </countersignatory>
  <countersignatory>
    <name>Elena Moretti</name>
    <position>Head of Unit</position>
  </countersignatory>
</applications>
""")
        for cmd in ("validate", "generate"):
            args = [cmd, path] if cmd == "validate" else \
                [cmd, "-o", os.path.join(d, "out"), path]
            res = run(*args)
            assert_sane(self, res, cmd)
            self.assertIn(res.rc, (1, 2), res.err)
            self.assertIn("countersignatory", res.err)

    def test_nonexistent_input_is_a_system_error(self):
        d = harness.tempdir(self)
        missing = os.path.join(d, "no-such-file.xml")
        res = run("validate", missing)
        assert_sane(self, res)
        self.assertEqual(res.rc, 2, res.err)
        self.assertIn("no-such-file.xml", res.err)

    def test_nonexistent_input_among_good_ones_is_still_exit_2(self):
        d = harness.tempdir(self)
        good = harness.write(os.path.join(d, "good.xml"),
                             sample_record("EXISTS-1"))
        res = run("validate", good, os.path.join(d, "missing.xml"))
        assert_sane(self, res)
        self.assertEqual(res.rc, 2, res.err)

    def test_passwd_itself_as_input_is_not_echoed(self):
        res = run("validate", "/etc/passwd")
        assert_sane(self, res)
        self.assertEqual(res.rc, 1, res.err)
        self.assertRegex(res.err, r"(?m)^/etc/passwd:\d+:\d+: error: ")
        for line in passwd_lines():
            self.assertNotIn(line, res.out + res.err)

    def test_directory_without_xml_files(self):
        d = harness.tempdir(self)
        harness.write(os.path.join(d, "readme.txt"), "nothing here")
        res = run("validate", d)
        assert_sane(self, res)
        self.assertIn(res.rc, (0, 2))
        self.assertEqual(res.out, "")


class ValidateReport(unittest.TestCase):
    """--report FILE: JSON listing every record with its diagnostics."""

    def run_report(self, *inputs):
        d = harness.tempdir(self)
        report = os.path.join(d, "report.json")
        res = run("validate", "--report", report, *inputs)
        assert_sane(self, res, "report run")
        with open(report, encoding="utf-8") as f:
            return res, json.load(f)

    def test_report_on_samples(self):
        files = sorted(glob.glob(os.path.join(SAMPLES, "*.xml")))
        res, rep = self.run_report(*files)
        self.assertEqual(res.rc, 0)
        self.assertEqual(rep["tool"], "pactdoc")
        version = run("--version").out
        self.assertIn(str(rep["version"]), version)
        self.assertEqual(rep["inputs"], files)
        want = []
        for p in files:
            want += [(p, i) for i in ids_in(p)]
        got = [(r["file"], r["id"]) for r in rep["records"]]
        self.assertEqual(got, want)
        by_id = {r["id"]: r for r in rep["records"]}
        r = by_id["LV-COORD-0042"]
        self.assertEqual((r["role"], r["lang"], r["status"], r["valid"]),
                         ("coordinator", "lv", "eligible", True))
        self.assertEqual(r["line"], 13)
        self.assertEqual(r["diagnostics"], [])
        self.assertEqual(by_id["RS-SUP-0002"]["lang"], "sr-Cyrl-RS")
        self.assertEqual(by_id["FI-SUP-0002"]["status"], "withdrawn")
        self.assertEqual(by_id["SE-COORD-0107"]["role"], "coordinator")
        for r in rep["records"]:
            self.assertIs(r["valid"], True)

    def test_report_matches_stderr_on_mixed_inputs(self):
        mixed = os.path.join(HOSTILE, "multi-error.xml")
        broken = os.path.join(HOSTILE, "truncated.xml")
        good = os.path.join(SAMPLES, "02-supporters.xml")
        res, rep = self.run_report(good, mixed, broken)
        self.assertEqual(res.rc, 1)
        self.assertEqual(rep["inputs"], [good, mixed, broken])
        # Every stdout record is in the report with the same verdict.
        out = [(p, line, rid, st == "valid") for p in (good, mixed, broken)
               for line, rid, st in res.records(p)]
        rep_recs = [(r["file"], r["line"], r["id"], r["valid"])
                    for r in rep["records"]]
        self.assertEqual(rep_recs, out)
        # Every stderr error is one diagnostic in the report, and back.
        diags = []
        for r in rep["records"]:
            for dg in r["diagnostics"]:
                diags.append(dg)
                self.assertFalse(r["valid"])
        for fl in rep["files"]:
            for dg in fl["diagnostics"]:
                diags.append(dg)
                self.assertEqual(dg["file"], fl["path"])
        for dg in diags:
            for key in ("file", "line", "column", "rule", "message",
                        "severity"):
                self.assertIn(key, dg)
            self.assertIsInstance(dg["line"], int)
            self.assertIsInstance(dg["column"], int)
            self.assertTrue(dg["rule"])
        rep_errs = sorted((dg["file"], dg["line"], dg["column"])
                          for dg in diags if dg["severity"] == "error")
        err_errs = sorted((f, ln, c) for f, ln, c, _ in res.errors())
        self.assertEqual(rep_errs, err_errs)
        # The whole-file rejection of truncated.xml is in "files".
        self.assertTrue(any(fl["path"] == broken and fl["diagnostics"]
                            for fl in rep["files"]))
        # MULTI-BAD-1 carries three diagnostics with three rules.
        multi = [r for r in rep["records"] if r["id"] == "MULTI-BAD-1"][0]
        self.assertGreaterEqual(len({dg["rule"] for dg in multi["diagnostics"]}), 3)

    def test_report_directory_is_created(self):
        d = harness.tempdir(self)
        report = os.path.join(d, "runs", "2026-11-23", "report.json")
        res = run("validate", "-q", "--report", report,
                  os.path.join(SAMPLES, "02-supporters.xml"))
        assert_sane(self, res)
        self.assertEqual(res.rc, 0, res.err)
        with open(report, encoding="utf-8") as f:
            self.assertEqual(len(json.load(f)["records"]), 10)

    def test_report_to_unwritable_place_is_a_system_error(self):
        d = harness.tempdir(self)
        blocker = harness.write(os.path.join(d, "a-file"), "not a directory")
        res = run("validate", "--report", os.path.join(blocker, "r.json"),
                  os.path.join(SAMPLES, "02-supporters.xml"))
        assert_sane(self, res)
        self.assertEqual(res.rc, 2, res.err)


class ValidateCommandLine(unittest.TestCase):
    """--help, --version, -q and usage errors."""

    def test_help(self):
        res = run("--help")
        assert_sane(self, res)
        self.assertEqual(res.rc, 0)
        self.assertIn("validate", res.out)
        self.assertIn("--report", res.out)
        self.assertRegex(res.out, r"(?i)usage")

    def test_version(self):
        res = run("--version")
        assert_sane(self, res)
        self.assertEqual(res.rc, 0)
        self.assertRegex(res.out, r"^pactdoc \d+\.\d+\.\d+")

    def test_usage_errors_exit_2(self):
        sample = os.path.join(SAMPLES, "02-supporters.xml")
        for args in ([], ["validate"], ["frobnicate", sample],
                     ["validate", "--no-such-option", sample],
                     ["validate", "--report"]):
            with self.subTest(args=args):
                res = run(*args)
                assert_sane(self, res, " ".join(args))
                self.assertEqual(res.rc, 2, res.err)
                self.assertNotEqual(res.err.strip(), "")
                self.assertNotIn(": valid", res.out)

    def test_quiet_prints_no_summary(self):
        sample = os.path.join(SAMPLES, "02-supporters.xml")
        loud = run("validate", sample)
        quiet = run("validate", "-q", sample)
        self.assertEqual(loud.rc, 0)
        self.assertEqual(quiet.rc, 0)
        self.assertNotEqual(loud.err.strip(), "", "a summary without -q")
        self.assertEqual(quiet.err.strip(), "")
        self.assertEqual(loud.out, quiet.out)


if __name__ == "__main__":
    unittest.main()
