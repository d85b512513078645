"""PDF/A-2 (ISO 19005-2) and PDF/UA-1 (ISO 14289-1, Matterhorn Protocol)
rules, written from the standards and checked with independent readers:
pikepdf (qpdf), fontTools for the embedded font programs, and pdf.js
(tests/js/pdfjs-read.mjs) for the structure tree. Each check returns a
list of problems ("" -free means the rule holds). docs/archival.md lists
the rules checked here and those that cannot be checked."""
import io
import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET

import pikepdf

HERE = os.path.dirname(os.path.abspath(__file__))
JS = os.path.join(os.path.dirname(HERE), "js")

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}
XML_NS = "http://www.w3.org/XML/1998/namespace"
# Schemas of XMP 2004 that PDF/A-2 takes as predefined (§6.6.2.3.1),
# plus the PDF/A ones; any other namespace needs an extension schema.
PREDEFINED = {
    NS["dc"], NS["xmp"], NS["pdf"], NS["pdfaid"], NS["x"], NS["rdf"],
    NS["pdfaExtension"], NS["pdfaSchema"], NS["pdfaProperty"],
    "http://ns.adobe.com/xap/1.0/rights/", "http://ns.adobe.com/xap/1.0/mm/",
    "http://ns.adobe.com/xap/1.0/bj/", "http://ns.adobe.com/xap/1.0/t/pg/",
    "http://ns.adobe.com/xmp/1.0/DynamicMedia/",
    "http://ns.adobe.com/photoshop/1.0/", "http://ns.adobe.com/exif/1.0/",
    "http://ns.adobe.com/tiff/1.0/", "http://ns.adobe.com/camera-raw-settings/1.0/",
}
# ISO 32000-1 §14.8.4 standard structure types.
STANDARD_TYPES = {
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption",
    "TOC", "TOCI", "Index", "NonStruct", "Private", "H", "H1", "H2", "H3",
    "H4", "H5", "H6", "P", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH",
    "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note", "Reference",
    "BibEntry", "Code", "Link", "Annot", "Ruby", "RB", "RT", "RP", "Warichu",
    "WT", "WP", "Figure", "Formula", "Form",
}
TEXT_OPS = {"Tj", "TJ", "'", '"'}


class Doc:
    """One PDF opened for the checks (raw bytes, pikepdf, parsed pages)."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self.data = f.read()
        self.pdf = pikepdf.open(path)
        self.root = self.pdf.Root
        self._ops = None
        self._xmp = None

    def ops(self):
        """Per page, the content stream instructions."""
        if self._ops is None:
            self._ops = [pikepdf.parse_content_stream(p)
                         for p in self.pdf.pages]
        return self._ops

    def xmp(self):
        """The XMP packet: (bytes, ElementTree root)."""
        if self._xmp is None:
            raw = bytes(self.root.Metadata.read_bytes())
            self._xmp = (raw, ET.fromstring(raw))
        return self._xmp


def _parents(doc):
    """The ParentTree as {key: value} (a flat /Nums), or {}."""
    st = doc.root.get("/StructTreeRoot")
    tree = st.get("/ParentTree") if st is not None else None
    nums = list(tree.get("/Nums", [])) if tree is not None else []
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def _elems(doc):
    """Every structure element (pikepdf dicts) in depth-first order, with
    its parent's /S."""
    out = []
    if "/StructTreeRoot" not in doc.root:
        return out

    def walk(node, parent):
        kids = node.get("/K")
        if kids is None:
            return
        if not isinstance(kids, pikepdf.Array):
            kids = [kids]
        for k in kids:
            if isinstance(k, pikepdf.Dictionary) and (
                    k.get("/Type") == "/StructElem" or "/S" in k):
                out.append((k, parent))
                walk(k, str(k.S)[1:])
    walk(doc.root.StructTreeRoot, "StructTreeRoot")
    return out


# ---- PDF/A-2 ------------------------------------------------------------

def header(doc):
    """ISO 19005-2 §6.1.2: the header at offset 0, then a comment of four
    bytes > 127; the version is 1.7, the PDF (ISO 32000-1) PDF/A-2 builds on."""
    m = re.match(rb"%PDF-1\.7\r?\n%([\x80-\xff]{4})", doc.data)
    return [] if m else ["bad header %r" % doc.data[:16]]


