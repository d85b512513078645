"""End-to-end tests of `pactdoc verify` against archives built to fool or
exhaust it, each otherwise a consistent BagIt bag (right manifests,
Payload-Oxum and tag manifest), built here at test time:
- entries whose Unix type is not a regular file (a symbolic link to
  /etc/passwd, a FIFO) are never intact;
- what verify reads and prints is bounded by the sizes the README states:
  manifests are streamed (memory measured with /usr/bin/time -v on the
  release binary), at most 100 problems are printed per archive, and an
  entry declaring more than 200 times its compressed size is refused
  before anything is read."""
import hashlib
import os
import struct
import sys
import time
import unittest
import zipfile
import zlib

import harness

RELEASE = os.path.join(harness.ROOT,
                       os.environ.get("PACTDOC_RELEASE", "build/pactdoc"))
TOP = "pactdoc-2026-11-23/"
BAGIT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


def info(name, mode=0o100644):
    """A ZipInfo made on Unix with the given st_mode."""
    i = zipfile.ZipInfo(name, (2026, 11, 23, 0, 0, 0))
    i.create_system = 3
    i.external_attr = mode << 16
    i.compress_type = zipfile.ZIP_DEFLATED
    return i


def make_bag(path, payload, manifest_extra=b""):
    """Writes a consistent bag: payload is [(name under data/, bytes,
    st_mode)]; manifest_extra is appended to manifest-sha512.txt (and
    digested into the tag manifest like the rest)."""
    manifest = b"".join(b"%s  data/%s\n" % (
        hashlib.sha512(data).hexdigest().encode(), name.encode())
        for name, data, _ in payload) + manifest_extra
    octets = sum(len(d) for _, d, _ in payload)
    info_txt = (b"Bagging-Date: 2026-11-23\nPayload-Oxum: %d.%d\n"
                % (octets, len(payload)))
    tags = [("bagit.txt", BAGIT), ("bag-info.txt", info_txt),
            ("manifest-sha512.txt", manifest)]
    tagman = b"".join(b"%s  %s\n" % (hashlib.sha512(d).hexdigest().encode(),
                                     n.encode()) for n, d in tags)
    with zipfile.ZipFile(path, "w") as z:
        for n, d in tags + [("tagmanifest-sha512.txt", tagman)]:
            z.writestr(info(TOP + n), d)
        for name, data, mode in payload:
            z.writestr(info(TOP + "data/" + name, mode), data)
    return path


def zip64_entries(path, entries):
    """Writes a ZIP by hand: entries is [(name, stored data, method,
    declared uncompressed size)], each with ZIP64 sizes in its local and
    central headers, so the sizes may lie."""
    body, central = b"", b""
    for name, data, method, size in entries:
        nm = name.encode()
        crc = zlib.crc32(data) if method == 0 else 0
        extra = struct.pack("<HHQQ", 1, 16, size, len(data))
        local = struct.pack("<IHHHHHIIIHH", 0x04034b50, 45, 0, method, 0,
                            0x5b77, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(nm),
                            len(extra)) + nm + extra
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 0x031e, 45,
                               0, method, 0, 0x5b77, crc, 0xFFFFFFFF,
                               0xFFFFFFFF, len(nm), len(extra), 0, 0, 0,
                               0o100644 << 16, len(body)) + nm + extra
        body += local + data
    end = struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, len(entries),
                      len(entries), len(central), len(body), 0)
    return harness.write(path, body + central + end)


def measured(*args):
    """Runs the release binary under /usr/bin/time -v with stdout to a
    file; returns (rc, stdout bytes size, stdout head, peak RSS kB)."""
    out = os.path.join(os.path.dirname(args[-1]), "verify.out")
    with open(out, "wb") as f:
        proc, _, rss = harness.time_v([RELEASE, *args], stdout=f)
    with open(out, "rb") as f:
        head = f.read(1 << 20).decode("utf-8", "replace")
    return proc.returncode, os.path.getsize(out), head, rss


