#!/usr/bin/python3
"""build-fonts.py — makes pactdoc's shipped fonts from Debian's DejaVu Sans.

Usage: /usr/bin/python3 scripts/build-fonts.py OUTDIR   (run by `make fonts`)

Cuts DejaVuSans.ttf and DejaVuSans-Bold.ttf (package fonts-dejavu-core) to
two ranges of scripts ("core" and "world"), decomposes every composite glyph
into plain outlines (libharu 2.3.0 embeds only one level of composites, so
bold "š" drew as "s" and Greek "ο" blank), drops hinting and every table
libharu does not need, renames the families (the Bitstream Vera licence
requires a modified font to change its name) and writes byte-identical
files on every run. Also writes OUTDIR/fontset.txt (the fallback chains).
"""

import io
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import ttProgram

SOURCE_DIR = "/usr/share/fonts/truetype/dejavu"
SOURCES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}


def ranges(*pairs):
    """The code points of inclusive (first, last) pairs."""
    out = set()
    for first, last in pairs:
        out.update(range(first, last + 1))
    return out


# Latin (every EU language and the other Latin-script names the Covenant
# meets), Greek, Cyrillic (Bulgarian, Serbian, Ukrainian, Kyrgyz, …),
# punctuation, typographic quotes, dashes, №, €, bullets, NBSP.
CORE = ranges(
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement (NBSP, «», ·, …)
    (0x0100, 0x017F),  # Latin Extended-A
    (0x0180, 0x024F),  # Latin Extended-B (Romanian ș ț, …)
    (0x0250, 0x02AF),  # IPA Extensions (ə in Azerbaijani names)
    (0x02B0, 0x02FF),  # Spacing Modifier Letters (ʼ, ˇ, ˘ …)
    (0x0300, 0x036F),  # Combining Diacritical Marks
    (0x0370, 0x03FF),  # Greek and Coptic
    (0x1F00, 0x1FFF),  # Greek Extended
    (0x0400, 0x04FF),  # Cyrillic (Kyrgyz ң ө ү, Serbian ђ ћ, Ukrainian є ї ґ)
    (0x0500, 0x052F),  # Cyrillic Supplement
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Welsh ŵ, Vietnamese)
    (0x2000, 0x206F),  # General Punctuation (quotes, dashes, bullets, …)
    (0x2070, 0x209F),  # Superscripts and Subscripts
    (0x20A0, 0x20CF),  # Currency Symbols (€)
    (0x2100, 0x214F),  # Letterlike Symbols (№, ™)
    (0x2190, 0x2193),  # arrows
    (0x2212, 0x2212),  # minus sign
    (0x2022, 0x2022),  # bullet
    (0x25A0, 0x25A1), (0x25AA, 0x25AB), (0x25CB, 0x25CB),
    (0x25CF, 0x25CF), (0x25E6, 0x25E6),  # geometric bullets
    (0x2713, 0x2714), (0x2717, 0x2718),  # check marks
    (0xFB00, 0xFB06),  # Latin ligatures
    (0xFFFD, 0xFFFD),  # replacement character
)

# Right-to-left and other scripts: Armenian, Georgian, Hebrew, Arabic with
# its presentation forms (a record may hold them; HarfBuzz's joining
# forms are these glyphs too, reached through GSUB).
WORLD = ranges(
    (0x0020, 0x0020), (0x00A0, 0x00A0),
    (0x0530, 0x058F),  # Armenian
    (0xFB13, 0xFB17),  # Armenian ligatures
    (0x10A0, 0x10FF),  # Georgian
    (0x2D00, 0x2D2F),  # Georgian Supplement
    (0x0590, 0x05FF),  # Hebrew
    (0xFB1D, 0xFB4F),  # Hebrew presentation forms
    (0x0600, 0x06FF),  # Arabic
    (0x0750, 0x077F),  # Arabic Supplement
    (0xFB50, 0xFDFF),  # Arabic Presentation Forms-A
    (0xFE70, 0xFEFF),  # Arabic Presentation Forms-B
)

# GPOS features HarfBuzz applies when pactdoc shapes a run
# (src/resources/fontset.c): kerning and the mark anchors.
GPOS_FEATURES = ["kern", "mark", "mkmk"]
# GSUB features kept, and only under the Arabic script: the joining forms
# and the lam-alef ligatures come from the font's own tables (HarfBuzz's
# Arabic shaper). Every other script keeps one glyph per character (no
# Latin "fi" ligature, no Hebrew or Armenian ligatures), as the text layer
# expects; "ccmp" is left out so marks stay glyphs of their own.
ARABIC_GSUB_FEATURES = ["init", "medi", "fina", "isol", "rlig", "liga"]

FAMILIES = {
    # key: (family, code points, output stem, GSUB features kept)
    "core": ("Pactdoc Sans", CORE, "PactdocSans", []),
    "world": ("Pactdoc Sans World", WORLD, "PactdocSansWorld",
              ARABIC_GSUB_FEATURES),
}

# Tables kept in the output; everything else (kern, MATH, FFTM, gasp,
# hinting, and GSUB where no feature is kept) is dropped. GPOS and GDEF
# stay, cut to GPOS_FEATURES; GSUB only in the world fonts, cut to the
# Arabic joining features.
KEEP_TABLES = {"head", "hhea", "maxp", "OS/2", "hmtx", "cmap", "loca",
               "glyf", "name", "post", "GPOS", "GDEF", "GSUB"}


