#!/usr/bin/python3
"""make-icc.py — writes the sRGB ICC profile of pactdoc's PDF/A output
intent, computed here from the sRGB definition (IEC 61966-2.1: the
primaries, the D65 white point and the tone curve), as a C array for
src/pdf/icc.h.

Usage: make-icc.py OUT.c       (the Makefile runs it: build/gen/srgb_icc.c)
       make-icc.py --icc OUT   (the profile's bytes, to inspect)

The profile is the smallest that ICC.1:2001-04 (version 2.1) allows for
a matrix/TRC display (mntr) RGB profile: the header, a tag table, and the
required tags desc, cprt, wtpt, rXYZ, gXYZ, bXYZ, rTRC, gTRC, bTRC. The
three channels share one 64-entry curve (tag data may be shared): linear
interpolation between its points stays within 1e-4 of the sRGB curve in
linear light. The bytes depend on nothing but this script."""
import struct
import sys

# IEC 61966-2.1: chromaticities of the primaries and of the D65 white.
PRIMARIES = [(0.64, 0.33), (0.30, 0.60), (0.15, 0.06)]
WHITE = (0.3127, 0.3290)
# The ICC profile connection space illuminant (D50), as ICC.1 gives it.
D50 = (0.9642, 1.0, 0.8249)
CURVE_POINTS = 64
DESCRIPTION = b"sRGB IEC61966-2.1"   # the output intent's identifier
COPYRIGHT = b"No copyright, use freely"
DATE = (2026, 12, 1, 0, 0, 0)         # fixed: the bytes are reproducible


def xyz(x, y):
    """XYZ with Y = 1 of chromaticity x, y."""
    return (x / y, 1.0, (1.0 - x - y) / y)


def mat_mul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)]
            for i in range(3)]


def mat_vec(a, v):
    return [sum(a[i][k] * v[k] for k in range(3)) for i in range(3)]


def mat_inv(m):
    a, b, c = m[0]
    d, e, f = m[1]
    g, h, i = m[2]
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    return [[(e * i - f * h) / det, (c * h - b * i) / det,
             (b * f - c * e) / det],
            [(f * g - d * i) / det, (a * i - c * g) / det,
             (c * d - a * f) / det],
            [(d * h - e * g) / det, (b * g - a * h) / det,
             (a * e - b * d) / det]]


def colorants():
    """The columns of the RGB -> XYZ matrix, adapted from D65 to D50 with
    the Bradford transform (ICC.1 Annex E)."""
    prim = [xyz(x, y) for x, y in PRIMARIES]
    p = [[prim[j][i] for j in range(3)] for i in range(3)]
    w = xyz(*WHITE)
    s = mat_vec(mat_inv(p), w)
    rgb2xyz = [[p[i][j] * s[j] for j in range(3)] for i in range(3)]
    brad = [[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367],
            [0.0389, -0.0685, 1.0296]]
    src = mat_vec(brad, w)
    dst = mat_vec(brad, D50)
    scale = [[dst[i] / src[i] if i == j else 0.0 for j in range(3)]
             for i in range(3)]
    adapt = mat_mul(mat_inv(brad), mat_mul(scale, brad))
    m = mat_mul(adapt, rgb2xyz)
    return [[m[i][j] for i in range(3)] for j in range(3)], w


def s15(v):
    return struct.pack(">i", int(round(v * 65536)))


def xyz_tag(v):
    return b"XYZ " + bytes(4) + b"".join(s15(c) for c in v)


def curve_tag():
    """curveType: the sRGB decoding function at CURVE_POINTS points."""
    def decode(v):
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    n = CURVE_POINTS
    pts = [int(round(65535 * decode(i / (n - 1)))) for i in range(n)]
    return b"curv" + bytes(4) + struct.pack(">I", n) + \
        b"".join(struct.pack(">H", p) for p in pts)


def desc_tag(text):
    """textDescriptionType (ICC.1:2001-04 6.5.17): ASCII, then empty
    Unicode and ScriptCode descriptions."""
    ascii_ = text + b"\0"
    return (b"desc" + bytes(4) + struct.pack(">I", len(ascii_)) + ascii_ +
            struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + bytes(67))


def text_tag(text):
    return b"text" + bytes(4) + text + b"\0"


def pad4(b):
    return b + bytes(-len(b) % 4)


def profile():
    """The profile's bytes."""
    (r, g, b), white = colorants()
    curve = curve_tag()
    tags = [(b"desc", desc_tag(DESCRIPTION)), (b"cprt", text_tag(COPYRIGHT)),
            (b"wtpt", xyz_tag(white)), (b"rXYZ", xyz_tag(r)),
            (b"gXYZ", xyz_tag(g)), (b"bXYZ", xyz_tag(b)),
            (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve)]
    table = b""
    data = b""
    at = 128 + 4 + 12 * len(tags)
    placed = {}
    for sig, body in tags:
        if body not in placed:
            placed[body] = at + len(data)
            data += pad4(body)
        table += sig + struct.pack(">II", placed[body], len(body))
    size = at + len(data)
    header = (struct.pack(">I", size) + bytes(4) +
              struct.pack(">I", 0x02100000) + b"mntr" + b"RGB " + b"XYZ " +
              struct.pack(">6H", *DATE) + b"acsp" + bytes(4) +
              struct.pack(">I", 0) + bytes(4) + bytes(4) + bytes(8) +
              struct.pack(">I", 0) + b"".join(s15(c) for c in D50) +
              bytes(4) + bytes(44))
    assert len(header) == 128
    out = header + struct.pack(">I", len(tags)) + table + data
    assert len(out) == size
    return out


def c_source(icc):
    lines = ["/* generated by scripts/make-icc.py: the sRGB profile of the "
             "PDF/A output intent */",
             '#include "icc.h"',
             "const unsigned char srgb_icc[] = {"]
    for i in range(0, len(icc), 20):
        lines.append(",".join(str(x) for x in icc[i:i + 20]) + ",")
    lines.append("};")
    lines.append("const size_t srgb_icc_len = sizeof srgb_icc;")
    return "\n".join(lines) + "\n"


def main(argv):
    icc = profile()
    if len(argv) == 3 and argv[1] == "--icc":
        with open(argv[2], "wb") as f:
            f.write(icc)
        return 0
    if len(argv) != 2:
        sys.stderr.write("usage: make-icc.py OUT.c | --icc OUT\n")
        return 2
    with open(argv[1], "w", encoding="ascii") as f:
        f.write(c_source(icc))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
