"""Typographic measures of generated PDFs, read with poppler's
`pdftotext -bbox` and qpdf's JSON (issue 9):

- word-gap ratio of a line: the median gap between the words of a line of
  six or more words, divided by the width of a normal space of the line's
  size (Pactdoc Sans: 651/2048 em; the size is the word box height / 1.164);
- hyphen runs: consecutive lines ending in a hyphen;
- the signature page: the page holding the signature fields, and the body
  text lines above the first field there.

Usable as a script: typometrics.py PDF... prints one summary line."""
import json
import re
import statistics
import subprocess
import sys

SPACE_EM = 651 / 2048
BOX_PER_SIZE = 1.164          # pdftotext word box height / font size
WORD_RE = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" '
                     r'xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
PAGE_H = 841.89


def unescape(s):
    return (s.replace("&lt;", "<").replace("&gt;", ">")
            .replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))


def lines_by_page(pdf):
    """[[line, ...] per page]; a line is a list of (x0, y0, x1, y1, text)
    sorted by x, words grouped by their box's top and height. The footer
    (below y 770) is left out."""
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"], check=True,
                         capture_output=True, text=True).stdout
    pages = []
    for chunk in out.split("<page ")[1:]:
        rows = {}
        for m in WORD_RE.finditer(chunk):
            x0, y0, x1, y1 = (float(m.group(i)) for i in range(1, 5))
            if y0 > 770:
                continue
            key = (round(y0, 1), round(y1 - y0, 1))
            rows.setdefault(key, []).append((x0, y0, x1, y1,
                                             unescape(m.group(5))))
        pages.append([sorted(rows[k]) for k in sorted(rows)])
    return pages


RTL_LANGS = ("ar", "he")        # the right-to-left catalogues
RTL_CHARS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def is_rtl_lang(lang):
    return lang.split("-")[0] in RTL_LANGS


def logical(word):
    """A -bbox word in reading order: pdftotext -bbox gives the letters of
    a right-to-left word in visual order (left to right)."""
    return word[::-1] if RTL_CHARS.search(word) else word


def line_text(line):
    """The words of a line joined in reading order: right to left when
    its words are mostly right-to-left, each word read logically."""
    words = [w[4] for w in line]
    if sum(1 for w in words if RTL_CHARS.search(w)) * 2 > len(words):
        words = [logical(w) for w in reversed(words)]
    return " ".join(words)


def split_columns(line, size):
    """A line's words cut where the gap is wider than 4 em (two columns of
    signature blocks, a label and its value)."""
    parts, cur = [], [line[0]]
    for a, b in zip(line, line[1:]):
        if b[0] - a[2] > 4 * size:
            parts.append(cur)
            cur = []
        cur.append(b)
    parts.append(cur)
    return parts


def line_ratios(pdf, pages=None):
    """[(page, ratio, text)] for every line (or column part) of six or more
    words."""
    result = []
    for p, lines in enumerate(pages or lines_by_page(pdf), 1):
        for line in lines:
            size = (line[0][3] - line[0][1]) / BOX_PER_SIZE
            for part in split_columns(line, size):
                if len(part) < 6:
                    continue
                gaps = [b[0] - a[2] for a, b in zip(part, part[1:])]
                ratio = statistics.median(gaps) / (SPACE_EM * size)
                result.append((p, ratio, " ".join(w[4] for w in part)))
    return result


def hyphen_runs(pages):
    """Lengths of runs of consecutive body lines ending with '-' (lines of
    the same page, in reading order, at the left margin's column)."""
    runs, n = [], 0
    for lines in pages:
        for line in lines:
            if line[-1][4].endswith("-") and len(line[-1][4]) > 1:
                n += 1
            else:
                if n:
                    runs.append(n)
                n = 0
        if n:
            runs.append(n)
        n = 0
    return runs


def widgets(pdf):
    """{field name: (page number, [x0, y0, x1, y1])} of the signature
    widgets: the widget's /Rect and the page its /P names (qpdf --json)."""
    js = json.loads(subprocess.run(["qpdf", "--json=1", pdf], check=True,
                                   capture_output=True, text=True).stdout)
    page_no = {pg["object"]: i for i, pg in enumerate(js["pages"], 1)}
    result = {}
    for obj in js["objects"].values():
        if isinstance(obj, dict) and obj.get("/FT") == "/Sig":
            result[obj.get("/T")] = (page_no.get(obj.get("/P")),
                                     obj.get("/Rect"))
    return result


def signature_headings(root):
    """The texts of common:heading.signatures in every catalogue."""
    import glob
    import os
    texts = set()
    for path in glob.glob(os.path.join(root, "locales", "*.xlf")):
        with open(path, encoding="utf-8") as f:
            m = re.search(r'<unit id="heading.signatures">(.*?)</unit>',
                          f.read(), re.S)
        if m:
            texts.update(t.strip() for t in re.findall(
                r"<(?:source|target)>([^<]+)</", m.group(1)))
    return texts


def body_above_signatures(pdf, headings, pages=None):
    """{field: number of lines of body text (10.5 pt) above the signatures'
    heading on the page of the field}. The heading is the line reading
    one of `headings`; a page without it counts 0."""
    pages = pages or lines_by_page(pdf)
    result = {}
    for name, (page, rect) in widgets(pdf).items():
        lines = pages[page - 1]
        top = 0
        for line in lines:
            if line_text(line) in headings:
                top = line[0][1]
        n = 0
        for line in lines:
            size = (line[0][3] - line[0][1]) / BOX_PER_SIZE
            if line[0][1] < top and abs(size - 10.5) < 0.3:
                n += 1
        result[name] = n
    return result


def summary(pdfs, root):
    headings = signature_headings(root)
    sig_only = split = 0
    n_lines = over = 0
    worst = (0, "", 0, "")
    runs3 = 0
    for pdf in pdfs:
        pages = lines_by_page(pdf)
        for p, r, text in line_ratios(pdf, pages):
            n_lines += 1
            if r > 2.0:
                over += 1
            if r > worst[0]:
                worst = (r, pdf, p, text)
        runs3 += sum(1 for n in hyphen_runs(pages) if n > 2)
        above = body_above_signatures(pdf, headings, pages)
        sig_only += any(n < 2 for n in above.values())
        w = widgets(pdf)
        split += len(set(p for p, _ in w.values())) > 1
    return n_lines, over, worst, runs3, sig_only, split


if __name__ == "__main__":
    import os
    root = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    n_lines, over, worst, runs3, sig_only, split = summary(sys.argv[1:], root)
    print("documents %d, lines of 6+ words %d, over 2.0x %d, worst %.2fx "
          "(%s p%d: %s), hyphen runs > 2: %d, signature pages without 2 body "
          "lines above: %d, signature fields on two pages: %d" % (
              len(sys.argv) - 1, n_lines, over, worst[0], worst[1], worst[2],
              worst[3][:60], runs3, sig_only, split))
