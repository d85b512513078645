"""End-to-end tests of `pactdoc bundle`: the ZIP is a valid BagIt bag by
this file's own RFC 8493 checker (written from the RFC, sharing no code
with pactdoc), every ZIP reader accepts it, it is byte-identical across
runs, and a second bundle for a date never overwrites the first."""
import hashlib
import os
import re
import subprocess
import tempfile
import unittest
import zipfile

import harness

DATE = "2026-11-23"


def datadir_env(testcase):
    """pactdoc refuses to start without its data directory; until the
    repository ships schema/, point it at a stand-in."""
    if os.path.exists(os.path.join(harness.ROOT, "schema", "records.xsd")):
        return {}
    t = tempfile.TemporaryDirectory(prefix="pactdoc-test-")
    if isinstance(testcase, type):
        testcase.addClassCleanup(t.cleanup)
    else:
        testcase.addCleanup(t.cleanup)
    d = t.name
    harness.write(os.path.join(d, "schema", "records.xsd"), "")
    return {"PACTDOC_DATADIR": d}


def run(testcase, *args, env=None):
    full = datadir_env(testcase)
    full.update(env or {})
    return harness.run(*args, env=full)


def make_tree(root):
    """A generate-like output tree, a records folder and clutter that must
    stay out of the bag. Returns (outdir, recdir)."""
    out = os.path.join(root, "out")
    rec = os.path.join(root, "records")
    harness.write(os.path.join(out, "LV-1", "LV-1-agreement-lv.pdf"),
                  b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    harness.write(os.path.join(out, "LV-1", "LV-1-declaration-lv.pdf"),
                  b"%PDF-1.7\nLV-1 declaration\n%%EOF\n")
    harness.write(os.path.join(out, "SE-2", "SE-2-declaration-sv.pdf"),
                  b"%PDF-1.7\nSE-2 \xc3\xa5\xc3\xa4\n%%EOF\n")
    harness.write(os.path.join(out, "SE-2", "100% sure.pdf"),
                  b"%PDF-1.7\npercent\n%%EOF\n")
    harness.write(os.path.join(out, "Ūdens", "Ūdens-declaration-lv.pdf"),
                  b"%PDF-1.7\nnon-ASCII folder\n%%EOF\n")
    harness.write(os.path.join(out, "report.json"), '{"version": "x"}\n')
    harness.write(os.path.join(out, "packages", "LV-1.zip"), b"PK-ish")
    harness.write(os.path.join(out, "notes.txt"), "not bagged\n")
    harness.write(os.path.join(out, ".hidden.pdf"), b"hidden")
    harness.write(os.path.join(rec, "batch-a.xml"), "<applications/>\n")
    harness.write(os.path.join(rec, "empty.xml"), "")
    return out, rec


# ---- an RFC 8493 checker, independent of pactdoc -------------------------

ALGS = {"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}


def _decode(path):
    return re.sub(r"%0[dD]|%0[aA]|%25",
                  lambda m: {"%0d": "\r", "%0a": "\n", "%25": "%"}[
                      m.group(0).lower()], path)


def _digest(alg, path):
    h = hashlib.new(alg)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(65536), b""):
            h.update(chunk)
    return h.hexdigest()


def _read_manifest(bag, name, problems):
    """Returns {decoded path: digest} of one manifest, noting bad lines."""
    alg = re.match(r"(?:tag)?manifest-(\w+)\.txt$", name).group(1)
    listed = {}
    with open(os.path.join(bag, name), "rb") as f:
        text = f.read().decode("utf-8")
    for n, line in enumerate(text.split("\n")[:-1], 1):
        m = re.fullmatch(r"([0-9a-fA-F]+)[ \t]+(\S.*)", line)
        if not m or len(m.group(1)) != ALGS.get(alg, -1):
            problems.append("%s:%d: bad manifest line %r" % (name, n, line))
            continue
        path = _decode(m.group(2))
        if path in listed:
            problems.append("%s lists %s twice" % (name, path))
        if path.startswith("/") or ".." in path.split("/"):
            problems.append("%s: unsafe path %s" % (name, path))
        listed[path] = m.group(1).lower()
    if not text.endswith("\n") and text:
        problems.append("%s: last line not terminated" % name)
    return alg, listed


def check_bag(bag):
    """Checks an unpacked bag directory against RFC 8493; returns the list
    of problems (empty when the bag is valid)."""
    problems = []
    bagit = os.path.join(bag, "bagit.txt")
    if not os.path.isfile(bagit):
        return ["no bagit.txt"], {}
    with open(bagit, "rb") as f:
        raw = f.read()
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append("bagit.txt has a BOM")
    lines = raw.decode("utf-8").split("\n")
    if lines[:2] != ["BagIt-Version: 1.0",
                     "Tag-File-Character-Encoding: UTF-8"] or \
            lines[2:] != [""]:
        problems.append("bagit.txt is %r" % raw)
    if not os.path.isdir(os.path.join(bag, "data")):
        problems.append("no data/ directory")
    tops = sorted(os.listdir(bag))
    manifests = [n for n in tops if re.fullmatch(r"manifest-\w+\.txt", n)]
    tagmanifests = [n for n in tops
                    if re.fullmatch(r"tagmanifest-\w+\.txt", n)]
    if not manifests:
        problems.append("no payload manifest")
    payload = []
    for dirpath, dirnames, filenames in os.walk(os.path.join(bag, "data")):
        for fn in filenames:
            full = os.path.join(dirpath, fn)
            payload.append(os.path.relpath(full, bag).replace(os.sep, "/"))
    for name in manifests:
        alg, listed = _read_manifest(bag, name, problems)
        for path, digest in listed.items():
            if not path.startswith("data/"):
                problems.append("%s lists %s outside data/" % (name, path))
            full = os.path.join(bag, path)
            if not os.path.isfile(full):
                problems.append("%s lists missing %s" % (name, path))
            elif _digest(alg, full) != digest:
                problems.append("%s: wrong digest for %s" % (name, path))
        for path in payload:
            if path not in listed:
                problems.append("%s does not list %s" % (name, path))
    # bag-info.txt: "Label: value" lines, continuation lines indented.
    info = {}
    info_path = os.path.join(bag, "bag-info.txt")
    if os.path.isfile(info_path):
        with open(info_path, encoding="utf-8") as f:
            for line in f.read().split("\n")[:-1]:
                if line[:1] in (" ", "\t") and info:
                    continue
                m = re.fullmatch(r"([^:\s][^:]*):\s(.*)", line)
                if not m:
                    problems.append("bag-info.txt: bad line %r" % line)
                    continue
                info.setdefault(m.group(1), []).append(m.group(2))
        oxum = info.get("Payload-Oxum", [None])[0]
        if oxum is not None:
            m = re.fullmatch(r"(\d+)\.(\d+)", oxum)
            size = sum(os.path.getsize(os.path.join(bag, p))
                       for p in payload)
            if not m or (int(m.group(1)), int(m.group(2))) != \
                    (size, len(payload)):
                problems.append("Payload-Oxum %s, payload is %d.%d"
                                % (oxum, size, len(payload)))
    tagfiles = [n for n in tops
                if n != "data" and not n.startswith("tagmanifest-")]
    for name in tagmanifests:
        alg, listed = _read_manifest(bag, name, problems)
        for path, digest in listed.items():
            full = os.path.join(bag, path)
            if path.startswith("data/"):
                problems.append("%s lists payload %s" % (name, path))
            elif not os.path.isfile(full):
                problems.append("%s lists missing %s" % (name, path))
            elif _digest(alg, full) != digest:
                problems.append("%s: wrong digest for %s" % (name, path))
        for path in tagfiles:
            if path not in listed:
                problems.append("%s does not list %s" % (name, path))
    return problems, info


def unpack(testcase, zpath):
    d = harness.tempdir(testcase)
    r = subprocess.run(["unzip", "-q", zpath, "-d", d],
                       capture_output=True, text=True)
    testcase.assertEqual(r.returncode, 0, r.stderr)
    return d


class BundleTest(unittest.TestCase):
    def setUp(self):
        self.tmp = harness.tempdir(self)
        self.out, self.rec = make_tree(os.path.join(self.tmp, "in"))
        self.dest = os.path.join(self.tmp, "bundles")

    def bundle(self, dest=None, *extra, env=None):
        return run(self, "bundle", "--date", DATE, "-o", dest or self.dest,
                   *extra, self.out, self.rec, env=env)

    def test_bundle_is_a_valid_bag(self):
        r = self.bundle()
        self.assertEqual(r.returncode, 0, r.stderr)
        zpath = os.path.join(self.dest, "pactdoc-%s.zip" % DATE)
        self.assertEqual(r.stdout.strip(), zpath)
        with zipfile.ZipFile(zpath) as z:
            names = z.namelist()
        self.assertTrue(all(n.startswith("pactdoc-%s/" % DATE)
                            for n in names), names)
        bag = os.path.join(unpack(self, zpath), "pactdoc-%s" % DATE)
        problems, info = check_bag(bag)
        self.assertEqual(problems, [])
        self.assertEqual(info["Bagging-Date"], [DATE])
        self.assertEqual(info["Payload-Oxum"][0].split(".")[1], "8")
        self.assertEqual(info["External-Identifier"], ["pactdoc-" + DATE])
        self.assertEqual(info["Source-Organization"],
                         ["Covenant of Mayors Office"])
        self.assertRegex(info["Bag-Software-Agent"][0],
                         r"^pactdoc \d+\.\d+\.\d+$")
        payload = sorted(
            os.path.relpath(os.path.join(dp, f), bag)
            for dp, _, fs in os.walk(os.path.join(bag, "data")) for f in fs)
        self.assertEqual(payload, [
            "data/documents/LV-1/LV-1-agreement-lv.pdf",
            "data/documents/LV-1/LV-1-declaration-lv.pdf",
            "data/documents/SE-2/100% sure.pdf",
            "data/documents/SE-2/SE-2-declaration-sv.pdf",
            "data/documents/Ūdens/Ūdens-declaration-lv.pdf",
            "data/records/batch-a.xml",
            "data/records/empty.xml",
            "data/reports/report.json",
        ])
        with open(os.path.join(bag, "manifest-sha512.txt")) as f:
            self.assertIn("data/documents/SE-2/100%25 sure.pdf", f.read())
        with open(os.path.join(bag, "data/documents/LV-1/"
                               "LV-1-agreement-lv.pdf"), "rb") as f, \
                open(os.path.join(self.out, "LV-1", "LV-1-agreement-lv.pdf"),
                     "rb") as g:
            self.assertEqual(f.read(), g.read())

    def test_checker_catches_a_broken_bag(self):
        """The RFC checker above must be able to fail."""
        self.assertEqual(self.bundle().returncode, 0)
        bag = os.path.join(unpack(self, os.path.join(
            self.dest, "pactdoc-%s.zip" % DATE)), "pactdoc-%s" % DATE)
        with open(os.path.join(bag, "data/records/empty.xml"), "w") as f:
            f.write("x")
        harness.write(os.path.join(bag, "data/extra.pdf"), b"x")
        problems, _ = check_bag(bag)
        self.assertTrue(any("wrong digest" in p for p in problems), problems)
        self.assertTrue(any("does not list data/extra.pdf" in p
                            for p in problems), problems)
        self.assertTrue(any("Payload-Oxum" in p for p in problems), problems)

    def test_every_reader_accepts_it_and_entries_are_fixed(self):
        self.assertEqual(self.bundle().returncode, 0)
        zpath = os.path.join(self.dest, "pactdoc-%s.zip" % DATE)
        r = subprocess.run(["unzip", "-t", zpath], capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with zipfile.ZipFile(zpath) as z:
            self.assertIsNone(z.testzip())
            infos = z.infolist()
        names = [i.filename for i in infos]
        self.assertEqual(names, sorted(names, key=lambda s: s.encode()))
        for i in infos:
            self.assertEqual(i.date_time, (2026, 11, 23, 0, 0, 0), i)
            self.assertEqual(i.external_attr >> 16, 0o100644, i)
            self.assertEqual(i.extra, b"", i)
            self.assertEqual(i.compress_type,
                             zipfile.ZIP_STORED if i.filename.endswith(".pdf")
                             else zipfile.ZIP_DEFLATED, i)
        self.assertEqual(run(self, "verify", zpath).returncode, 0)

    def test_same_inputs_same_bytes(self):
        a, b = os.path.join(self.tmp, "a"), os.path.join(self.tmp, "b")
        self.assertEqual(self.bundle(a, env={"TZ": "UTC"}).returncode, 0)
        # Other mtimes and another time zone must not change a byte.
        for dp, _, fs in os.walk(self.out):
            for f in fs:
                os.utime(os.path.join(dp, f), (1e9, 1e9))
        r = self.bundle(b, env={"TZ": "Pacific/Kiritimati"})
        self.assertEqual(r.returncode, 0, r.stderr)
        name = "pactdoc-%s.zip" % DATE
        with open(os.path.join(a, name), "rb") as f, \
                open(os.path.join(b, name), "rb") as g:
            self.assertEqual(f.read(), g.read())

    def test_second_run_never_overwrites(self):
        self.assertEqual(self.bundle().returncode, 0)
        first = os.path.join(self.dest, "pactdoc-%s.zip" % DATE)
        with open(first, "rb") as f:
            before = f.read()
        harness.write(os.path.join(self.out, "later.json"), "{}\n")
        r = self.bundle()
        self.assertEqual(r.returncode, 0, r.stderr)
        second = os.path.join(self.dest, "pactdoc-%s-2.zip" % DATE)
        self.assertIn("already exists", r.stderr)
        self.assertIn(second, r.stderr)
        with open(first, "rb") as f:
            self.assertEqual(f.read(), before)
        bag = os.path.join(unpack(self, second), "pactdoc-%s-2" % DATE)
        problems, info = check_bag(bag)
        self.assertEqual(problems, [])
        self.assertEqual(info["External-Identifier"],
                         ["pactdoc-%s-2" % DATE])
        self.assertTrue(os.path.isfile(os.path.join(
            bag, "data/reports/later.json")))
        r = self.bundle()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.isfile(os.path.join(
            self.dest, "pactdoc-%s-3.zip" % DATE)))
        self.assertEqual(sorted(os.listdir(self.dest)), [
            "pactdoc-%s-2.zip" % DATE, "pactdoc-%s-3.zip" % DATE,
            "pactdoc-%s.zip" % DATE])

    def test_source_organization_is_configurable(self):
        r = self.bundle(env={"PACTDOC_SOURCE_ORGANIZATION": "Archive Ūnit"})
        self.assertEqual(r.returncode, 0, r.stderr)
        bag = os.path.join(unpack(self, os.path.join(
            self.dest, "pactdoc-%s.zip" % DATE)), "pactdoc-%s" % DATE)
        self.assertEqual(check_bag(bag)[1]["Source-Organization"],
                         ["Archive Ūnit"])
        r = self.bundle(env={"PACTDOC_SOURCE_ORGANIZATION": "a\nB: c"})
        self.assertEqual(r.returncode, 2)

    def test_bad_file_name_leaves_nothing(self):
        harness.write(os.path.join(self.out, "LV-1", "bad\nname.pdf"), b"x")
        r = self.bundle()
        self.assertEqual(r.returncode, 2)
        self.assertIn("control characters", r.stderr)
        self.assertEqual(os.listdir(self.dest) if os.path.isdir(self.dest)
                         else [], [])

    def test_nothing_to_bag(self):
        empty = os.path.join(self.tmp, "empty")
        os.makedirs(empty)
        r = run(self, "bundle", "--date", DATE, "-o", self.dest, empty)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no documents", r.stderr)
        r = run(self, "bundle", "--date", DATE, "-o", self.dest,
                os.path.join(self.out, "notes.txt"))
        self.assertEqual(r.returncode, 2)
        r = run(self, "bundle", "--date", DATE, "-o", self.dest,
                os.path.join(self.tmp, "missing"))
        self.assertEqual(r.returncode, 2)
        self.assertFalse(os.path.exists(self.dest) and os.listdir(self.dest))

    def test_a_file_named_twice_is_bagged_once(self):
        pdf = os.path.join(self.out, "LV-1", "LV-1-agreement-lv.pdf")
        r = run(self, "bundle", "--date", DATE, "-o", self.dest, pdf, pdf)
        self.assertEqual(r.returncode, 0, r.stderr)
        with zipfile.ZipFile(r.stdout.strip()) as z:
            self.assertEqual(
                [n for n in z.namelist() if "/data/" in n],
                ["pactdoc-%s/data/documents/LV-1-agreement-lv.pdf" % DATE])
        other = os.path.join(self.tmp, "other", "LV-1-agreement-lv.pdf")
        harness.write(other, b"%PDF-1.7 different\n")
        r = run(self, "bundle", "--date", DATE, "-o", self.dest, pdf, other)
        self.assertEqual(r.returncode, 2)
        self.assertIn("would both be", r.stderr)


if __name__ == "__main__":
    unittest.main()