def trailer(doc):
    """§6.1.3: /ID in the trailer, no /Encrypt, nothing after %%EOF but
    one end of line."""
    p = []
    if "/ID" not in doc.pdf.trailer:
        p.append("no /ID")
    if "/Encrypt" in doc.pdf.trailer:
        p.append("encrypted")
    if not re.search(rb"%%EOF(\r\n|\r|\n)?$", doc.data):
        p.append("data after %%EOF")
    return p


def streams(doc):
    """§6.1.7.1/§6.1.7.2: no stream uses /F, /FFilter, /FDecodeParms, LZW
    or Crypt; qpdf finds every /Length right."""
    p = []
    for obj in doc.pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            for k in ("/F", "/FFilter", "/FDecodeParms"):
                if k in obj.stream_dict:
                    p.append("stream with %s" % k)
            f = obj.stream_dict.get("/Filter")
            names = [str(x) for x in f] if isinstance(f, pikepdf.Array) else (
                [str(f)] if f is not None else [])
            for n in names:
                if n in ("/LZWDecode", "/Crypt"):
                    p.append("stream filter %s" % n)
    r = subprocess.run(["qpdf", "--check", doc.path], capture_output=True,
                       text=True)
    if r.returncode != 0 or "WARNING" in r.stdout + r.stderr:
        p.append("qpdf --check: " + (r.stdout + r.stderr)[-300:])
    return p


def output_intent(doc):
    """§6.2.3: an output intent /GTS_PDFA1 whose DestOutputProfile is an
    embedded ICC profile (version 2 or 4, class mntr or prtr) with /N equal
    to its colour space's components."""
    p = []
    intents = doc.root.get("/OutputIntents")
    if not intents:
        return ["no /OutputIntents"]
    found = [i for i in intents if i.get("/S") == "/GTS_PDFA1"]
    if len(found) != 1:
        return ["%d GTS_PDFA1 output intents" % len(found)]
    prof = found[0].get("/DestOutputProfile")
    if prof is None:
        return ["no DestOutputProfile"]
    icc = bytes(prof.read_bytes())
    if len(icc) < 128 or icc[36:40] != b"acsp":
        return ["DestOutputProfile is not an ICC profile"]
    if icc[8] not in (2, 4):
        p.append("ICC version %d" % icc[8])
    if icc[12:16] not in (b"mntr", b"prtr"):
        p.append("ICC class %r" % icc[12:16])
    comps = {b"RGB ": 3, b"GRAY": 1, b"CMYK": 4}.get(icc[16:20])
    if comps is None or int(prof.stream_dict.get("/N", 0)) != comps:
        p.append("/N does not match the profile's colour space")
    if "/OutputConditionIdentifier" not in found[0]:
        p.append("no OutputConditionIdentifier")
    return p


def device_colour(doc):
    """§6.2.4.3: device colour only where the output intent allows it: with
    an RGB intent, DeviceGray and DeviceRGB, never DeviceCMYK (k, K, or a
    /DeviceCMYK colour space)."""
    p = []
    for n, ops in enumerate(doc.ops(), 1):
        for ins in ops:
            op = str(ins.operator)
            if op in ("k", "K"):
                p.append("page %d: CMYK operator %s" % (n, op))
            if op in ("cs", "CS") and str(ins.operands[0]) == "/DeviceCMYK":
                p.append("page %d: DeviceCMYK" % n)
    if b"/DeviceCMYK" in doc.data:
        p.append("a /DeviceCMYK colour space")
    return p


def _fonts(doc):
    """(page number, resource name, Type0 font dict) for every font used."""
    out = []
    for n, page in enumerate(doc.pdf.pages, 1):
        fonts = page.get("/Resources", {}).get("/Font", {})
        for name, f in fonts.items():
            out.append((n, name, f))
    return out


def fonts_embedded(doc):
    """§6.2.11.4.1 (and ISO 14289-1 §7.21.4.1): every font program is
    embedded."""
    p = []
    for n, name, f in _fonts(doc):
        fd = (f.DescendantFonts[0] if "/DescendantFonts" in f else f).get(
            "/FontDescriptor")
        if fd is None or not any(k in fd for k in ("/FontFile", "/FontFile2",
                                                   "/FontFile3")):
            p.append("page %d: font %s not embedded" % (n, name))
    return p


