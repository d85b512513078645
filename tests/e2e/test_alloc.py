"""Allocation failures: pactdoc run with tests/alloc/failmalloc.c preloaded,
so that one chosen allocation fails. Every run must end either exactly as
without the failure, or with exit 1 or 2 and a message saying memory ran
out: no crash, no misleading verdict ("not valid UTF-8", "not a ZIP
archive"), no temporary file left, no file that differs from a normal run.

The release binary is used (PACTDOC_RELEASE, default build/pactdoc):
AddressSanitizer replaces malloc, so the shim cannot work under it.

- Targeted: the first allocation made inside a named library function
  fails (PACTDOC_FAIL_IN), one test per defect found by the sweep.
- Sweep: tests/alloc/sweep.py over every Kth allocation of generate,
  bundle and verify (PACTDOC_ALLOC_STRIDE, default 40; `make torture` runs
  every one), and its leak sweep over every Kth of pactdoc's own allocation
  sites under LeakSanitizer (build/asan-wrap/pactdoc, PACTDOC_LEAK_STRIDE,
  default 6)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import harness

ROOT = harness.ROOT
sys.path.insert(0, os.path.join(ROOT, "tests", "alloc"))
import sweep  # noqa: E402  (the swept input: a few sample records)

RELEASE = os.path.join(ROOT, os.environ.get("PACTDOC_RELEASE", "build/pactdoc"))
SHIM = os.path.join(ROOT, "build", "failmalloc.so")
DATE = "2026-11-23"
STRIDE = int(os.environ.get("PACTDOC_ALLOC_STRIDE", "40"))
LEAK_STRIDE = int(os.environ.get("PACTDOC_LEAK_STRIDE", "6"))
WRAPPED = os.path.join(ROOT, "build", "asan-wrap", "pactdoc")


# The compiled hyphenation dictionaries (hyphcache.c) of these runs: a
# private folder, filled by a first run, so that every run after it makes
# the same allocations whatever the user's own cache holds.
CACHE = tempfile.mkdtemp(prefix="pactdoc-alloc-cache-")


def run(argv, cwd, fail_in=None, fail_in_at=1, extra=None):
    env = dict(os.environ)
    env.update({"LD_PRELOAD": SHIM, "TZ": "UTC", "PACTDOC_DATADIR": ROOT,
                "PACTDOC_CACHE_DIR": CACHE})
    env.pop("PACTDOC_NO_CACHE", None)
    if extra:
        env.update(extra)
    for k in ("PACTDOC_FAIL_AT", "PACTDOC_FAIL_IN", "PACTDOC_FAIL_IN_AT"):
        env.pop(k, None)
    if fail_in:
        env["PACTDOC_FAIL_IN"] = fail_in
        env["PACTDOC_FAIL_IN_AT"] = str(fail_in_at)
    return subprocess.run([RELEASE, *argv], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def tearDownModule():
    shutil.rmtree(CACHE, ignore_errors=True)


def tree(d):
    out = {}
    for top, _, files in os.walk(d):
        for f in files:
            p = os.path.join(top, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = fh.read()
    return out


def generate_argv(samples):
    return ["generate", "-q", "-j", "1", "--date", DATE, "-o", "out",
            "--report", "out/report.json", samples]


class TargetedFailures(unittest.TestCase):
    """Each test makes one library's allocation fail where the sweep found
    a crash, a wrong file or a misleading message."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pactdoc-alloc-test-")
        cls.samples = sweep.sweep_input(cls.tmp)
        warm = os.path.join(cls.tmp, "warm")
        os.makedirs(warm)
        p = run(generate_argv(cls.samples), warm)    # fills CACHE
        assert p.returncode == 0, p.stderr
        ref = os.path.join(cls.tmp, "ref")
        os.makedirs(ref)
        p = run(generate_argv(cls.samples), ref)
        assert p.returncode == 0, p.stderr
        cls.gen_ref = tree(ref)
        cls.gen_out = os.path.join(ref, "out")
        p = run(["bundle", "-q", "--date", DATE, "-o", "arch", cls.gen_out,
                 cls.samples], ref)
        assert p.returncode == 0, p.stderr
        cls.bundle = os.path.join(ref, "arch", "pactdoc-%s.zip" % DATE)
        with open(cls.bundle, "rb") as f:
            cls.bundle_ref = {"arch/pactdoc-%s.zip" % DATE: f.read()}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def fresh(self):
        d = tempfile.mkdtemp(dir=self.tmp)
        return d

    def assert_same_or_clean_oom(self, p, d, ref):
        """Either exactly the normal run's files (the failure was absorbed
        and nothing lost), or a clean out-of-memory failure."""
        if p.returncode == 0:
            self.assertEqual(tree(d), ref)
        else:
            self.assert_clean_oom(p, d, ref)

    def assert_clean_oom(self, p, d, ref):
        """Exit 2 with an out-of-memory message, nothing misleading, no
        temporary, every file left equal to the normal run's."""
        self.assertNotIn("Assertion", p.stderr)
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("out of memory", p.stderr)
        for bad in ("not valid UTF-8", "not a ZIP", "rejected", "truncated",
                    "not listed"):
            self.assertNotIn(bad, p.stderr)
        got = tree(d)
        hidden = [f for f in got if os.path.basename(f).startswith(".")]
        self.assertEqual(hidden, [], "temporaries left")
        for path, data in got.items():
            if path == "out/report.json":
                json.loads(data)   # a report, if any, is whole JSON
                continue
            self.assertIn(path, ref, "unexpected file")
            self.assertEqual(data, ref[path], path + " differs")

    def gen(self, symbol, at=1, extra=None):
        d = self.fresh()
        p = run(generate_argv(self.samples), d, fail_in=symbol,
                fail_in_at=at, extra=extra)
        self.assert_clean_oom(p, d, self.gen_ref)
        return p

    # json-c: an object that could not be made was used (assertion), or
    # the manifest or report was written without the field.
    def test_report_json_object(self):
        self.gen("json_object_new_object")

    def test_manifest_json_object(self):
        # A later object: the 80th of the run is made for a record in
        # the middle of the run, after the first records were reported.
        self.gen("json_object_new_object", at=80)

    # libhyphen: exit(1) "can't allocate", records said rejected, the
    # report's temporary left behind.
    def test_hyphen_dictionary_load(self):
        # without the compiled cache, so that libhyphen reads the .dic
        p = self.gen("hnj_hyphen_load_file",
                     extra={"PACTDOC_NO_CACHE": "1"})
        self.assertIn("libhyphen", p.stderr)

    def test_hyphen_hyphenate(self):
        self.gen("hnj_hyphen_hyphenate2")

    # libxml2: a worker thread's first parse (a catalogue read when a
    # record first needs it) could not make libxml2's per-thread state,
    # and libxml2 dereferenced NULL (a crash).
    def test_libxml2_thread_state(self):
        self.gen("xmlGetGlobalState")

    # ICU: a crash inside udat_open; a date printed unformatted or in
    # English with exit 0.
    def test_icu_date_open(self):
        self.gen("udat_open")

    def test_icu_date_format(self):
        self.gen("udat_format")

    def test_icu_number_format(self):
        self.gen("unum_open")

    # HarfBuzz: a failed allocation gives its empty blob, face or font, or
    # an empty table kept for good: "U+0075 is not in font", or documents
    # shaped without the font's tables or Unicode data and exit 0.
    def test_harfbuzz_font_blob(self):
        self.gen("hb_blob_create")

    def test_harfbuzz_font_tables(self):
        self.gen("hb_font_create", at=2)
        self.gen("hb_font_create", at=3)

    def test_harfbuzz_unicode_functions(self):
        self.gen("hb_unicode_funcs_create")

    def test_harfbuzz_shape_plan(self):
        self.gen("hb_shape_plan_create_cached2")

    def test_harfbuzz_table_while_subsetting(self):
        # A table hb-subset could not read was left out of the embedded
        # font, exit 0 (seen only by the malloc pactdoc defines).
        self.gen("hb_face_reference_table", at=30)

    def test_harfbuzz_subset_plan_then_exit(self):
        # HarfBuzz 6 then freed an invalid pointer when the face was
        # destroyed at exit: a crash after the right messages.
        self.gen("hb_subset_plan_create_or_fail", at=79)

    def test_harfbuzz_subset(self):
        self.gen("hb_subset_or_fail")

    # libc: the report's FILE not made (an empty "pactdoc: " line).
    def test_report_stream(self):
        p = self.gen("fdopen")
        self.assertIn("report.json", p.stderr)

    # libcrypto: "digest failed", or a crash in EVP_MD_fetch after its
    # initialisation failed.
    def test_bundle_digest(self):
        d = self.fresh()
        p = run(["bundle", "-q", "--date", DATE, "-o", "arch", self.gen_out,
                 self.samples], d, fail_in="EVP_MD_fetch")
        self.assert_same_or_clean_oom(p, d, self.bundle_ref)

    # libzip: a failed allocation in zip_open was "not a ZIP archive".
    def test_verify_zip_open(self):
        d = self.fresh()
        p = run(["verify", self.bundle], d, fail_in="zip_open")
        self.assert_clean_oom(p, d, {})
        self.assertEqual(p.stdout, "")


    # libzip/zlib: a tag manifest that could not be read for lack of
    # memory left its entries "not listed in tagmanifest-sha512.txt".
    def test_verify_manifest_read(self):
        d = self.fresh()
        p = run(["verify", self.bundle], d, fail_in="zip_fread",
                fail_in_at=3)
        self.assert_clean_oom(p, d, {})
        self.assertNotIn("not listed", p.stdout)
        self.assertNotIn("intact", p.stdout + p.stderr)


