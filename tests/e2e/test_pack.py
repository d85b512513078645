"""The packed PDF structure (src/pdf/pack.c) through real readers: qpdf
finds no fault; the small dictionaries are in an object stream; every
stream but the XMP is deflated once with a direct /Length; a reader that
knows only classic tables (like @signpdf/placeholder-plain) still finds
the catalog, pages, form, widgets and Info, and new objects it adds
cannot collide with packed ones; poppler, MuPDF and pdf.js read the same
text as from qpdf's plain rewrite of the file; and the files are smaller
than libharu alone made them."""
import glob
import json
import os
import re
import subprocess
import tempfile
import unittest

import archival
import harness
import pikepdf

DATE = "2026-11-23"
SAMPLE = os.path.join(harness.SAMPLES, "01-coordinators.xml")


def tool(*args):
    return subprocess.run(list(args), capture_output=True, timeout=300)


def table_only_objects(data):
    """What a reader of classic tables only sees: {number: offset} of the
    in-use entries, following /Prev, and the last trailer's text."""
    tail = data.rfind(b"trailer")
    trailer = data[tail:]
    pos = int(re.search(rb"startxref\s+(\d+)", trailer).group(1))
    seen = {}
    while pos is not None:
        assert data[pos:pos + 4] == b"xref", "no table at %d" % pos
        end = data.index(b"trailer", pos)
        lines = data[pos + 4:end].split(b"\n")
        num = count = 0
        for line in lines:
            parts = line.split()
            if len(parts) == 2:
                num, count = int(parts[0]), int(parts[1])
            elif len(parts) == 3:
                if parts[2] == b"n":
                    seen.setdefault(num, int(parts[0]))
                num += 1
        dict_end = data.index(b"startxref", end)
        m = re.search(rb"/Prev (\d+)", data[end:dict_end])
        pos = int(m.group(1)) if m else None
    return seen, trailer


def plain_object(data, offsets, num):
    """The text of object num found through the table, or fail."""
    off = offsets[num]
    head = b"%d 0 obj" % num
    assert data[off:off + len(head)] == head, "object %d not at %d" % (num,
                                                                        off)
    return data[off:data.index(b"endobj", off)]


def ref(text, key):
    m = re.search(key + rb"\s+(\d+) 0 R", text)
    return int(m.group(1)) if m else None