def _tounicode(f):
    """{cid: str} from a font's ToUnicode CMap (bfchar and bfrange)."""
    data = bytes(f.ToUnicode.read_bytes()).decode("latin-1")
    m = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>",
                                   block):
            m[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for a, b, dst in re.findall(
                r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>",
                block):
            base = int(dst, 16)
            for i, cid in enumerate(range(int(a, 16), int(b, 16) + 1)):
                m[cid] = chr(base + i)
    return m


def _shown(doc):
    """(page, font dict, cid) for every glyph drawn by a text operator."""
    out = []
    for n, (page, ops) in enumerate(zip(doc.pdf.pages, doc.ops()), 1):
        fonts = page.get("/Resources", {}).get("/Font", {})
        font = None
        for ins in ops:
            op = str(ins.operator)
            if op == "Tf":
                font = fonts.get(str(ins.operands[0]))
            elif op in TEXT_OPS:
                strings = []
                for o in ins.operands:
                    if isinstance(o, pikepdf.Array):
                        strings += [x for x in o if isinstance(x, pikepdf.String)]
                    elif isinstance(o, pikepdf.String):
                        strings.append(o)
                for s in strings:
                    b = bytes(s)
                    for i in range(0, len(b) - 1, 2):
                        out.append((n, font, b[i] << 8 | b[i + 1]))
    return out


def tounicode(doc):
    """§6.2.11.7.2 (level A) and ISO 14289-1 §7.21.7: every font has a
    ToUnicode CMap, and every glyph drawn maps to a real character (not
    0, U+FEFF, U+FFFE or U+FFFF)."""
    p = []
    maps = {}
    for n, name, f in _fonts(doc):
        if "/ToUnicode" not in f:
            p.append("page %d: font %s has no ToUnicode" % (n, name))
        else:
            maps[f.objgen] = _tounicode(f)
    for n, f, cid in _shown(doc):
        u = maps.get(f.objgen, {}).get(cid) if f is not None else None
        if not u or any(ord(ch) in (0, 0xFEFF, 0xFFFE, 0xFFFF) for ch in u):
            p.append("page %d: glyph %d has no Unicode value" % (n, cid))
    return p


def notdef(doc):
    """§6.2.11.8 (and ISO 14289-1 §7.21.8): no .notdef glyph (CID 0 with
    Identity-H and CIDToGIDMap /Identity) is drawn."""
    p = []
    for n, f, cid in _shown(doc):
        if cid == 0:
            p.append("page %d: .notdef drawn" % n)
        if f is not None and "/DescendantFonts" in f:
            m = f.DescendantFonts[0].get("/CIDToGIDMap")
            if m is not None and m != "/Identity":
                p.append("page %d: a CIDToGIDMap stream (unchecked)" % n)
    return p


def widths(doc):
    """§6.2.11.5: the widths in the font dictionary (/W) equal the advance
    widths of the embedded TrueType program (within 1/1000 em)."""
    from fontTools.ttLib import TTFont
    p = []
    seen = set()
    for n, name, f in _fonts(doc):
        if f.objgen in seen or "/DescendantFonts" not in f:
            continue
        seen.add(f.objgen)
        cid = f.DescendantFonts[0]
        prog = cid.FontDescriptor.get("/FontFile2")
        if prog is None:
            continue
        tt = TTFont(io.BytesIO(bytes(prog.read_bytes())))
        upem = tt["head"].unitsPerEm
        order = tt.getGlyphOrder()
        w = list(cid.get("/W", []))
        i = 0
        while i < len(w):
            first = int(w[i])
            if isinstance(w[i + 1], pikepdf.Array):
                for k, v in enumerate(w[i + 1]):
                    gid = first + k
                    adv = tt["hmtx"][order[gid]][0] * 1000.0 / upem
                    if abs(float(v) - adv) > 1:
                        p.append("font %s glyph %d: /W %s, program %.1f"
                                 % (name, gid, v, adv))
                i += 2
            else:
                i += 3
    return p


def annotations(doc):
    """§6.3.1, §6.3.2: only permitted annotation types; each has /F with
    Print set and Hidden, Invisible, NoView, ToggleNoView clear; no /CA
    other than 1."""
    p = []
    allowed = {"/Widget", "/Link", "/Text", "/FreeText", "/Line", "/Square",
               "/Circle", "/Polygon", "/PolyLine", "/Highlight", "/Underline",
               "/Squiggly", "/StrikeOut", "/Stamp", "/Caret", "/Ink",
               "/Popup", "/FileAttachment", "/PrinterMark", "/TrapNet",
               "/Watermark", "/Redact"}
    for n, page in enumerate(doc.pdf.pages, 1):
        for a in page.get("/Annots", []):
            if str(a.get("/Subtype")) not in allowed:
                p.append("page %d: annotation %s" % (n, a.get("/Subtype")))
            fl = int(a.get("/F", 0))
            if not fl & 4:
                p.append("page %d: annotation without the Print flag" % n)
            if fl & (1 | 2 | 32 | 256):
                p.append("page %d: annotation hidden or not viewed" % n)
            if "/CA" in a and float(a.CA) != 1.0:
                p.append("page %d: annotation /CA" % n)
    return p


def appearances(doc):
    """§6.3.3: every annotation (but Popup) has an appearance dictionary
    with only /N, a stream (a subdictionary only for buttons)."""
    p = []
    for n, page in enumerate(doc.pdf.pages, 1):
        for a in page.get("/Annots", []):
            if a.get("/Subtype") == "/Popup":
                continue
            ap = a.get("/AP")
            if ap is None:
                p.append("page %d: annotation without /AP" % n)
                continue
            if set(ap.keys()) != {"/N"}:
                p.append("page %d: /AP with %s" % (n, sorted(ap.keys())))
            if a.get("/FT") != "/Btn" and not isinstance(ap.get("/N"),
                                                         pikepdf.Stream):
                p.append("page %d: /AP /N is not a stream" % n)
    return p


def forms(doc):
    """§6.4.1: no /NeedAppearances true; widgets carry no /A or /AA; no
    XFA (§6.4.2)."""
    p = []
    af = doc.root.get("/AcroForm")
    if af is not None:
        if bool(af.get("/NeedAppearances", False)):
            p.append("NeedAppearances true")
        if "/XFA" in af:
            p.append("XFA")
    for n, page in enumerate(doc.pdf.pages, 1):
        for a in page.get("/Annots", []):
            if a.get("/Subtype") == "/Widget" and ("/A" in a or "/AA" in a):
                p.append("page %d: widget with an action" % n)
    return p


def actions(doc):
    """§6.5: no JavaScript, no additional actions on the catalog or pages,
    no optional content (§6.9), no embedded files (§6.8)."""
    p = []
    if b"/JavaScript" in doc.data or b"/JS " in doc.data:
        p.append("JavaScript")
    if "/AA" in doc.root:
        p.append("catalog /AA")
    for n, page in enumerate(doc.pdf.pages, 1):
        if "/AA" in page:
            p.append("page %d: /AA" % n)
    if "/OCProperties" in doc.root:
        p.append("optional content")
    if "/Names" in doc.root and "/EmbeddedFiles" in doc.root.Names:
        p.append("embedded files")
    return p


def metadata_stream(doc):
    """§6.6.2.1: the catalog's /Metadata is an unfiltered XMP stream whose
    packet header has neither bytes nor encoding attributes, and which is
    well-formed XML."""
    md = doc.root.get("/Metadata")
    if md is None:
        return ["no /Metadata"]
    p = []
    if "/Filter" in md.stream_dict:
        p.append("metadata stream is filtered")
    raw = bytes(md.read_bytes())
    head = re.match(rb"<\?xpacket begin=([^?]*)\?>", raw)
    if head is None:
        p.append("no xpacket header")
    elif re.search(rb"\b(bytes|encoding)=", head.group(1)):
        p.append("xpacket header with bytes/encoding")
    if not raw.rstrip().endswith(b"?>") or b"<?xpacket end=" not in raw:
        p.append("no xpacket trailer")
    try:
        doc.xmp()
    except ET.ParseError as e:
        p.append("XMP is not well-formed: %s" % e)
    return p


def _xmp_values(doc):
    if "/Metadata" not in doc.root:
        return {k: None for k in ("Title", "Subject", "Author", "Creator",
                                  "Producer", "CreationDate", "ModDate",
                                  "part", "conformance", "uapart")} | {
                                      "title_langs": []}
    _, root = doc.xmp()
    desc = root.findall(".//rdf:Description", NS)
    v = {}

    def one(path):
        for d in desc:
            e = d.find(path, NS)
            if e is not None:
                return e
        return None

    def alt_default(tag):
        e = one(tag + "/rdf:Alt")
        if e is None:
            return None
        for li in e.findall("rdf:li", NS):
            if li.get("{%s}lang" % XML_NS) == "x-default":
                return li.text or ""
        return None
    v["Title"] = alt_default("dc:title")
    v["Subject"] = alt_default("dc:description")
    seq = one("dc:creator/rdf:Seq")
    v["Author"] = ([li.text for li in seq.findall("rdf:li", NS)]
                   if seq is not None else None)
    for key, tag in (("Creator", "xmp:CreatorTool"),
                     ("Producer", "pdf:Producer"),
                     ("CreationDate", "xmp:CreateDate"),
                     ("ModDate", "xmp:ModifyDate"),
                     ("part", "pdfaid:part"),
                     ("conformance", "pdfaid:conformance"),
                     ("uapart", "pdfuaid:part")):
        e = one(tag)
        v[key] = e.text if e is not None else None
    v["title_langs"] = [li.get("{%s}lang" % XML_NS)
                        for li in (one("dc:title/rdf:Alt") or [])]
    return v


def _pdf_date(s):
    """'D:20261123000000+00'00'' -> '2026-11-23T00:00:00+00:00'."""
    m = re.match(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)([+-])(\d\d)'(\d\d)",
                 s)
    if not m:
        return None
    g = m.groups()
    return "%s-%s-%sT%s:%s:%s%s%s:%s" % g