class Sweep(unittest.TestCase):
    def test_every_kth_allocation(self):
        p = subprocess.run(
            [sys.executable, os.path.join(ROOT, "tests", "alloc", "sweep.py"),
             "--binary", RELEASE, "--shim", SHIM, "--stride", str(STRIDE),
             "--jobs", str(os.cpu_count() or 1)],
            capture_output=True, text=True, timeout=1800)
        sys.stdout.write(p.stdout)
        self.assertEqual(p.returncode, 0, p.stdout[-4000:] + p.stderr[-2000:])
        self.assertIn(" 0 defects", p.stdout)

    def test_no_leak_on_every_kth_site(self):
        """pactdoc's own allocation sites fail under LeakSanitizer."""
        p = subprocess.run(
            [sys.executable, os.path.join(ROOT, "tests", "alloc", "sweep.py"),
             "--leaks", "--binary", WRAPPED, "--stride", str(LEAK_STRIDE),
             "--jobs", str(os.cpu_count() or 1)],
            capture_output=True, text=True, timeout=1800)
        sys.stdout.write(p.stdout[-600:])
        self.assertEqual(p.returncode, 0, p.stdout[-4000:] + p.stderr[-2000:])
        self.assertIn(" 0 defects", p.stdout)


if __name__ == "__main__":
    unittest.main()