class VerifyHostileTest(unittest.TestCase):
    def setUp(self):
        self.tmp = harness.tempdir(self)

    def verify(self, *paths):
        r = harness.run("verify", *paths)
        self.assertNotIn("AddressSanitizer", r.stderr)
        self.assertNotIn("runtime error", r.stderr)
        return r

    def assertLine(self, r, line):
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(line, r.stdout.splitlines(), r.stdout)

    # ---- entry types -------------------------------------------------------

    def test_consistent_bag_is_intact(self):
        """The builder makes bags verify accepts (so the tests below fail
        for the one reason they plant)."""
        z = make_bag(os.path.join(self.tmp, "ok.zip"),
                     [("documents/a.pdf", b"%PDF-1.7\n", 0o100644)])
        r = self.verify(z)
        self.assertEqual((r.returncode, r.stdout), (0, ""), r.stderr)
        self.assertIn("intact bundle, 1 files", r.stderr)

    def test_symlink_entry_is_not_intact(self):
        """A symbolic link to /etc/passwd, listed with the right digest and
        counted in Payload-Oxum, is refused: unzip would create the link."""
        z = make_bag(os.path.join(self.tmp, "link.zip"),
                     [("documents/a.pdf", b"%PDF-1.7\n", 0o100644),
                      ("documents/passwd.pdf", b"/etc/passwd", 0o120777)])
        r = self.verify(z)
        self.assertLine(r, "%s: %sdata/documents/passwd.pdf: a symbolic "
                        "link, not a regular file" % (z, TOP))
        # Python's zipfile agrees on what the entry is.
        with zipfile.ZipFile(z) as zf:
            mode = zf.getinfo(TOP + "data/documents/passwd.pdf"
                              ).external_attr >> 16
            self.assertEqual(mode & 0o170000, 0o120000)

    def test_fifo_and_device_entries_are_not_intact(self):
        for mode in (0o010644, 0o020644, 0o060644, 0o140644):
            z = make_bag(os.path.join(self.tmp, "t%o.zip" % mode),
                         [("records/x.xml", b"<x/>", mode)])
            self.assertLine(self.verify(z), "%s: %sdata/records/x.xml: a "
                            "device, FIFO or socket, not a regular file"
                            % (z, TOP))

    # ---- amplification -----------------------------------------------------

    def test_manifest_of_many_missing_lines_is_streamed_and_capped(self):
        """A 59 MiB manifest (about 1 MB zipped) of lines naming missing
        files costs little memory and prints 100 problems and a count."""
        n = 400000
        line = b"%s  data/missing-%%07d.pdf\n" % (b"ab" * 64)
        extra = b"".join(line % i for i in range(n))
        self.assertLess(len(extra), 64 << 20)
        z = make_bag(os.path.join(self.tmp, "amp.zip"),
                     [("documents/a.pdf", b"%PDF-1.7\n", 0o100644)], extra)
        self.assertLess(os.path.getsize(z), 4 << 20)
        rc, size, head, rss = measured("verify", z)
        lines = head.splitlines()
        self.assertEqual(rc, 1, head[-2000:])
        self.assertEqual(len(lines), 101, head[-2000:])
        self.assertLess(size, 64 << 10)
        self.assertEqual(lines[-1], "%s: %d more problems not shown (%d in "
                         "all)" % (z, n - 100, n))
        print("  verify: peak RSS %.1f MB" % (rss / 1024.0), file=sys.stderr)
        self.assertLess(rss, 40 * 1024, "peak RSS %d kB" % rss)

    def test_oversized_manifest_is_not_read(self):
        """A manifest declaring more than 64 MiB is refused unread (its
        lines vary, so it deflates only about 20:1, not a bomb)."""
        extra = b"".join(os.urandom(4).hex().encode() + b"a" * 120 + b"\n"
                         for _ in range((70 << 20) // 129))
        z = make_bag(os.path.join(self.tmp, "big.zip"),
                     [("documents/a.pdf", b"%PDF-1.7\n", 0o100644)], extra)
        rc, _, head, rss = measured("verify", z)
        self.assertEqual(rc, 1, head)
        self.assertIn("%s: %smanifest-sha512.txt: larger than 67108864 "
                      "bytes, not read" % (z, TOP), head.splitlines())
        print("  verify: peak RSS %.1f MB" % (rss / 1024.0), file=sys.stderr)
        self.assertLess(rss, 40 * 1024, "peak RSS %d kB" % rss)

    def test_10_gib_entry_in_a_10_mb_zip_is_refused_unread(self):
        """An entry declaring 10 GiB from 10 MB is refused before any of
        it is read (its data is never inflated, so it is random here)."""
        data = os.urandom(10 << 20)
        z = zip64_entries(os.path.join(self.tmp, "bomb.zip"), [
            (TOP + "bagit.txt", BAGIT, 0, len(BAGIT)),
            (TOP + "data/documents/big.pdf", data, 8, 10 << 30)])
        t = time.time()
        r = self.verify(z)
        self.assertLess(time.time() - t, 10)
        self.assertLine(r, "%s: %sdata/documents/big.pdf: declares %d bytes "
                        "from %d compressed, more than 200:1 (zip bomb?): "
                        "not read" % (z, TOP, 10 << 30, 10 << 20))

    def test_many_problems_are_capped_with_a_count(self):
        """1,000 unlisted payload files: 100 lines, then the count."""
        z = make_bag(os.path.join(self.tmp, "many.zip"),
                     [("documents/a.pdf", b"%PDF-1.7\n", 0o100644)])
        with zipfile.ZipFile(z, "a") as zf:
            for i in range(1000):
                zf.writestr(info(TOP + "data/x/%04d.pdf" % i), b"x")
        r = self.verify(z)
        lines = r.stdout.splitlines()
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertEqual(len(lines), 101, r.stdout)
        self.assertTrue(lines[-1].startswith(z + ": "), lines[-1])
        self.assertRegex(lines[-1], r"\d+ more problems not shown "
                         r"\(\d+ in all\)$")


if __name__ == "__main__":
    unittest.main()