def info_matches_xmp(doc):
    """§6.6.2.3.1 (Table 1): each Info entry equals its XMP property:
    Title = dc:title, Author = dc:creator (one entry), Subject =
    dc:description, Creator = xmp:CreatorTool, Producer = pdf:Producer,
    CreationDate = xmp:CreateDate, ModDate = xmp:ModifyDate."""
    p = []
    info = doc.pdf.trailer.get("/Info", {})
    x = _xmp_values(doc)
    for key in ("Title", "Subject", "Creator", "Producer"):
        if "/" + key in info and str(info["/" + key]) != x[key]:
            p.append("%s: Info %r, XMP %r" % (key, str(info["/" + key]),
                                               x[key]))
    if "/Author" in info and x["Author"] != [str(info.Author)]:
        p.append("Author: Info %r, XMP %r" % (str(info.Author), x["Author"]))
    for key in ("CreationDate", "ModDate"):
        if "/" + key in info and _pdf_date(str(info["/" + key])) != x[key]:
            p.append("%s: Info %r, XMP %r" % (key, str(info["/" + key]),
                                               x[key]))
    return p


def extension_schemas(doc):
    """§6.6.2.3.2: every namespace the XMP uses is a predefined schema or
    is described by a pdfaExtension schema (namespaceURI, prefix, and each
    property's name, valueType, category, description)."""
    if "/Metadata" not in doc.root:
        return ["no /Metadata"]
    raw, root = doc.xmp()
    described = {}
    for li in root.iter("{%s}li" % NS["rdf"]):
        uri = li.find("pdfaSchema:namespaceURI", NS)
        if uri is None:
            continue
        props = set()
        for pl in li.findall("pdfaSchema:property/rdf:Seq/rdf:li", NS):
            fields = {c.tag.split("}")[1]: c.text for c in pl}
            if set(fields) >= {"name", "valueType", "category",
                               "description"}:
                props.add(fields["name"])
        described[uri.text] = props
    p = []
    for el in root.iter():
        ns = el.tag[1:].split("}")[0] if el.tag.startswith("{") else ""
        if ns in PREDEFINED or ns == XML_NS:
            continue
        name = el.tag.split("}")[1]
        if ns not in described or name not in described[ns]:
            p.append("%s:%s is not described" % (ns, name))
    return p