def arabic_only_gsub(font):
    """Leaves in GSUB only the script records of Arabic, so that no other
    script's text is ever substituted, then lets the subsetter drop the
    features and lookups no script uses any more."""
    if "GSUB" not in font:
        return
    table = font["GSUB"].table
    table.ScriptList.ScriptRecord = [r for r in table.ScriptList.ScriptRecord
                                     if r.ScriptTag == "arab"]
    table.ScriptList.ScriptCount = len(table.ScriptList.ScriptRecord)


def cut(font, unicodes, gsub_features):
    """Subsets font in place to the glyphs of `unicodes` (and the glyphs
    gsub_features reach from them), unhinted."""
    opts = subset.Options()
    opts.hinting = False
    opts.layout_features = GPOS_FEATURES + gsub_features
    opts.layout_scripts = ["*"]
    opts.glyph_names = False
    opts.notdef_outline = True
    opts.recalc_timestamp = False
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.drop_tables += ["kern", "MATH", "FFTM",
                         "gasp", "hdmx", "LTSH", "VDMX", "DSIG", "BASE",
                         "JSTF", "PCLT"]
    if not gsub_features:
        opts.drop_tables.append("GSUB")
    arabic_only_gsub(font)
    sub = subset.Subsetter(options=opts)
    sub.populate(unicodes=sorted(unicodes))
    sub.subset(font)
    for tag in list(font.keys()):
        if tag != "GlyphOrder" and tag not in KEEP_TABLES:
            del font[tag]


def decompose(font):
    """Replaces every composite glyph by a simple glyph with the same
    outline: the components' points, transformed and rounded."""
    glyf = font["glyf"]
    for name in font.getGlyphOrder():
        glyph = glyf[name]
        if not glyph.isComposite():
            continue
        coords, end_pts, flags = glyph.getCoordinates(glyf)
        coords.toInt()
        glyph.components = []
        del glyph.components
        glyph.numberOfContours = len(end_pts)
        glyph.coordinates = coords
        glyph.endPtsOfContours = list(end_pts)
        glyph.flags = bytearray(f & 0x01 for f in flags)
        glyph.program = ttProgram.Program()
        glyph.program.fromBytecode(b"")
        glyph.recalcBounds(glyf)
    glyf.compile(font)  # validates


def rename(font, family, weight):
    """Gives the modified font its own names (Bitstream Vera licence)."""
    style = "Bold" if weight == "bold" else "Book"
    ps_family = family.replace(" ", "")
    ps_name = ps_family + ("-Bold" if weight == "bold" else "")
    full = family + (" Bold" if weight == "bold" else "")
    names = {
        1: family,
        2: "Bold" if weight == "bold" else "Regular",
        3: "pactdoc: " + full,
        4: full,
        6: ps_name,
        10: ("Cut-down, decomposed, unhinted derivative of DejaVu Sans "
             "made for pactdoc by scripts/build-fonts.py. Not DejaVu."),
        16: family,
        17: style,
    }
    table = font["name"]
    for rec in list(table.names):
        if rec.nameID in (1, 2, 3, 4, 6, 16, 17) or rec.nameID == 10:
            table.removeNames(nameID=rec.nameID)
    for name_id, value in sorted(names.items()):
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)
    # Remove names with no Windows or Mac English record left behind.
    table.names.sort(key=lambda r: (r.platformID, r.platEncID, r.langID,
                                    r.nameID))


def build(src, family, unicodes, weight, gsub_features):
    """Returns the bytes of one built font."""
    font = TTFont(src, recalcTimestamp=False, recalcBBoxes=True)
    cut(font, unicodes, gsub_features)
    decompose(font)
    # A second cut drops the glyphs only composites used.
    buf = io.BytesIO()
    font.save(buf, reorderTables=True)
    font = TTFont(io.BytesIO(buf.getvalue()), recalcTimestamp=False)
    cut(font, unicodes, gsub_features)
    rename(font, family, weight)
    assert not any(font["glyf"][g].isComposite()
                   for g in font.getGlyphOrder()), "composite left"
    out = io.BytesIO()
    font.recalcTimestamp = False
    font.save(out, reorderTables=True)
    return out.getvalue()


def write_if_changed(path, data):
    """Writes data to path; leaves the file alone when it is the same."""
    if os.path.exists(path):
        with open(path, "rb") as f:
            if f.read() == data:
                return
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


FONTSET = """\
# fontset.txt — pactdoc's fonts and their fallback chains (written by
# scripts/build-fonts.py). One "FACE FILE" per line; for each face the
# fonts are tried in order and the first that has a glyph draws it.
regular PactdocSans.ttf
regular PactdocSansWorld.ttf
bold PactdocSans-Bold.ttf
bold PactdocSansWorld-Bold.ttf
"""


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: build-fonts.py OUTDIR\n")
        return 2
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    for key in ("core", "world"):
        family, unicodes, stem, gsub_features = FAMILIES[key]
        for weight, src_name in sorted(SOURCES.items()):
            src = os.path.join(SOURCE_DIR, src_name)
            data = build(src, family, unicodes, weight, gsub_features)
            name = stem + ("-Bold" if weight == "bold" else "") + ".ttf"
            write_if_changed(os.path.join(outdir, name), data)
            print("build-fonts: %s %d bytes" % (name, len(data)))
    write_if_changed(os.path.join(outdir, "fontset.txt"), FONTSET.encode())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