class Pack(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="pactdoc-pack-")
        out = os.path.join(cls.work, "out")
        r = harness.run("generate", "-q", "-o", out, "--date", DATE, SAMPLE)
        if r.returncode != 0:
            raise AssertionError("generate failed: " + r.stderr)
        cls.files = sorted(glob.glob(os.path.join(out, "*", "*.pdf")))
        if len(cls.files) < 10:
            raise AssertionError("too few PDFs: %r" % cls.files)
        cls.agreement = next(f for f in cls.files
                             if f.endswith("IE-COORD-0031-agreement-en.pdf"))
        cls.declaration = next(
            f for f in cls.files
            if f.endswith("IE-COORD-0031-declaration-en.pdf"))

    def test_qpdf_finds_no_fault(self):
        for f in self.files:
            r = tool("qpdf", "--check", f)
            out = (r.stdout + r.stderr).decode()
            self.assertEqual(r.returncode, 0, f + out)
            self.assertNotIn("WARNING", out, f)

    def test_structure_elements_are_in_an_object_stream(self):
        for f in self.files:
            xref = tool("qpdf", "--show-xref", f).stdout.decode()
            packed = set(int(m) for m in re.findall(
                r"^(\d+)/0: compressed", xref, re.M))
            self.assertGreater(len(packed), 20, f)
            with pikepdf.open(f) as pdf:
                elems = [o.objgen[0] for o in pdf.objects
                         if isinstance(o, pikepdf.Dictionary) and
                         "/S" in o and "/P" in o and o.objgen[0] > 0]
                self.assertTrue(elems, f)
                self.assertEqual(set(elems) - packed, set(), f)

    def test_streams_deflated_once_with_direct_lengths(self):
        with pikepdf.open(self.agreement) as pdf:
            n = 0
            bare = [o for o in pdf.objects if isinstance(o, (int, float)) or
                    (isinstance(o, pikepdf.Object) and o._type_code in
                     (pikepdf.ObjectType.integer, pikepdf.ObjectType.real))]
            self.assertEqual(bare, [], "libharu's /Length objects are left")
            for o in pdf.objects:
                if not isinstance(o, pikepdf.Stream):
                    continue
                n += 1
                d = o.stream_dict
                if d.get("/Type") == "/Metadata":
                    self.assertNotIn("/Filter", d)
                elif d.get("/Type") not in ("/XRef", "/ObjStm"):
                    self.assertEqual(d.get("/Filter"), "/FlateDecode")
            self.assertGreater(n, 5)
        self.assertIsNone(re.search(rb"/Length \d+ 0 R",
                                    open(self.agreement, "rb").read()))

    def test_table_only_reader_finds_what_signers_need(self):
        for f in (self.agreement, self.declaration):
            data = open(f, "rb").read()
            offsets, trailer = table_only_objects(data)
            root = ref(trailer, rb"/Root")
            info = ref(trailer, rb"/Info")
            size = int(re.search(rb"/Size (\d+)", trailer).group(1))
            # a tool numbering new objects after the highest it sees must
            # not reuse a packed object's number
            self.assertEqual(max(offsets), size - 1, f)
            cat = plain_object(data, offsets, root)
            self.assertIn(b"/Type /Catalog", cat)
            plain_object(data, offsets, info)
            pages = plain_object(data, offsets, ref(cat, rb"/Pages"))
            kids = re.findall(rb"(\d+) 0 R", pages[pages.index(b"/Kids"):])
            for k in kids:
                self.assertIn(b"/Type /Page", plain_object(data, offsets,
                                                           int(k)))
            if "agreement" in f:
                form = plain_object(data, offsets, ref(cat, rb"/AcroForm"))
                self.assertIn(b"/Type /AcroForm", form)
                fields = re.findall(rb"(\d+) 0 R", form)
                self.assertEqual(len(fields), 2)
                for w in fields:
                    self.assertIn(b"/FT /Sig", plain_object(data, offsets,
                                                            int(w)))

    def _texts(self, f):
        js = tool("node", os.path.join(archival.JS, "pdfjs-read.mjs"), f)
        self.assertEqual(js.returncode, 0, js.stderr)
        # pdf.js: each page's text (its marked-content ids name objects,
        # whose numbers differ in the rewrite)
        return [tool("pdftotext", f, "-").stdout,
                tool("mutool", "draw", "-q", "-F", "txt", "-o", "-",
                     f).stdout,
                [p["text"] for p in json.loads(js.stdout)["pages"]]]

    def test_readers_read_what_a_plain_rewrite_reads(self):
        plain = os.path.join(self.work, "plain.pdf")
        r = tool("qpdf", "--object-streams=disable", "--compress-streams=n",
                 "--decode-level=generalized", self.agreement, plain)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn(b"/ObjStm", open(plain, "rb").read())
        for got, want in zip(self._texts(self.agreement), self._texts(plain)):
            self.assertGreater(len(str(want)), 2000)
            self.assertEqual(got, want)

    def test_signpdf_signs_and_every_reader_still_reads(self):
        """@signpdf/placeholder-plain numbers its objects after the highest
        it finds in the tables: none may replace a packed object. The
        signed file still has its whole structure tree, fields and text
        in qpdf, pikepdf, MuPDF and pdf.js."""
        self.assertTrue(os.path.isdir(os.path.join(
            archival.JS, "node_modules", "@signpdf")),
            "run: cd tests/js && npm ci")
        key = os.path.join(self.work, "key.pem")
        cert = os.path.join(self.work, "cert.pem")
        p12 = os.path.join(self.work, "cert.p12")
        signed = os.path.join(self.work, "signed.pdf")
        for step in (["openssl", "req", "-x509", "-newkey", "rsa:2048",
                      "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                      "-subj", "/CN=pactdoc pack test"],
                     ["openssl", "pkcs12", "-export", "-inkey", key, "-in",
                      cert, "-out", p12, "-passout", "pass:pw"],
                     ["node", os.path.join(archival.JS, "signpdf-sign.mjs"),
                      self.agreement, signed, p12, "pw"]):
            r = tool(*step)
            self.assertEqual(r.returncode, 0, (step, r.stderr))
        # qpdf: only the two quirks signpdf's own update has on any file
        # (libharu's unpacked output too)
        r = tool("qpdf", "--check", signed)
        out = (r.stdout + r.stderr).decode()
        self.assertIn(r.returncode, (0, 3), out)
        other = [w for w in re.findall(r"WARNING: (.*)", out)
                 if "extraneous whitespace seen before xref" not in w and
                 "reported number of objects" not in w]
        self.assertEqual(other, [])
        with pikepdf.open(self.agreement) as a, pikepdf.open(signed) as b:
            size = int(a.trailer.Size)
            self.assertEqual(len(b.Root.StructTreeRoot.K[0].K),
                             len(a.Root.StructTreeRoot.K[0].K))
            self.assertEqual([str(f.T) for f in b.Root.AcroForm.Fields][:2],
                             ["applicant_signature", "commission_signature"])
            new = [f.objgen[0] for f in b.Root.AcroForm.Fields][2:]
            self.assertEqual(len(new), 1)
            self.assertGreaterEqual(new[0], size)
        got, want = self._texts(signed), self._texts(self.agreement)
        self.assertEqual(got[1:], want[1:])     # MuPDF, pdf.js

    def test_smaller_than_libharu_alone(self):
        # libharu's own output was 34,704 (declaration) and 40,180 bytes
        # (agreement) for this applicant; the packer saves 6.5-8 KB
        self.assertLess(os.path.getsize(self.declaration), 30500)
        self.assertLess(os.path.getsize(self.agreement), 34500)


if __name__ == "__main__":
    unittest.main()
