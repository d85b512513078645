"""Cold start: a run reads only the resources its records need (the
catalogues of their languages, their hyphenation dictionaries), and a
broken resource of a language no record uses costs nothing. What a run
reads is observed with strace; no timing is asserted (timings belong to
`make bench`)."""
import os
import re
import shutil
import subprocess
import unittest

import harness

SAMPLE = os.path.join(harness.SAMPLES, "01-coordinators.xml")


def data_dir(testcase):
    """A copy of the repo's schema, forms, fonts and locales."""
    d = harness.tempdir(testcase)
    for sub in ("schema", "forms", "fonts", "locales"):
        shutil.copytree(os.path.join(harness.ROOT, sub), os.path.join(d, sub))
    return d


def one_record(testcase, record_id):
    """The sample file cut down to one of its <application>s (with its
    <applications> wrapper and countersignatory)."""
    with open(SAMPLE, encoding="utf-8") as f:
        text = f.read()
    apps = re.findall(r"  <application .*?</application>\n", text, re.S)
    keep = [a for a in apps if 'id="%s"' % record_id in a]
    testcase.assertEqual(len(keep), 1, record_id)
    for a in apps:
        if a not in keep:
            text = text.replace(a, "")
    path = os.path.join(harness.tempdir(testcase), "one.xml")
    return harness.write(path, text)


def opened_files(testcase, args, env=None):
    """Runs pactdoc under strace; returns (CompletedProcess, the paths it
    opened)."""
    if shutil.which("strace") is None:
        testcase.fail("strace is not installed (scripts/install-deps.sh)")
    trace = os.path.join(harness.tempdir(testcase), "trace")
    full_env = dict(os.environ)
    full_env.update(env or {})
    # LeakSanitizer cannot run under ptrace; the other tests check leaks.
    full_env["ASAN_OPTIONS"] = "detect_leaks=0:" + full_env.get(
        "ASAN_OPTIONS", "")
    r = subprocess.run(["strace", "-f", "-qq", "-e", "trace=open,openat",
                        "-o", trace, harness.PACTDOC, *args],
                       env=full_env, capture_output=True, text=True,
                       timeout=600)
    with open(trace, encoding="utf-8", errors="replace") as f:
        paths = re.findall(r'open(?:at)?\(.*?"([^"]*)"', f.read())
    return r, paths


class CatalogueTests(unittest.TestCase):
    def test_generate_parses_only_the_catalogues_it_uses(self):
        inp = one_record(self, "LV-COORD-0042")
        out = harness.tempdir(self)
        r, paths = opened_files(self, ["generate", "-q", "-o", out,
                                       "--date", "2026-11-23", inp])
        self.assertEqual(r.returncode, 0, r.stderr)
        xlf = sorted({os.path.basename(p) for p in paths
                      if p.endswith(".xlf")})
        self.assertEqual(xlf, ["en.xlf", "lv.xlf"])

    def test_locales_still_reads_every_catalogue(self):
        r, paths = opened_files(self, ["locales"])
        self.assertEqual(r.returncode, 0, r.stderr)
        xlf = {os.path.basename(p)[:-4] for p in paths if p.endswith(".xlf")}
        self.assertEqual(sorted(xlf), harness.catalogue_languages())

    def test_broken_catalogue_of_an_unused_language_costs_nothing(self):
        d = data_dir(self)
        harness.write(os.path.join(d, "locales", "de.xlf"), "<xliff")
        inp = one_record(self, "LV-COORD-0042")
        out = harness.tempdir(self)
        r = harness.run("generate", "-o", out, "--date", "2026-11-23", inp,
                        env={"PACTDOC_DATADIR": d})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(os.path.join(
            out, "LV-COORD-0042", "LV-COORD-0042-agreement-lv.pdf")))

    def test_broken_catalogue_of_a_used_language_fails_its_records(self):
        d = data_dir(self)
        path = os.path.join(d, "locales", "lv.xlf")
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        at = next(i for i, l in enumerate(lines) if "<segment state=" in l)
        lines[at] = re.sub(r'state="[a-z]+"', 'state="approved"', lines[at])
        harness.write(path, "\n".join(lines))
        out = harness.tempdir(self)
        r = harness.run("generate", "-o", out, "--date", "2026-11-23",
                        SAMPLE, env={"PACTDOC_DATADIR": d})
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("lv.xlf:%d: error:" % (at + 1), r.stderr)
        self.assertIn('"approved"', r.stderr)
        self.assertRegex(r.stdout, r"LV-COORD-0042: failed")
        self.assertRegex(r.stdout, r"SE-NC-0011: generated")
        written = [f for _, _, fs in os.walk(os.path.join(
            out, "LV-COORD-0042")) for f in fs]
        self.assertEqual(written, [], "a broken catalogue's document")
        left = [f for _, _, fs in os.walk(out) for f in fs if ".tmp" in f]
        self.assertEqual(left, [])


if __name__ == "__main__":
    unittest.main()
