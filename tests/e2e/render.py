"""Renders the first page of every sample document to a small grayscale
PNG and compares it with the reviewed reference in tests/data/render/.
Used by test_render.py; run as a script (scripts/render-refs.sh) it
rewrites every reference after a deliberate change."""
import glob
import os
import subprocess
import sys
import tempfile

import pngio
from harness import ROOT, SAMPLES

REFS = os.path.join(ROOT, "tests", "data", "render")
DATE = "2026-11-23"
DPI = 50
# A pixel "differs" when its gray level moves by more than this (0-255);
# a page fails when more than MAX_DIFFERING_PIXELS pixels differ.
# Measured with Debian 12's mutool 1.21.1 at 50 dpi: rendering the same PDF
# twice differs by 0 pixels; one letter changed in a name (i->l, g->q)
# by 6-13; one blank 10 pt glyph by about 15, a missing word by 60+, a
# moved line by hundreds. Another mutool version or anti-aliasing level
# (-A 4) moves about 335 pixels of the thin rules: review and regenerate.
PIXEL_TOLERANCE = 32
MAX_DIFFERING_PIXELS = 4


def generate(pactdoc, outdir):
    """Generates the sample documents into outdir; returns the sorted
    list of PDF paths. Raises RuntimeError when generate fails."""
    proc = subprocess.run([pactdoc, "generate", "-q", "-o", outdir,
                           "--date", DATE, SAMPLES],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError("pactdoc generate exited %d: %s"
                           % (proc.returncode, proc.stderr[-2000:]))
    return sorted(p for p in glob.glob(os.path.join(outdir, "*", "*.pdf"))
                  if os.path.basename(os.path.dirname(p)) != "packages")


def draw_first_page(pdf, png, dpi=DPI):
    """Renders page 1 of pdf to png (8-bit gray); RuntimeError on failure."""
    proc = subprocess.run(["mutool", "draw", "-q", "-r", str(dpi), "-c",
                           "gray", "-o", png, pdf, "1"],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0 or not os.path.exists(png):
        raise RuntimeError("mutool draw %s failed: %s" % (pdf, proc.stderr))


def reference_path(pdf):
    return os.path.join(REFS, os.path.basename(pdf)[:-len(".pdf")] + ".png")


def compare(expected, actual):
    """Compares two (width, height, pixels) images. Returns (count, box):
    how many pixels differ by more than PIXEL_TOLERANCE and the bounding
    box (x0, y0, x1, y1) of them, or None; count is -1 when sizes differ."""
    ew, eh, ep = expected
    aw, ah, ap = actual
    if (ew, eh) != (aw, ah):
        return -1, None
    count, x0, y0, x1, y1 = 0, ew, eh, -1, -1
    for i in range(len(ep)):
        if abs(ep[i] - ap[i]) > PIXEL_TOLERANCE:
            count += 1
            x, y = i % ew, i // ew
            x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
    return count, ((x0, y0, x1, y1) if count else None)


def diff_image(expected, actual):
    """A gray image: white where the two agree, the actual page faintly,
    black where they differ by more than PIXEL_TOLERANCE."""
    w, h, ep = expected
    _, _, ap = actual
    out = bytearray(w * h)
    for i in range(w * h):
        if abs(ep[i] - ap[i]) > PIXEL_TOLERANCE:
            out[i] = 0
        else:
            out[i] = 192 + ap[i] // 4
    return w, h, bytes(out)


def write_references(pactdoc):
    """Regenerates every reference PNG; removes references of documents
    the samples no longer produce. Returns the total size in bytes."""
    os.makedirs(REFS, exist_ok=True)
    total, wanted = 0, set()
    with tempfile.TemporaryDirectory(prefix="pactdoc-refs-") as tmp:
        for pdf in generate(pactdoc, os.path.join(tmp, "out")):
            raw = os.path.join(tmp, "page.png")
            draw_first_page(pdf, raw)
            ref = reference_path(pdf)
            pngio.write_gray(ref, *pngio.read_gray(raw))
            wanted.add(ref)
            total += os.path.getsize(ref)
    for old in glob.glob(os.path.join(REFS, "*.png")):
        if old not in wanted:
            os.remove(old)
            print("removed %s" % os.path.relpath(old, ROOT))
    print("%d references in %s, %d bytes"
          % (len(wanted), os.path.relpath(REFS, ROOT), total))
    return total


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: render.py PACTDOC   (rewrites tests/data/render/*.png)")
    write_references(os.path.abspath(sys.argv[1]))
