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
    # the last setting wins: after tests/run.sh's detect_leaks=1
    full_env["ASAN_OPTIONS"] = full_env.get("ASAN_OPTIONS",
                                            "") + ":detect_leaks=0"
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


def tree(path):
    """{relative path: bytes} of every file under path."""
    out = {}
    for dirpath, _, files in os.walk(path):
        for f in files:
            full = os.path.join(dirpath, f)
            with open(full, "rb") as fh:
                out[os.path.relpath(full, path)] = fh.read()
    return out


class HyphenationCacheTests(unittest.TestCase):
    """The compiled hyphenation dictionaries (src/resources/hyphcache.c)."""

    def generate(self, inp, cache, extra_env=None):
        out = harness.tempdir(self)
        env = {"PACTDOC_CACHE_DIR": cache}
        env.update(extra_env or {})
        r = harness.run("generate", "-q", "-o", out, "--date", "2026-11-23",
                        inp, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        return tree(out)

    def test_cache_is_written_once_then_read(self):
        inp = one_record(self, "LV-COORD-0042")
        cache = harness.tempdir(self)
        first = self.generate(inp, cache)
        entry = os.path.join(cache, "hyph", "hyph_lv_LV.bin")
        self.assertTrue(os.path.isfile(entry), os.listdir(cache))
        stamp = os.stat(entry).st_mtime_ns
        out = harness.tempdir(self)
        r, paths = opened_files(self, ["generate", "-q", "-o", out, "--date",
                                       "2026-11-23", inp],
                                env={"PACTDOC_CACHE_DIR": cache})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(entry, paths)
        self.assertEqual(os.stat(entry).st_mtime_ns, stamp,
                         "a good cache entry was rewritten")
        self.assertEqual(tree(out), first)

    def test_documents_identical_with_and_without_the_cache(self):
        inp = one_record(self, "LV-COORD-0042")
        cache = harness.tempdir(self)
        uncached = self.generate(inp, cache, {"PACTDOC_NO_CACHE": "1"})
        self.assertEqual(os.listdir(cache), [], "PACTDOC_NO_CACHE=1 wrote")
        cold = self.generate(inp, cache)
        warm = self.generate(inp, cache)
        self.assertEqual(sorted(uncached), sorted(warm))
        for name in uncached:
            self.assertEqual(uncached[name], cold[name], name)
            self.assertEqual(uncached[name], warm[name], name)

    def test_damaged_or_foreign_entries_are_ignored(self):
        inp = one_record(self, "LV-COORD-0042")
        cache = harness.tempdir(self)
        good = self.generate(inp, cache)
        entry = os.path.join(cache, "hyph", "hyph_lv_LV.bin")
        with open(entry, "rb") as f:
            data = bytearray(f.read())
        damaged = bytearray(data)
        for at in range(200, len(damaged), 997):
            damaged[at] ^= 0x5A
        cases = {
            "damaged": bytes(damaged),
            "truncated": bytes(data[:len(data) // 2]),
            "empty": b"",
        }
        # Another dictionary's entry under lv's name: its source digest
        # is not hyph_lv_LV.dic's.
        other = harness.tempdir(self)
        sv = os.path.join(harness.tempdir(self), "sv.xml")
        with open(inp, encoding="utf-8") as f:
            harness.write(sv, f.read().replace('lang="lv"', 'lang="sv"'))
        self.generate(sv, other)
        with open(os.path.join(other, "hyph", "hyph_sv_SE.bin"), "rb") as f:
            cases["foreign"] = f.read()
        for what, content in cases.items():
            with open(entry, "wb") as f:
                f.write(content)
            self.assertEqual(self.generate(inp, cache), good, what)
            with open(entry, "rb") as f:
                self.assertEqual(f.read(), bytes(data),
                                 what + ": entry not rewritten")

    def test_unwritable_cache_is_skipped(self):
        inp = one_record(self, "LV-COORD-0042")
        cache = harness.tempdir(self)
        good = self.generate(inp, cache, {"PACTDOC_NO_CACHE": "1"})
        blocker = os.path.join(cache, "file")
        harness.write(blocker, "not a folder")
        self.assertEqual(self.generate(inp, blocker), good)


if __name__ == "__main__":
    unittest.main()