def version_id(doc):
    """§6.6.4: pdfaid:part 2 and pdfaid:conformance A, B or U; level A
    is claimed only with the tagging (checked by the rules below)."""
    x = _xmp_values(doc)
    p = []
    if x["part"] != "2":
        p.append("pdfaid:part %r" % x["part"])
    if x["conformance"] not in ("A", "B", "U"):
        p.append("pdfaid:conformance %r" % x["conformance"])
    return p


def marked(doc):
    """§6.7.2.2 (level A): /MarkInfo /Marked true; ISO 14289-1 §7.1 and
    Matterhorn 01-007: /Suspects not true."""
    mi = doc.root.get("/MarkInfo")
    if mi is None or not bool(mi.get("/Marked", False)):
        return ["not marked"]
    return ["Suspects true"] if bool(mi.get("/Suspects", False)) else []


def struct_tree(doc):
    """§6.7.3 (level A), Matterhorn 02-001: a StructTreeRoot with a
    ParentTree; every structure type is standard (or role-mapped to one)."""
    st = doc.root.get("/StructTreeRoot")
    if st is None:
        return ["no StructTreeRoot"]
    p = []
    if "/ParentTree" not in st:
        p.append("no ParentTree")
    rolemap = st.get("/RoleMap", {})
    for el, _ in _elems(doc):
        s = str(el.S)[1:]
        while s not in STANDARD_TYPES and "/" + s in rolemap:
            s = str(rolemap["/" + s])[1:]
        if s not in STANDARD_TYPES:
            p.append("structure type %s" % s)
    return p


