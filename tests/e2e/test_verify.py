"""End-to-end tests of `pactdoc verify`: it passes intact bundles and
packages, and catches every tampering these tests make with Python's
zipfile (flipped byte, removed file, added file, edited manifest, unsafe
names, duplicates), and hostile ZIPs (bombs, lying sizes, huge entry
counts, truncation) neither crash nor hang it."""
import hashlib
import os
import struct
import tempfile
import time
import unittest
import zipfile

import harness
from test_bundle import DATE, make_tree, run

TOP = "pactdoc-%s/" % DATE


def entries(path):
    """[(ZipInfo, bytes)] of an archive, in order."""
    with zipfile.ZipFile(path) as z:
        return [(i, z.read(i)) for i in z.infolist()]


def write_zip(path, items):
    """Writes [(name or ZipInfo, bytes)] with Python's zipfile."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are on purpose
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for info, data in items:
                if isinstance(info, str):
                    info = zipfile.ZipInfo(info, (2026, 11, 23, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, data)
    return path


class VerifyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="pactdoc-v-")
        out, rec = make_tree(os.path.join(cls._tmp.name, "in"))
        r = run(cls, "bundle", "--date", DATE, "-o", cls._tmp.name, out, rec)
        assert r.returncode == 0, r.stderr
        cls.bag = r.stdout.strip()

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def setUp(self):
        self.tmp = harness.tempdir(self)

    def tampered(self, fn, name="t.zip"):
        return write_zip(os.path.join(self.tmp, name), fn(entries(self.bag)))

    def verify(self, *paths):
        r = run(self, "verify", *paths)
        self.assertNotIn("AddressSanitizer", r.stderr)
        self.assertNotIn("runtime error", r.stderr)
        return r

    def assertProblem(self, r, zpath, entry, words):
        """rc 1 and a line "ZIP: entry: ...words..." on stdout."""
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        lines = r.stdout.splitlines()
        self.assertTrue(all(l.startswith(zpath + ": ") for l in lines),
                        lines)
        prefix = zpath + ": " + (entry + ": " if entry else "")
        self.assertTrue(any(l.startswith(prefix) and words in l
                            for l in lines),
                        "no %r with %r in:\n%s" % (prefix, words, r.stdout))

    # ---- intact ------------------------------------------------------------

    def test_intact_bundle_passes(self):
        r = self.verify(self.bag)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertIn("intact bundle, 8 files", r.stderr)

    def test_python_rewrite_of_intact_bundle_passes(self):
        """Repacking with another ZIP writer changes nothing that matters."""
        z = self.tampered(lambda items: items)
        self.assertEqual(self.verify(z).returncode, 0)

    # ---- the tamperings --------------------------------------------

    def test_flipped_byte_in_a_document(self):
        target = TOP + "data/documents/LV-1/LV-1-agreement-lv.pdf"

        def flip(items):
            out = []
            for info, data in items:
                if info.filename == target:
                    data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
                out.append((info, data))
            return out
        z = self.tampered(flip)
        self.assertProblem(self.verify(z), z, target,
                           "sha512 digest does not match")

    def test_removed_file(self):
        target = TOP + "data/records/batch-a.xml"
        z = self.tampered(lambda items: [(i, d) for i, d in items
                                         if i.filename != target])
        r = self.verify(z)
        self.assertProblem(r, z, target, "listed in manifest-sha512.txt "
                           "but missing")
        self.assertProblem(r, z, TOP + "bag-info.txt", "Payload-Oxum")

    def test_added_file(self):
        target = TOP + "data/documents/LV-1/extra.pdf"
        z = self.tampered(lambda items: items + [(target, b"%PDF extra")])
        r = self.verify(z)
        self.assertProblem(r, z, target, "not listed in manifest-sha512.txt")
        self.assertProblem(r, z, TOP + "bag-info.txt", "Payload-Oxum")

    def test_added_tag_file(self):
        target = TOP + "notes.txt"
        z = self.tampered(lambda items: items + [(target, b"hello")])
        self.assertProblem(self.verify(z), z, target,
                           "not listed in tagmanifest-sha512.txt")

    def test_added_file_outside_the_bag(self):
        z = self.tampered(lambda items: items + [("stray.pdf", b"x")])
        self.assertProblem(self.verify(z), z, "stray.pdf",
                           "outside the top folder")

    def test_edited_manifest(self):
        target = TOP + "manifest-sha512.txt"

        def edit(items):
            out = []
            for info, data in items:
                if info.filename == target:
                    # Make the manifest claim the tampered digest of a file
                    # whose content is also changed: the tag manifest still
                    # catches it.
                    data = data.replace(b"data/records/empty.xml",
                                        b"data/records/other.xml")
                out.append((info, data))
            return out
        z = self.tampered(edit)
        r = self.verify(z)
        self.assertProblem(r, z, target, "sha512 digest does not match "
                           "tagmanifest-sha512.txt")
        self.assertProblem(r, z, TOP + "data/records/other.xml",
                           "listed in manifest-sha512.txt but missing")
        self.assertProblem(r, z, TOP + "data/records/empty.xml",
                           "not listed in manifest-sha512.txt")

    def test_consistent_forgery_of_document_and_manifest(self):
        """Changing a document and its manifest line still breaks the
        tag manifest."""
        target = "data/reports/report.json"
        new = b'{"version": "forged"}\n'

        def forge(items):
            out = []
            for info, data in items:
                if info.filename == TOP + target:
                    old_digest = hashlib.sha512(data).hexdigest().encode()
                    data = new
                out.append((info, data))
            out2 = []
            for info, data in out:
                if info.filename == TOP + "manifest-sha512.txt":
                    data = data.replace(old_digest,
                                        hashlib.sha512(new).hexdigest()
                                        .encode())
                out2.append((info, data))
            return out2
        z = self.tampered(forge)
        r = self.verify(z)
        self.assertProblem(r, z, TOP + "manifest-sha512.txt",
                           "does not match tagmanifest-sha512.txt")
        self.assertProblem(r, z, TOP + "bag-info.txt", "Payload-Oxum")

    def test_dotdot_entry(self):
        z = self.tampered(lambda items: items + [("../x", b"evil")])
        self.assertProblem(self.verify(z), z, "../x",
                           "unsafe name: '..' component")
        z = self.tampered(lambda items: items + [(TOP + "data/../../x",
                                                  b"evil")], "t2.zip")
        self.assertProblem(self.verify(z), z, TOP + "data/../../x",
                           "unsafe name: '..' component")

    # ---- more unsafe and hostile names -------------------------------------

    def test_absolute_backslash_and_control_names(self):
        cases = [("/etc/x", "absolute path"),
                 (TOP + "data\\..\\..\\x", "backslash"),
                 (TOP + "data/a\x01b.pdf", "control character"),
                 ("C:/x", "drive letter")]
        for i, (name, words) in enumerate(cases):
            z = self.tampered(lambda items: items + [(name, b"x")],
                              "n%d.zip" % i)
            shown = name.replace("\x01", "\\x01")
            self.assertProblem(self.verify(z), z, shown, words)

    def test_duplicate_names(self):
        target = TOP + "data/records/batch-a.xml"
        z = self.tampered(lambda items: items + [(target, b"<evil/>")])
        r = self.verify(z)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("duplicate entr", r.stdout)

    def test_not_a_zip_and_missing_file(self):
        junk = harness.write(os.path.join(self.tmp, "junk.zip"),
                             b"not a zip at all" * 100)
        self.assertProblem(self.verify(junk), junk, None, "not a ZIP archive")
        r = self.verify(os.path.join(self.tmp, "missing.zip"))
        self.assertEqual(r.returncode, 2)
        empty = harness.write(os.path.join(self.tmp, "e.zip"), b"")
        self.assertIn(self.verify(empty).returncode, (1, 2))

    def test_truncated_zip(self):
        with open(self.bag, "rb") as f:
            data = f.read()
        for cut in (len(data) // 3, len(data) - 30, 22):
            z = harness.write(os.path.join(self.tmp, "cut%d.zip" % cut),
                              data[:cut])
            r = self.verify(z)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)

    def test_neither_bag_nor_package(self):
        z = write_zip(os.path.join(self.tmp, "plain.zip"),
                      [("a/readme.txt", b"hi")])
        self.assertProblem(self.verify(z), z, None, "neither a BagIt")

    # ---- bombs ---------------------------------------------------------------

    def test_zip_bomb_by_declared_size(self):
        """An entry that claims 4 GB in a small archive is refused unread."""
        z = self.tampered(lambda items: items + [
            (TOP + "data/bomb.pdf", b"\0" * 1000)])
        data = bytearray(open(z, "rb").read())
        # Patch the uncompressed size of the last entry, in the central
        # directory and in its local header alike (a consistent lie).
        pos = data.rfind(b"PK\x01\x02")
        struct.pack_into("<I", data, pos + 24, 0xFFFFFFF0)
        lh = struct.unpack_from("<I", data, pos + 42)[0]
        struct.pack_into("<I", data, lh + 22, 0xFFFFFFF0)
        with open(z, "wb") as f:
            f.write(data)
        t = time.time()
        r = self.verify(z)
        self.assertLess(time.time() - t, 10)
        self.assertProblem(r, z, None, "zip bomb")

    def test_overlapping_entries_bomb(self):
        """Many central directory entries sharing one compressed stream
        (a Fifield-style bomb) are refused quickly."""
        import zlib
        raw = b"\0" * (20 << 20)
        comp = zlib.compressobj(9, zlib.DEFLATED, -15)
        data = comp.compress(raw) + comp.flush()
        crc = zlib.crc32(raw)
        name = b"pactdoc-x/data/a.pdf"
        local = struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 8, 0, 0x5b77,
                            crc, len(data), len(raw), len(name), 0) + name
        body = local + data
        central = b""
        n = 3000
        for i in range(n):
            nm = b"pactdoc-x/data/%05d.pdf" % i
            central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20,
                                   0, 8, 0, 0x5b77, crc, len(data), len(raw),
                                   len(nm), 0, 0, 0, 0, 0, 0) + nm
        bagit = b"pactdoc-x/bagit.txt"
        end = struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, n, n, len(central),
                          len(body), 0)
        path = harness.write(os.path.join(self.tmp, "overlap.zip"),
                             body + central + end)
        del bagit
        t = time.time()
        r = self.verify(path)
        self.assertLess(time.time() - t, 10)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(len(r.stdout.splitlines()), 1, r.stdout)

    def test_entry_larger_than_it_declares(self):
        """A deflated entry that inflates past its declared size is cut off
        at the declared size, not read to the end."""
        big = b"\0" * (50 << 20)
        z = self.tampered(lambda items: items + [
            (TOP + "data/bomb.pdf", big)])
        data = bytearray(open(z, "rb").read())
        pos = data.rfind(b"PK\x01\x02")
        struct.pack_into("<I", data, pos + 24, 1000)
        lh = struct.unpack_from("<I", data, pos + 42)[0]
        struct.pack_into("<I", data, lh + 22, 1000)
        with open(z, "wb") as f:
            f.write(data)
        r = self.verify(z)
        self.assertProblem(r, z, TOP + "data/bomb.pdf", "")
        self.assertTrue("more than 1000 bytes" in r.stdout or
                        "damaged" in r.stdout, r.stdout)

    def test_huge_entry_count(self):
        items = [("pactdoc-x/bagit.txt",
                  b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")]
        path = os.path.join(self.tmp, "many.zip")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
            for name, data in items:
                zf.writestr(name, data)
            for i in range(200001):
                zf.writestr("pactdoc-x/data/%d" % i, b"")
        t = time.time()
        r = self.verify(path)
        self.assertLess(time.time() - t, 60)
        self.assertProblem(r, path, None, "more than the 200000 allowed")

    def test_random_corruption_never_crashes(self):
        """Flipped bytes anywhere (headers, data, central directory) give
        exit 0 or 1, never a crash, a hang or a sanitizer report."""
        import random
        rng = random.Random(8493)
        with open(self.bag, "rb") as f:
            good = f.read()
        caught = 0
        for i in range(60):
            data = bytearray(good)
            for _ in range(rng.randint(1, 4)):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
            z = harness.write(os.path.join(self.tmp, "f%d.zip" % i),
                              bytes(data))
            r = self.verify(z)
            self.assertIn(r.returncode, (0, 1), r.stderr)
            self.assertNotIn("Sanitizer", r.stderr)
            caught += r.returncode == 1
        self.assertGreater(caught, 45)

    # ---- packages ------------------------------------------------------------

    def make_package(self, files, name="pkg.zip", top="LV-1/"):
        lines = "".join("%s  %s\n" % (hashlib.sha256(d).hexdigest(), n)
                        for n, d in sorted(files.items()))
        items = [(top + n, d) for n, d in sorted(files.items())]
        items.append((top + "manifest-sha256.txt", lines.encode()))
        return write_zip(os.path.join(self.tmp, name), items)

    def test_package(self):
        files = {"LV-1-agreement-lv.pdf": b"%PDF agreement",
                 "LV-1-declaration-lv.pdf": b"%PDF declaration",
                 "manifest.json": b'{"documents": []}\n'}
        z = self.make_package(files)
        r = self.verify(z)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("intact package, 3 files", r.stderr)
        items = entries(z)
        bad = write_zip(os.path.join(self.tmp, "bad.zip"), [
            (i, d + b"!" if i.filename.endswith("agreement-lv.pdf") else d)
            for i, d in items] + [("LV-1/extra.pdf", b"x")])
        r = self.verify(bad)
        self.assertProblem(r, bad, "LV-1/LV-1-agreement-lv.pdf",
                           "sha256 digest does not match")
        self.assertProblem(r, bad, "LV-1/extra.pdf", "not listed")

    def test_several_files_and_worst_status(self):
        z = self.tampered(lambda items: items[:-1])
        r = self.verify(self.bag, z, os.path.join(self.tmp, "nope.zip"))
        self.assertEqual(r.returncode, 2)
        self.assertTrue(r.stdout.startswith(z + ": "), r.stdout)


if __name__ == "__main__":
    unittest.main()
