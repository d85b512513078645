"""Page breaks as a reader sees them, from the tagged PDF (pikepdf): each
marked-content sequence of a page belongs, through the ParentTree, to a
structure element (a heading H1..H6, a paragraph P, a list body LBody, a
table cell); its lines are the distinct baselines its text is set on
(the y of the text line matrices inside it, set by Tm or moved by Td). From that: a page that ends
with a heading, a heading followed by fewer than two lines on its page,
a paragraph split with a single line on either page (orphan, widow)."""
import pikepdf

HEADINGS = {"/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}
TEXT = {"/P", "/LBody", "/TD", "/TH"}


def _numbers(node, out):
    """The /Nums of a number tree (and its kids) into out."""
    if "/Nums" in node:
        nums = list(node.Nums)
        for i in range(0, len(nums), 2):
            out[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids", []):
        _numbers(kid, out)
    return out


def _page_elements(page, parents):
    """[(element id, type, [baselines])] of one page, in content order."""
    arr = parents.get(int(page.obj.get("/StructParents", -1)))
    stack, found, order = [], {}, []
    lm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]    # the text line matrix
    if arr is None:
        return []
    for operands, op in pikepdf.parse_content_stream(page):
        name = str(op)
        if name == "BDC":
            props = operands[1]
            mcid = (props.get("/MCID")
                    if isinstance(props, pikepdf.Dictionary) else None)
            stack.append(int(mcid) if mcid is not None else None)
        elif name == "BMC":
            stack.append(None)
        elif name == "EMC":
            if stack:
                stack.pop()
        elif name == "BT":
            lm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        elif name in ("Tm", "Td", "TD"):
            if name == "Tm":
                lm = [float(v) for v in operands]
            else:       # a move from the start of the line (PDF 9.4.2)
                tx, ty = float(operands[0]), float(operands[1])
                lm[4] += tx * lm[0] + ty * lm[2]
                lm[5] += tx * lm[1] + ty * lm[3]
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is None:
                continue
            el = arr[mcid]
            key = el.objgen
            if key not in found:
                found[key] = (str(el.S), set())
                order.append(key)
            found[key][1].add(round(lm[5], 1))
    return [(k, found[k][0], sorted(found[k][1], reverse=True))
            for k in order]


def pages(pdf_path):
    """[[(element id, type, [baselines, top first])] per page]."""
    with pikepdf.open(pdf_path) as pdf:
        parents = _numbers(pdf.Root.StructTreeRoot.ParentTree, {})
        return [_page_elements(p, parents) for p in pdf.pages]


def defects(pdf_path):
    """What is wrong with the page breaks of a document: [str]."""
    found = []
    doc = pages(pdf_path)
    for p, elems in enumerate(doc[:-1]):
        text = [e for e in elems if e[1] in HEADINGS | TEXT]
        if not text:
            continue
        bottom = min(text, key=lambda e: e[2][-1])
        if bottom[1] in HEADINGS:
            found.append("page %d ends with a heading (%s)"
                         % (p + 1, bottom[1]))
        heads = [e for e in text if e[1] in HEADINGS]
        if heads:
            y = heads[-1][2][-1]
            below = {b for e in text if e[1] in TEXT for b in e[2] if b < y}
            if len(below) < 2:
                found.append("page %d: its last heading is followed by %d "
                             "line(s)" % (p + 1, len(below)))
        after = {e[0]: e for e in doc[p + 1]}
        for key, kind, lines in text:
            if kind not in ("/P", "/LBody") or key not in after:
                continue
            if len(lines) == 1:
                found.append("page %d ends with an orphan (%s)"
                             % (p + 1, kind))
            if len(after[key][2]) == 1:
                found.append("page %d starts with a widow (%s)"
                             % (p + 2, kind))
    return found