LANG_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|\d{3}))?"
                     r"(-[A-Za-z0-9]{5,8}|-\d[A-Za-z0-9]{3})*$")


def language(doc):
    """§6.7.4 and ISO 14289-1 §7.2 (Matterhorn 11-001): the catalog's
    /Lang is a well-formed language tag; dc:title names the same language
    beside x-default."""
    lang = doc.root.get("/Lang")
    if lang is None or not LANG_RE.match(str(lang)):
        return ["/Lang %r" % (str(lang) if lang is not None else None)]
    if str(lang) not in _xmp_values(doc)["title_langs"]:
        return ["dc:title has no entry in %s" % lang]
    return []


# ---- PDF/UA-1 -----------------------------------------------------------

def content_marked(doc):
    """ISO 14289-1 §7.1, Matterhorn 01-005, 01-003, 01-004: every
    text-showing operator lies in marked content that is either an
    artifact or tagged (an MCID); no tagged content inside an artifact
    nor an artifact inside tagged content; every MCID is in the page's
    ParentTree entry."""
    p = []
    parents = _parents(doc)
    for n, (page, ops) in enumerate(zip(doc.pdf.pages, doc.ops()), 1):
        stack = []
        mcids = set()
        for ins in ops:
            op = str(ins.operator)
            if op in ("BDC", "BMC"):
                tag = str(ins.operands[0])
                mcid = None
                if op == "BDC" and isinstance(ins.operands[1],
                                              pikepdf.Dictionary):
                    mcid = ins.operands[1].get("/MCID")
                kind = ("artifact" if tag == "/Artifact" else
                        "tagged" if mcid is not None else "other")
                outer = [k for k in stack if k != "other"]
                if kind == "tagged" and "artifact" in outer:
                    p.append("page %d: tagged content in an artifact" % n)
                if kind == "artifact" and "tagged" in outer:
                    p.append("page %d: artifact in tagged content" % n)
                if mcid is not None:
                    mcids.add(int(mcid))
                stack.append(kind)
            elif op == "EMC":
                if not stack:
                    p.append("page %d: EMC without BDC" % n)
                else:
                    stack.pop()
            elif op in TEXT_OPS:
                if not any(k in ("artifact", "tagged") for k in stack):
                    p.append("page %d: text outside marked content" % n)
        if stack:
            p.append("page %d: unclosed marked content" % n)
        if mcids:
            key = page.get("/StructParents")
            arr = parents.get(int(key)) if key is not None else None
            if arr is None or len(arr) < max(mcids) + 1:
                p.append("page %d: MCIDs missing from the ParentTree" % n)
    return p


def metadata_ua(doc):
    """ISO 14289-1 §5 and §7.1, Matterhorn 06-001, 06-002, 06-003: a
    metadata stream with pdfuaid:part 1 and a non-empty dc:title."""
    x = _xmp_values(doc)
    p = []
    if x["uapart"] != "1":
        p.append("pdfuaid:part %r" % x["uapart"])
    if not x["Title"]:
        p.append("no dc:title")
    return p


def display_title(doc):
    """ISO 14289-1 §7.1, Matterhorn 07-001, 07-002: /ViewerPreferences
    /DisplayDocTitle true."""
    vp = doc.root.get("/ViewerPreferences")
    if vp is None or not bool(vp.get("/DisplayDocTitle", False)):
        return ["DisplayDocTitle not true"]
    return []


