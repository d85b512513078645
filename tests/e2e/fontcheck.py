"""Helpers for the font and PDF tests: the shipped fonts, the characters
pactdoc must draw (catalogues and sample records), rendering PDF pages to
grey pixels with mutool, and the test_pdf helper binary."""
import glob
import os
import subprocess
import unicodedata
import xml.parsers.expat

from fontTools.pens.areaPen import AreaPen
from fontTools.ttLib import TTFont

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FONTS = os.path.join(ROOT, "fonts")

# Never drawn, so never needing a glyph (the set fontset_missing ignores).
INVISIBLE = set([0x09, 0x0A, 0x0D, 0x00AD, 0x034F, 0x061C, 0xFEFF]
                + list(range(0x200B, 0x2010)) + list(range(0x2028, 0x202F))
                + list(range(0x2060, 0x2065)) + list(range(0x2066, 0x206A))
                + list(range(0xFE00, 0xFE10)))

# Characters checked even when no catalogue or sample exists yet: the
# letters libharu 2.3.0 breaks with stock fonts, and each script.
BASELINE = ("šŠžŽčČāēīūģķļņĢĶĻŅ ąęėįųĄĘĖĮŲ őűŐŰ ăâîșțĂÂÎȘȚ ĉĝĥĵŝŭ "
            "οόΌΟάέήίύώΐΰϊϋΆΈΉΊΎΏ ёйЁЙїЇґҐңөүҢӨҮђћљњџЂЋЉЊЏ "
            "„“”‘’«»–—…•·№€ "
            "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ "
            "ԱԲԳԴԵԶԷԸԹԺԻԼԽԾԿՀՁՂՃՄՅՆՇՈՉՊՋՌՍՎՏՐՑՒՓՔՕՖաբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆև "
            "אבגדהוזחטיכלמנסעפצקרשתךםןףץ "
            "ﺍﺏﺑﺒﺐﺕﺗﺘﺖﺡﺣﺤﺢﺩﺭﺱﺳﺴﺲﻉﻋﻌﻊﻑﻓﻔﻒﻝﻟﻠﻞﻡﻣﻤﻢﻥﻧﻨﻦﻩﻫﻬﻪﻭﻱﻳﻴﻲﺓﺔﻻﻼ")


def fontset():
    """[(face, path)] from fonts/fontset.txt, in order."""
    out = []
    with open(os.path.join(FONTS, "fontset.txt"), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            out.append((parts[0], os.path.join(FONTS, parts[1])))
    return out


def chains():
    """{face: [TTFont, ...]} in fallback order."""
    loaded = {}
    result = {}
    for face, path in fontset():
        if path not in loaded:
            loaded[path] = TTFont(path)
        result.setdefault(face, []).append(loaded[path])
    return result


def xml_text(path):
    """The text and attribute values of a well-formed XML file without a
    DTD, or None (such a file is rejected whole and never drawn)."""
    parts = []

    class Refuse(Exception):
        pass

    def refuse(*_args):
        raise Refuse()

    p = xml.parsers.expat.ParserCreate()
    p.StartDoctypeDeclHandler = refuse
    p.EntityDeclHandler = refuse
    p.CharacterDataHandler = parts.append
    p.StartElementHandler = lambda _n, attrs: parts.extend(attrs.values())
    try:
        with open(path, "rb") as f:
            p.ParseFile(f)
    except (xml.parsers.expat.ExpatError, Refuse, ValueError):
        return None
    return unicodedata.normalize("NFC", "".join(parts))


def text_files():
    """The catalogues and every XML file under tests/data, except the
    hostile corpus (tests/data/hostile/): its records exist to be
    rejected, some precisely for characters no font can draw (C1
    controls, fullwidth letters in ids, CJK Extension B)."""
    files = sorted(glob.glob(os.path.join(ROOT, "locales", "*.xlf")))
    files += sorted(p for p in glob.glob(
        os.path.join(ROOT, "tests", "data", "**", "*.xml"), recursive=True)
        if os.sep + "hostile" + os.sep not in p)
    return files


def drawn_chars(text):
    """The distinct characters of text that need a glyph."""
    return sorted(set(c for c in text
                      if ord(c) not in INVISIBLE and ord(c) >= 0x20
                      and c != "\x7f"))


def test_binary(name):
    """Path of a unit-test binary beside the binary under test."""
    pactdoc = os.environ.get("PACTDOC", "build/asan/pactdoc")
    path = os.path.join(ROOT, os.path.dirname(pactdoc), name)
    if not os.path.exists(path):
        path = os.path.join(ROOT, "build", "asan", name)
    return path


def run_helper(env):
    """Runs build/asan/test_pdf with extra environment; returns it."""
    full = dict(os.environ)
    full.update(env)
    full.setdefault("PACTDOC_FONTS", FONTS)
    return subprocess.run([test_binary("test_pdf")], env=full, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def read_manifest(path):
    """Lines label, font, size, x, y, width, text of a helper manifest."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2:
                rows.append({"label": parts[0], "missing": True})
                continue
            label, font, size, x, y, width, text = parts
            rows.append({"label": label, "font": font, "size": float(size),
                         "x": float(x), "y": float(y),
                         "width": float(width), "text": text})
    return rows


class Page:
    """A page rendered to 8-bit grey by mutool draw."""

    def __init__(self, pdf, number, dpi, workdir):
        out = os.path.join(workdir, "page-%d.pgm" % number)
        subprocess.run(["mutool", "draw", "-q", "-r", str(dpi), "-c",
                        "gray", "-o", out, pdf, str(number)], check=True,
                       capture_output=True)
        with open(out, "rb") as f:
            data = f.read()
        fields = []
        pos = 0
        while len(fields) < 4:
            while data[pos:pos + 1].isspace():
                pos += 1
            if data[pos:pos + 1] == b"#":
                pos = data.index(b"\n", pos)
                continue
            end = pos
            while not data[end:end + 1].isspace():
                end += 1
            fields.append(data[pos:end])
            pos = end
        assert fields[0] == b"P5" and fields[3] == b"255"
        self.w, self.h = int(fields[1]), int(fields[2])
        self.pixels = data[pos + 1:]
        self.dpi = dpi

    def ink(self, x0, y0, x1, y1):
        """Ink (0..1 per pixel, summed) in a box given in PDF points from
        the bottom-left, and the pixel rows of the box as bytes."""
        s = self.dpi / 72.0
        px0, px1 = max(0, int(x0 * s)), min(self.w, int(x1 * s) + 1)
        top = self.h - y1 * s
        py0, py1 = max(0, int(top)), min(self.h, int(self.h - y0 * s) + 1)
        total = 0.0
        rows = []
        for py in range(py0, py1):
            row = self.pixels[py * self.w + px0:py * self.w + px1]
            rows.append(bytes(row))
            total += sum(255 - v for v in row) / 255.0
        return total, rows


def glyph_geometry(font_path, char, cache={}):
    """(area in font units², bbox, units per em) of char's glyph."""
    key = (font_path, char)
    if key in cache:
        return cache[key]
    if font_path not in cache:
        cache[font_path] = TTFont(font_path)
    font = cache[font_path]
    name = font.getBestCmap()[ord(char)]
    gs = font.getGlyphSet()
    pen = AreaPen(gs)
    gs[name].draw(pen)
    g = font["glyf"][name]
    bbox = ((g.xMin, g.yMin, g.xMax, g.yMax)
            if getattr(g, "numberOfContours", 0) else None)
    cache[key] = (abs(pen.value), bbox, font["head"].unitsPerEm)
    return cache[key]