def tables_lists(doc):
    """ISO 32000-1 §14.8.4.3 as ISO 14289-1 §7.5, §7.6 require
    (Matterhorn 09-004, 09-005): TR only in Table (or THead/TBody/TFoot),
    TH/TD only in TR, LI only in L, Lbl/LBody only in LI; row headers and
    column headers carry a /Scope."""
    p = []
    want = {"TR": {"Table", "THead", "TBody", "TFoot"}, "TH": {"TR"},
            "TD": {"TR"}, "LI": {"L"}, "Lbl": {"LI"}, "LBody": {"LI"},
            "THead": {"Table"}, "TBody": {"Table"}, "TFoot": {"Table"}}
    for el, parent in _elems(doc):
        s = str(el.S)[1:]
        if s in want and parent not in want[s]:
            p.append("%s inside %s" % (s, parent))
        if s == "TH":
            a = el.get("/A")
            attrs = list(a) if isinstance(a, pikepdf.Array) else [a]
            if not any(isinstance(x, pikepdf.Dictionary) and
                       x.get("/O") == "/Table" and "/Scope" in x
                       for x in attrs):
                p.append("TH without /Scope")
    return p


def headings(doc):
    """ISO 14289-1 §7.4.2, Matterhorn 14-002, 14-003: the first numbered
    heading is H1 and no level is skipped going down."""
    levels = [int(str(el.S)[2:]) for el, _ in _elems(doc)
              if re.match(r"^/H[1-6]$", str(el.S))]
    if not levels:
        return []
    p = [] if levels[0] == 1 else ["first heading is H%d" % levels[0]]
    for a, b in zip(levels, levels[1:]):
        if b > a + 1:
            p.append("H%d follows H%d" % (b, a))
    return p


def widgets_tagged(doc):
    """ISO 14289-1 §7.18.1, §7.18.4, Matterhorn 28-010: every widget is
    the object (OBJR) of a Form structure element, reached back through
    its /StructParent, and has a /TU description."""
    p = []
    parents = _parents(doc)
    objrs = {}
    for el, _ in _elems(doc):
        kids = el.get("/K")
        kids = kids if isinstance(kids, pikepdf.Array) else [kids]
        for k in kids:
            if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR":
                objrs[k.Obj.objgen] = str(el.S)
    for n, page in enumerate(doc.pdf.pages, 1):
        for a in page.get("/Annots", []):
            if a.get("/Subtype") != "/Widget":
                continue
            if objrs.get(a.objgen) != "/Form":
                p.append("page %d: widget not in a Form element" % n)
            sp = a.get("/StructParent")
            if sp is None or int(sp) not in parents or \
                    str(parents[int(sp)].get("/S")) != "/Form":
                p.append("page %d: widget /StructParent wrong" % n)
            if not str(a.get("/TU", "")):
                p.append("page %d: widget without /TU" % n)
    return p


def tab_order(doc):
    """ISO 14289-1 §7.18.3, Matterhorn 28-008, 28-009: a page with
    annotations has /Tabs /S."""
    return ["page %d: /Tabs %s" % (n, page.get("/Tabs"))
            for n, page in enumerate(doc.pdf.pages, 1)
            if page.get("/Annots") and page.get("/Tabs") != "/S"]


# ---- pdf.js ---------------------------------------------------------------

def pdfjs(path):
    """pdf.js's reading of a file (tests/js/pdfjs-read.mjs), or None when
    the npm packages are not installed."""
    if not os.path.isdir(os.path.join(JS, "node_modules", "pdfjs-dist")):
        return None
    r = subprocess.run(["node", os.path.join(JS, "pdfjs-read.mjs"), path],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise AssertionError("pdf.js failed: " + r.stderr[-500:])
    return json.loads(r.stdout)


def struct_text(reading):
    """The text of the structure tree in tree order, per element: a list
    of (role, text) for the leaves' parents, from pdf.js's getStructTree."""
    out = []
    for page in reading["pages"]:
        by = page["byMcid"]

        def walk(node):
            role = node.get("role")
            text = ""
            for k in node.get("children", []):
                if k.get("type") == "content":
                    text += by.get(k["id"], "")
                elif "role" in k:
                    walk(k)
            if text:
                out.append((role, " ".join(text.split())))
        if page["tree"]:
            walk(page["tree"])
    return out


CHECKS = [header, trailer, streams, output_intent, device_colour,
          fonts_embedded, tounicode, notdef, widths, annotations,
          appearances, forms, actions, metadata_stream, info_matches_xmp,
          extension_schemas, version_id, marked, struct_tree, language,
          content_marked, metadata_ua, display_title, tables_lists, headings,
          widgets_tagged, tab_order]
