/* pdffont.c — embeds one shipped TrueType font in one PDF document as a
 * Type0 / CIDFontType2 font built through libharu's object API: text is
 * written as glyph ids (Identity-H, CIDToGIDMap /Identity) shaped by
 * HarfBuzz (kerning, marks on anchors), the embedded font program is cut
 * by hb-subset to the glyphs the document draws (original glyph ids,
 * unhinted, no composites: see scripts/build-fonts.py), widths and
 * ToUnicode list only those glyphs. This avoids libharu's per-font
 * 65,536-code-point scan and 131 KB CIDToGIDMap (docs/fonts.md). */
#include "pdffont.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>

#include <hb-subset.h>

#include <hpdf_objects.h>
#include <hpdf_doc.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

#include "oom.h"

struct pdffont {
	HPDF_Doc pdf;
	const struct fontset *fs;
	int font;
	const struct font_info *info;
	char res_name[8];           /* resource name on pages, "F0".. */
	HPDF_Dict type0, cidfont, descriptor;
	uint32_t *used;             /* per glyph: the code point drawn, or 0 */
	/* per glyph, SHAPED_TEXT_MAX slots: the characters of a glyph that
	 * stands for more than one (a ligature), 0-terminated; NULL until
	 * the first such glyph is drawn */
	uint32_t *multi;
	int n_glyphs;
	int max_gid;
};

/* ---- numbers and buffers without locale surprises ---------------------- */

/* v in thousandths, rounded half away from zero. */
static long long to_milli(double v)
{
	return (long long)(v * 1000.0 + (v < 0 ? -0.5 : 0.5));
}

/* Writes the decimal digits of u at the end of a buffer ending at `end`;
 * returns where they start. */
static char *put_digits(char *end, unsigned long long u)
{
	do {
		*--end = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	return end;
}

/* Formats milli thousandths with at most 3 decimals, trailing zeros
 * dropped ("12", "-0.5", "3.25", "0.125"): what snprintf's
 * "%lld.%03lld" gives with the zeros stripped, without snprintf (this
 * runs for every number of every text operator). Returns the length;
 * out is truncated to size - 1. */
static int fmt_milli(char *out, size_t size, long long milli)
{
	unsigned long long a = milli < 0 ? 0ULL - (unsigned long long)milli :
	                                   (unsigned long long)milli;
	unsigned fp = (unsigned)(a % 1000);
	char tmp[32], *end = tmp + sizeof tmp, *p;
	size_t len;

	if (fp != 0) {
		char d[3] = { (char)('0' + fp / 100), (char)('0' + fp / 10 % 10),
		              (char)('0' + fp % 10) };
		int nd = fp % 100 == 0 ? 1 : fp % 10 == 0 ? 2 : 3;
		end -= nd;
		memcpy(end, d, (size_t)nd);
		*--end = '.';
	}
	p = put_digits(end, a / 1000);
	if (milli < 0)
		*--p = '-';
	len = (size_t)(tmp + sizeof tmp - p);
	if (size > 0) {
		size_t k = len < size - 1 ? len : size - 1;
		memcpy(out, p, k);
		out[k] = '\0';
	}
	return (int)len;
}

/* Formats h / 10000 with exactly four decimals ("%ld.%04ld" for h >= 0)
 * into out (at least 32 bytes). */
static void fmt_fixed4(char *out, long h)
{
	char tmp[32], *end = tmp + sizeof tmp - 1, *p;
	unsigned long frac;

	if (h < 0) {
		snprintf(out, 32, "%ld.%04ld", h / 10000, h % 10000);
		return;
	}
	*end = '\0';
	frac = (unsigned long)h % 10000;
	for (int i = 0; i < 4; i++) {
		*--end = (char)('0' + frac % 10);
		frac /= 10;
	}
	*--end = '.';
	p = put_digits(end, (unsigned long)h / 10000);
	memcpy(out, p, (size_t)(tmp + sizeof tmp - p));
}

/* Formats v with at most 3 decimals, trailing zeros dropped. */
static int fmt_num(char *out, size_t size, double v)
{
	return fmt_milli(out, size, to_milli(v));
}

struct buf {
	unsigned char *p;
	size_t len, cap;
	int oom;
};

static void buf_need(struct buf *b, size_t n)
{
	if (b->oom || b->len + n <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + n)
		cap *= 2;
	unsigned char *np = realloc(b->p, cap);
	if (np == NULL) {
		b->oom = 1;
		oom_note();
		return;
	}
	b->p = np;
	b->cap = cap;
}

static void buf_add(struct buf *b, const void *data, size_t n)
{
	buf_need(b, n);
	if (b->oom)
		return;
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static unsigned rd16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Four upper-case hex digits of v (v < 65536). */
static void hex4(char *out, unsigned v)
{
	static const char digits[] = "0123456789ABCDEF";

	out[0] = digits[(v >> 12) & 15];
	out[1] = digits[(v >> 8) & 15];
	out[2] = digits[(v >> 4) & 15];
	out[3] = digits[v & 15];
}

/* ---- the font program: a glyph subset keeping glyph ids --------------- */

struct table {
	const unsigned char *p;
	size_t len;
};

static int get_table(const unsigned char *data, size_t len, const char *tag,
                     struct table *t)
{
	unsigned n = rd16(data + 4), i;

	for (i = 0; i < n && 12 + (size_t)(i + 1) * 16 <= len; i++) {
		const unsigned char *rec = data + 12 + i * 16;
		size_t off = rd32(rec + 8), tl = rd32(rec + 12);
		if (memcmp(rec, tag, 4) != 0)
			continue;
		if (off > len || tl > len - off)
			return -1;
		t->p = data + off;
		t->len = tl;
		return 0;
	}
	return -1;
}

/* Offset and length of glyph gid in glyf, from loca. */
static int glyph_span(const struct table *loca, const struct table *glyf,
                      int long_loca, int gid, size_t *off, size_t *len)
{
	size_t a, b;

	if (long_loca) {
		if ((size_t)(gid + 2) * 4 > loca->len)
			return -1;
		a = rd32(loca->p + gid * 4);
		b = rd32(loca->p + gid * 4 + 4);
	} else {
		if ((size_t)(gid + 2) * 2 > loca->len)
			return -1;
		a = (size_t)rd16(loca->p + gid * 2) * 2;
		b = (size_t)rd16(loca->p + gid * 2 + 2) * 2;
	}
	if (a > b || b > glyf->len)
		return -1;
	*off = a;
	*len = b - a;
	return 0;
}

/* Builds the subset font program into out with hb-subset: original
 * glyph ids kept, only glyf, head, hhea, hmtx, loca, maxp, post.
 * Returns 0 or -1. */
static int build_program(const struct pdffont *f, struct buf *out)
{
	static const hb_tag_t drop[] = {
		HB_TAG('c','m','a','p'), HB_TAG('G','P','O','S'),
		HB_TAG('G','D','E','F'), HB_TAG('n','a','m','e'),
		HB_TAG('O','S','/','2'), HB_TAG('G','S','U','B'),
	};
	hb_face_t *face = fontset_hb_face(f->fs, f->font), *sub = NULL;
	hb_subset_input_t *in = hb_subset_input_create_or_fail();
	hb_blob_t *blob = NULL;
	const char *data;
	unsigned len = 0;
	int rc = -1;

	if (in == NULL || face == NULL)
		goto cleanup;
	for (int gid = 1; gid <= f->max_gid; gid++)
		if (f->used[gid] != 0)
			hb_set_add(hb_subset_input_glyph_set(in), (hb_codepoint_t)gid);
	for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
		hb_set_add(hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG),
		           drop[i]);
	/* A glyph not added for lack of memory would be missing from the
	 * subset, silently. */
	if (!hb_set_allocation_successful(hb_subset_input_glyph_set(in)) ||
	    !hb_set_allocation_successful(
	        hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG)))
		goto cleanup;
	hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_RETAIN_GIDS |
	                              HB_SUBSET_FLAGS_NO_HINTING);
	sub = hb_subset_or_fail(face, in);
	if (sub == NULL)
		goto cleanup;
	blob = hb_face_reference_blob(sub);
	data = hb_blob_get_data(blob, &len);
	if (data == NULL || len == 0)
		goto cleanup;
	buf_add(out, data, len);
	rc = out->oom ? -1 : 0;
cleanup:
	hb_blob_destroy(blob);
	hb_face_destroy(sub);
	hb_subset_input_destroy(in);
	return rc;
}

/* ---- PDF objects ---------------------------------------------------- */

static HPDF_STATUS add_name(HPDF_Dict d, const char *key, const char *v)
{
	return HPDF_Dict_AddName(d, key, v);
}

/* A stream object holding data, Flate-compressed; NULL on error. */
static HPDF_Dict new_stream(HPDF_Doc pdf, const void *data, size_t len)
{
	HPDF_Dict s = HPDF_DictStream_New(pdf->mmgr, pdf->xref);

	if (s == NULL)
		return NULL;
	s->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	if (HPDF_Stream_Write(s->stream, data, (HPDF_UINT)len) != HPDF_OK)
		return NULL;
	return s;
}

static double to_1000(const struct pdffont *f, int units)
{
	return units * 1000.0 / f->info->units_per_em;
}

static HPDF_Array real_array(HPDF_Doc pdf, const double *v, int n)
{
	HPDF_Array a = HPDF_Array_New(pdf->mmgr);
	int i;

	for (i = 0; a != NULL && i < n; i++)
		if (HPDF_Array_AddReal(a, (HPDF_REAL)v[i]) != HPDF_OK)
			return NULL;
	return a;
}

/* /W: runs of consecutive used glyph ids, [first [w w …] …]. */
static HPDF_Array width_array(const struct pdffont *f)
{
	HPDF_MMgr mm = f->pdf->mmgr;
	HPDF_Array w = HPDF_Array_New(mm), run = NULL;
	int gid, prev = -2;

	for (gid = 1; w != NULL && gid <= f->max_gid; gid++) {
		if (f->used[gid] == 0)
			continue;
		if (gid != prev + 1) {
			run = HPDF_Array_New(mm);
			if (run == NULL ||
			    HPDF_Array_AddNumber(w, gid) != HPDF_OK ||
			    HPDF_Array_Add(w, run) != HPDF_OK)
				return NULL;
		}
		if (HPDF_Array_AddReal(run, (HPDF_REAL)to_1000(f,
		        fontset_glyph_advance(f->fs, f->font, (unsigned)gid))) !=
		    HPDF_OK)
			return NULL;
		prev = gid;
	}
	return w;
}

/* Arabic presentation forms (the shaped glyphs the layout draws) are
 * written to the text layer as the letters they stand for (NFKC, without
 * the space or tatweel that carries an isolated mark), so that copying and
 * pdftotext give back the record's own text. */
static int is_presentation_form(uint32_t cp)
{
	return (cp >= 0xFB50 && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFE);
}

static int letters_of(uint32_t cp, UChar *out, int size)
{
	UErrorCode status = U_ZERO_ERROR;
	const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&status);
	UChar in[1] = { (UChar)cp }, tmp[16];
	int32_t n, kept = 0;

	if (U_FAILURE(status))
		return 0;
	n = unorm2_normalize(nfkc, in, 1, tmp, 16, &status);
	if (U_FAILURE(status))
		return 0;
	for (int32_t i = 0; i < n && kept < size; i++)
		if (tmp[i] != 0x0020 && tmp[i] != 0x0640)
			out[kept++] = tmp[i];
	return kept;
}

static void cmap_utf16(struct buf *b, uint32_t cp)
{
	char hex[16];
	UChar letters[8];
	int n;

	if (is_presentation_form(cp) && (n = letters_of(cp, letters, 8)) > 0) {
		/* The glyphs are drawn in visual (right-to-left) order and
		 * extractors reverse the run back; a ligature's letters must
		 * be listed in that visual order too (lam-alef -> alef, lam). */
		for (int i = n - 1; i >= 0; i--) {
			snprintf(hex, sizeof hex, "%04X", (unsigned)letters[i]);
			buf_str(b, hex);
		}
		return;
	}

	if (cp >= 0x10000) {
		uint32_t v = cp - 0x10000;
		snprintf(hex, sizeof hex, "%04X%04X", 0xD800 + (unsigned)(v >> 10),
		         0xDC00 + (unsigned)(v & 0x3FF));
	} else {
		snprintf(hex, sizeof hex, "%04X", (unsigned)cp);
	}
	buf_str(b, hex);
}

/* Whether glyph gid stands for more than one character (a ligature). */
static int is_multi(const struct pdffont *f, int gid)
{
	return f->multi != NULL && f->multi[(size_t)gid * SHAPED_TEXT_MAX] != 0;
}

/* Appends glyph gid's text: its characters when it is a ligature, in
 * the visual order they were drawn in (extractors reverse right-to-left
 * runs back), else the character it drew. */
static void glyph_utf16(const struct pdffont *f, struct buf *b, int gid)
{
	const uint32_t *m;

	if (!is_multi(f, gid)) {
		cmap_utf16(b, f->used[gid]);
		return;
	}
	m = f->multi + (size_t)gid * SHAPED_TEXT_MAX;
	for (int i = 0; i < SHAPED_TEXT_MAX && m[i] != 0; i++)
		cmap_utf16(b, m[i]);
}

/* Whether cp is written in the ToUnicode CMap as itself, in 4 hex
 * digits (not a presentation form, not beyond the BMP). */
static int plain_bmp(uint32_t cp)
{
	return cp != 0 && cp < 0x10000 && !is_presentation_form(cp) &&
	       !(cp >= 0xD800 && cp <= 0xDFFF);
}

/* How many glyphs from gid (used) draw consecutive characters that one
 * bfrange line can map (PDF 32000 9.10.3: the codes differ only in their
 * last byte, the character's last byte does not wrap); 1 when none
 * follows. */
static int range_len(const struct pdffont *f, int gid)
{
	uint32_t cp = f->used[gid];
	int n = 1;

	if (!plain_bmp(cp) || is_multi(f, gid))
		return 1;
	while (gid + n <= f->max_gid && ((gid + n) >> 8) == (gid >> 8) &&
	       f->used[gid + n] == cp + (uint32_t)n && !is_multi(f, gid + n) &&
	       plain_bmp(cp + (uint32_t)n) && (cp & 0xFF) + (uint32_t)n <= 0xFF)
		n++;
	return n;
}

/* Writes the CMap lines of one kind, in blocks of at most 100: the
 * glyphs alone (bfchar) or the runs of two or more (bfrange). */
static void cmap_entries(const struct pdffont *f, struct buf *b, int ranges)
{
	const char *kind = ranges ? "bfrange" : "bfchar";
	int gid, n, count = 0, total = 0;
	char line[80];

	for (gid = 1; gid <= f->max_gid; gid += n) {
		n = f->used[gid] != 0 ? range_len(f, gid) : 1;
		total += f->used[gid] != 0 && (n > 1) == ranges;
	}
	for (gid = 1; gid <= f->max_gid; gid += n) {
		n = f->used[gid] != 0 ? range_len(f, gid) : 1;
		if (f->used[gid] == 0 || (n > 1) != ranges)
			continue;
		if (count % 100 == 0) {
			snprintf(line, sizeof line, "%d begin%s\n",
			         total - count > 100 ? 100 : total - count, kind);
			buf_str(b, line);
		}
		if (ranges) {
			snprintf(line, sizeof line, "<%04X> <%04X> <%04X>\n",
			         (unsigned)gid, (unsigned)(gid + n - 1),
			         (unsigned)f->used[gid]);
			buf_str(b, line);
		} else {
			snprintf(line, sizeof line, "<%04X> <", (unsigned)gid);
			buf_str(b, line);
			glyph_utf16(f, b, gid);
			buf_str(b, ">\n");
		}
		count++;
		if (count % 100 == 0 || count == total) {
			snprintf(line, sizeof line, "end%s\n", kind);
			buf_str(b, line);
		}
	}
}

/* The ToUnicode CMap: each used glyph id to the character it drew, runs
 * of consecutive glyphs drawing consecutive characters as one range. */
static int build_tounicode(const struct pdffont *f, struct buf *b)
{
	buf_str(b, "/CIDInit /ProcSet findresource begin\n"
	           "12 dict begin\nbegincmap\n"
	           "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
	           "/Supplement 0 >> def\n"
	           "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
	           "1 begincodespacerange\n<0000> <FFFF>\n"
	           "endcodespacerange\n");
	cmap_entries(f, b, 0);
	cmap_entries(f, b, 1);
	buf_str(b, "endcmap\nCMapName currentdict /CMap defineresource pop\n"
	           "end\nend\n");
	return b->oom ? -1 : 0;
}

/* Six capital letters from the glyph set, so that different subsets of
 * one font get different names (PDF 32000 9.6.4) and equal input gives
 * equal output. */
static void subset_tag(const struct pdffont *f, char tag[7])
{
	uint32_t h = 2166136261u;
	int gid, i;

	for (gid = 0; gid <= f->max_gid; gid++)
		if (f->used[gid] != 0) {
			h ^= (uint32_t)gid;
			h *= 16777619u;
		}
	h ^= (uint32_t)f->font;
	h *= 16777619u;
	for (i = 0; i < 6; i++) {
		tag[i] = (char)('A' + h % 26);
		h /= 26;
		if (i == 3)
			h ^= h >> 13 ^ (uint32_t)f->max_gid * 2654435761u;
	}
	tag[6] = '\0';
}

int pdffont_begin(HPDF_Doc pdf, struct err *e)
{
	(void)pdf;
	(void)e;
	return 0;
}

struct pdffont *pdffont_new(HPDF_Doc pdf, const struct fontset *fs, int font,
                            struct err *e)
{
	struct pdffont *f = calloc(1, sizeof *f);

	if (f == NULL)
		goto oom;
	f->pdf = pdf;
	f->fs = fs;
	f->font = font;
	f->info = fontset_info(fs, font);
	if (f->info == NULL) {
		err_set(e, "pdf: unknown font %d", font);
		free(f);
		return NULL;
	}
	f->n_glyphs = f->info->num_glyphs;
	f->used = calloc((size_t)f->n_glyphs, sizeof *f->used);
	if (f->used == NULL)
		goto oom;
	snprintf(f->res_name, sizeof f->res_name, "F%d", font);
	f->type0 = HPDF_Dict_New(pdf->mmgr);
	if (f->type0 == NULL || HPDF_Xref_Add(pdf->xref, f->type0) != HPDF_OK)
		goto hpdf;
	return f;
oom:
	err_set(e, "pdf: out of memory");
	pdffont_free(f);
	return NULL;
hpdf:
	err_set(e, "pdf: cannot create font object (libharu error 0x%04lX)",
	        (unsigned long)HPDF_GetError(pdf));
	pdffont_free(f);
	return NULL;
}

/* Puts the font in the page's /Resources /Font under its name. */
static int use_on_page(struct pdffont *f, HPDF_Page page)
{
	HPDF_Dict res, fonts;

	res = HPDF_Dict_GetItem(page, "Resources", HPDF_OCLASS_DICT);
	if (res == NULL)
		return -1;
	fonts = HPDF_Dict_GetItem(res, "Font", HPDF_OCLASS_DICT);
	if (fonts == NULL) {
		fonts = HPDF_Dict_New(f->pdf->mmgr);
		if (fonts == NULL || HPDF_Dict_Add(res, "Font", fonts) != HPDF_OK)
			return -1;
	}
	if (HPDF_Dict_GetItem(fonts, f->res_name, HPDF_OCLASS_DICT) != NULL)
		return 0;
	return HPDF_Dict_Add(fonts, f->res_name, f->type0) == HPDF_OK ? 0 : -1;
}

/* Appends "/Span <</ActualText <FEFF...>>> BDC" for the drawn
 * characters of utf8 (the invisible ones left out, as in the glyphs;
 * presentation forms as their letters, as in the ToUnicode map). */
static void actual_text_open(struct buf *b, const char *utf8)
{
	size_t len = strlen(utf8), i = 0;

	buf_str(b, "/Span <</ActualText <FEFF");
	while (i < len) {
		uint32_t cp;
		int n = fontset_utf8_next(utf8 + i, len - i, &cp);
		i += n > 0 ? (size_t)n : 1;
		if (n > 0 && !fontset_is_invisible(cp))
			cmap_utf16(b, cp);
	}
	buf_str(b, ">>> BDC\n");
}

/* Whether a glyph of g is drawn off the pen (a mark on an anchor) or
 * does not stand for exactly one character (a ligature): then the
 * glyphs alone do not give extractors the text in its order. */
static int needs_actual_text(const struct shaped *g, int n)
{
	for (int i = 0; i < n; i++)
		if (g[i].dx != 0 || g[i].dy != 0 || g[i].ntext != 1)
			return 1;
	return 0;
}

/* Records that the n glyphs of g are drawn (for the widths, ToUnicode,
 * subset); a glyph keeps the text it was first drawn for. Returns 0, or
 * -1 when out of memory. */
static int note_used(struct pdffont *f, const struct shaped *g, int n)
{
	for (int i = 0; i < n; i++) {
		unsigned gid = g[i].gid;
		if ((int)gid > f->max_gid)
			f->max_gid = (int)gid;
		if (f->used[gid] != 0)
			continue;
		f->used[gid] = g[i].cp;
		if (g[i].ntext < 2 || g[i].ntext > SHAPED_TEXT_MAX)
			continue;
		if (f->multi == NULL) {
			f->multi = calloc((size_t)f->n_glyphs * SHAPED_TEXT_MAX,
			                  sizeof *f->multi);
			if (f->multi == NULL)
				return -1;
		}
		memcpy(f->multi + (size_t)gid * SHAPED_TEXT_MAX, g[i].text,
		       (size_t)g[i].ntext * sizeof *g[i].text);
	}
	return 0;
}

/* ---- glyph outlines as PDF paths ---------------------------------------- */

/* A glyph's path is computed in sixths of a font unit, where every point,
 * implied midpoint and cubic control point of a TrueType contour is an
 * integer, and written in whole units (short, compressing well); a "cm"
 * scales it. */
struct pen {
	struct buf *b;
	long cx, cy;                /* current point, sixths of a unit */
};

/* Writes the points (sixths) rounded to whole font units (half a unit
 * is 1/4096 em: far below a pixel) and the operator. */
static void pen_op(struct pen *p, const long *v, int n, const char *op)
{
	char num[24];

	for (int i = 0; i < n; i++) {
		long u = v[i] >= 0 ? (v[i] + 3) / 6 : -((-v[i] + 3) / 6);
		unsigned long a = u < 0 ? (unsigned long)-u : (unsigned long)u;
		int k = (int)sizeof num;
		num[--k] = ' ';
		do {
			num[--k] = (char)('0' + a % 10);
			a /= 10;
		} while (a > 0);
		if (u < 0)
			num[--k] = '-';
		buf_add(p->b, num + k, sizeof num - (size_t)k);
	}
	buf_str(p->b, op);
	buf_str(p->b, "\n");
}

static void pen_move(struct pen *p, long x, long y)
{
	long v[2] = { x, y };

	pen_op(p, v, 2, "m");
	p->cx = x;
	p->cy = y;
}

static void pen_line(struct pen *p, long x, long y)
{
	long v[2] = { x, y };

	pen_op(p, v, 2, "l");
	p->cx = x;
	p->cy = y;
}

/* A quadratic Bézier (TrueType) as the equal cubic one: the controls are
 * (P0 + 2Q) / 3 and (P1 + 2Q) / 3, integers in sixths (every point is a
 * multiple of 3 there). */
static void pen_quad(struct pen *p, long qx, long qy, long x, long y)
{
	long v[6] = {
		(p->cx + 2 * qx) / 3, (p->cy + 2 * qy) / 3,
		(x + 2 * qx) / 3, (y + 2 * qy) / 3, x, y,
	};

	pen_op(p, v, 6, "c");
	p->cx = x;
	p->cy = y;
}

/* One contour of points [a, b) (font units): on-curve points joined by
 * lines, off-curve points as quadratic controls with implied on-curve
 * midpoints. No "h": the fill that follows closes every subpath. */
static void contour(struct pen *p, const int *xs, const int *ys,
                    const unsigned char *on, int a, int b)
{
	int n = b - a, first, have_ctrl = 0;
	long sx, sy, qx = 0, qy = 0;

	if (n < 2)
		return;
	if (on[a]) {
		sx = 6L * xs[a];
		sy = 6L * ys[a];
		first = 1;
	} else if (on[b - 1]) {
		sx = 6L * xs[b - 1];
		sy = 6L * ys[b - 1];
		first = 0;
		n--;
	} else {
		sx = 3L * (xs[a] + xs[b - 1]);
		sy = 3L * (ys[a] + ys[b - 1]);
		first = 0;
	}
	pen_move(p, sx, sy);
	for (int k = first; k < n; k++) {
		int i = a + k;
		if (on[i]) {
			if (have_ctrl)
				pen_quad(p, qx, qy, 6L * xs[i], 6L * ys[i]);
			else
				pen_line(p, 6L * xs[i], 6L * ys[i]);
			have_ctrl = 0;
		} else {
			if (have_ctrl)
				pen_quad(p, qx, qy, (qx + 6L * xs[i]) / 2,
				         (qy + 6L * ys[i]) / 2);
			qx = 6L * xs[i];
			qy = 6L * ys[i];
			have_ctrl = 1;
		}
	}
	if (have_ctrl)
		pen_quad(p, qx, qy, sx, sy);
}

/* Writes v (0 <= v < 1000) with nine decimals, trailing zeros dropped:
 * the tiny scale of a glyph's "cm". */
static void fmt_fine(char *out, size_t size, double v)
{
	long long n = (long long)(v * 1e9 + 0.5);
	int len = snprintf(out, size, "%lld.%09lld", n / 1000000000LL,
	                   n % 1000000000LL);

	while (len > 0 && out[len - 1] == '0')
		out[--len] = '\0';
	if (len > 0 && out[len - 1] == '.')
		out[--len] = '\0';
}

/* Appends the contours of simple glyph g (its glyf bytes) to the pen's
 * path. 0, -1 for a composite or malformed glyph, -2 out of memory. */
static int glyph_path(struct pen *p, const unsigned char *g, size_t len)
{
	int nc, npts, rc = -1;
	size_t at;
	int *xs = NULL, *ys = NULL, *ends = NULL;
	unsigned char *on = NULL;

	if (len == 0)
		return 0;                        /* a blank glyph: a space */
	if (len < 10)
		return -1;
	nc = (int16_t)rd16(g);
	if (nc < 0 || len < 10 + (size_t)nc * 2 + 2)
		return -1;                       /* composites are decomposed */
	if (nc == 0)
		return 0;
	ends = malloc((size_t)nc * sizeof *ends);
	if (ends == NULL)
		return -2;
	for (int i = 0; i < nc; i++)
		ends[i] = (int)rd16(g + 10 + i * 2);
	npts = ends[nc - 1] + 1;
	at = 10 + (size_t)nc * 2;
	at += 2 + rd16(g + at);              /* instructions */
	xs = calloc((size_t)npts, sizeof *xs);
	ys = calloc((size_t)npts, sizeof *ys);
	on = calloc((size_t)npts, 1);
	unsigned char *fl = calloc((size_t)npts, 1);
	if (xs == NULL || ys == NULL || on == NULL || fl == NULL) {
		rc = -2;
		goto cleanup;
	}
	for (int i = 0; i < npts;) {
		unsigned char f;
		int rep = 0;
		if (at >= len)
			goto cleanup;
		f = g[at++];
		if (f & 8) {
			if (at >= len)
				goto cleanup;
			rep = g[at++];
		}
		for (int r = 0; r <= rep && i < npts; r++)
			fl[i++] = f;
	}
	for (int axis = 0; axis < 2; axis++) {
		int *v = axis ? ys : xs, cur = 0;
		unsigned char shortb = axis ? 4 : 2, same = axis ? 32 : 16;
		for (int i = 0; i < npts; i++) {
			if (fl[i] & shortb) {
				if (at >= len)
					goto cleanup;
				cur += (fl[i] & same) ? g[at] : -(int)g[at];
				at++;
			} else if (!(fl[i] & same)) {
				if (at + 2 > len)
					goto cleanup;
				cur += (int16_t)rd16(g + at);
				at += 2;
			}
			v[i] = cur;
		}
	}
	for (int i = 0; i < npts; i++)
		on[i] = fl[i] & 1;
	for (int c = 0, a = 0; c < nc; c++) {
		if (ends[c] < a - 1 || ends[c] >= npts)
			goto cleanup;
		contour(p, xs, ys, on, a, ends[c] + 1);
		a = ends[c] + 1;
	}
	rc = 0;
cleanup:
	free(fl);
	free(xs);
	free(ys);
	free(on);
	free(ends);
	return rc;
}

/* ---- drawing a shaped run: as text or as outlines ----------------------- */

/* One run being written to b. Text: the glyphs in TJ arrays whose numbers
 * carry the kerning (the difference between the shaped advance and the /W
 * width), a new line start (line_start) at the run's first glyph, and
 * before a glyph the font moves off the pen (a mark on its base's anchor)
 * and after it. Outlines: one "q k 0 0 k x y cm" for
 * the run, then per glyph a move in whole font units from the glyph
 * before ("1 0 0 1 dx dy cm") and its filled path, one "Q" at the end. */
struct runw {
	struct pdffont *f;
	struct buf *b;
	double x, y;                /* baseline start, points */
	double k, hscale;           /* points per font unit; horizontal scale */
	long h;                     /* hscale in 1/10000, rounded down */
	char hs[48];                /* hscale as written in Tm */
	/* text: the text object's state, where the PDF pen is (font units),
	 * a TJ open, a new line start needed */
	struct pdftext *ts;
	long at;
	int open, retm;
	/* outlines: the font's glyphs, the translation the CTM holds */
	struct table loca, glyf;
	int long_loca, began;
	long cx, cy;
};

/* Writes the text rise (Ts) that lifts glyph g (a mark) to the height
 * of its base's anchor. */
static void offset_ops(struct buf *b, const struct shaped *g, double k)
{
	char num[40];

	fmt_num(num, sizeof num, (double)g->dy * k);
	buf_str(b, num);
	buf_str(b, " Ts\n");
}

/* Text: starts a line at x, w->y (points): "dx dy Td" from the line
 * before when both are plain translations (exact: both in the
 * thousandths a Tm would hold), else a Tm with the run's scale. */
static void line_start(struct runw *w, double x)
{
	struct pdftext *ts = w->ts;
	long long mx = to_milli(x), my = to_milli(w->y);
	int plain = w->h == 10000;
	char num[2][40];

	if (plain && ts->plain) {
		fmt_milli(num[0], sizeof num[0], mx - ts->x);
		fmt_milli(num[1], sizeof num[1], my - ts->y);
		buf_str(w->b, num[0]);
		buf_str(w->b, " ");
		buf_str(w->b, num[1]);
		buf_str(w->b, " Td\n");
	} else {
		fmt_milli(num[0], sizeof num[0], mx);
		fmt_milli(num[1], sizeof num[1], my);
		buf_str(w->b, plain ? "1" : w->hs);
		buf_str(w->b, " 0 0 1 ");
		buf_str(w->b, num[0]);
		buf_str(w->b, " ");
		buf_str(w->b, num[1]);
		buf_str(w->b, " Tm\n");
	}
	ts->x = mx;
	ts->y = my;
	ts->plain = plain;
}

/* Text: glyph g with its pen position `pen` (font units from x). */
static void text_glyph(struct runw *w, const struct shaped *g, long pen)
{
	struct buf *b = w->b;
	int off = g->dx != 0 || g->dy != 0;
	char num[40], hex[8];

	if (w->retm || off) {
		if (w->open)
			buf_str(b, "] TJ\n");
		line_start(w, w->x + (double)(pen + g->dx) * w->k * w->hscale);
		if (g->dy != 0)
			offset_ops(b, g, w->k);
		buf_str(b, "[");
		w->open = 1;
		w->at = pen + g->dx;
	} else if (w->at != pen) {
		fmt_num(num, sizeof num,
		        (double)(w->at - pen) * 1000 / w->f->info->units_per_em);
		buf_str(b, num);
		w->at = pen;
	}
	buf_str(b, "<");
	hex4(hex, g->gid);
	buf_add(b, hex, 4);
	buf_str(b, ">");
	w->at += fontset_glyph_advance(w->f->fs, w->f->font, g->gid);
	if (off) {
		buf_str(b, g->dy != 0 ? "] TJ\n0 Ts\n" : "] TJ\n");
		w->open = 0;
	}
	w->retm = off;
}

/* Outlines: glyph g at pen position `pen`. 0, -1 for a glyph that
 * cannot be drawn as a path, -2 out of memory. */
static int outline_glyph(struct runw *w, const struct shaped *g, long pen)
{
	struct pen p = { .b = w->b };
	long gx = pen + g->dx, gy = g->dy;
	size_t go, gl, mark = w->b->len, drawn;
	char op[200], num[2][40], k[40];
	int rc;

	if (glyph_span(&w->loca, &w->glyf, w->long_loca, (int)g->gid, &go,
	               &gl) < 0)
		return -1;
	if (gl == 0)
		return 0;                        /* a blank glyph: a space */
	if (!w->began) {
		fmt_fine(k, sizeof k, w->k);
		fmt_num(num[0], sizeof num[0], w->x);
		fmt_num(num[1], sizeof num[1], w->y);
		snprintf(op, sizeof op, "q %s 0 0 %s %s %s cm\n", k, k, num[0],
		         num[1]);
		buf_str(w->b, op);
	}
	if (gx != w->cx || gy != w->cy) {
		snprintf(op, sizeof op, "1 0 0 1 %ld %ld cm\n", gx - w->cx,
		         gy - w->cy);
		buf_str(w->b, op);
	}
	drawn = w->b->len;
	if ((rc = glyph_path(&p, w->glyf.p + go, gl)) < 0)
		return rc;
	if (w->b->len == drawn) {
		w->b->len = mark;                /* no contour: nothing to fill */
		return 0;
	}
	buf_str(w->b, "f\n");
	w->began = 1;
	w->cx = gx;
	w->cy = gy;
	return 0;
}

/* Finds the glyph tables of the run's font for outline_glyph. */
static int outline_begin(struct runw *w, struct err *e)
{
	struct table head;
	size_t dlen;
	const unsigned char *data = fontset_data(w->f->fs, w->f->font, &dlen);

	if (data == NULL || dlen < 12 ||
	    get_table(data, dlen, "head", &head) < 0 || head.len < 54 ||
	    get_table(data, dlen, "loca", &w->loca) < 0 ||
	    get_table(data, dlen, "glyf", &w->glyf) < 0)
		return err_set(e, "pdf: font %s has no outlines",
		               w->f->info->ps_name);
	w->long_loca = rd16(head.p + 50) != 0;
	return 0;
}

/* Draws the shaped run utf8 at x, y into the page: as text horizontally
 * scaled by hscale (`wrap`: in an /ActualText of its own when a mark is
 * moved off the pen), or as glyph outlines. 0, or -1 with e set. */
static int draw(struct pdffont *f, HPDF_Page page, struct pdftext *ts,
                double size, double hscale, double x, double y,
                const char *utf8, int outline, int wrap, struct err *e)
{
	HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
	struct buf b = { 0 };
	struct shaped *g = NULL;
	struct runw w = {
		.f = f, .b = &b, .x = x, .y = y,
		.k = size / f->info->units_per_em, .ts = ts, .retm = 1,
	};
	long h = (long)floor(hscale * 10000), pen = 0;
	char num[40];
	int n, drawn, rc = -1;

	if (outline ? outline_begin(&w, e) < 0 : use_on_page(f, page) < 0) {
		if (!outline)
			err_set(e, "pdf: cannot add font to page resources");
		goto cleanup;
	}
	if ((n = fontset_shape(f->fs, f->font, utf8, &g, e)) < 0)
		goto cleanup;
	/* four decimals, rounded down: never wider than the pieces */
	w.hscale = (double)h / 10000;
	w.h = h;
	fmt_fixed4(w.hs, h);
	if (!outline && note_used(f, g, n) < 0) {
		err_set(e, "pdf: out of memory");
		goto cleanup;
	}
	wrap = !outline && wrap && needs_actual_text(g, n);
	if (!outline && (ts->font != f || ts->size != size)) {
		fmt_num(num, sizeof num, size);
		buf_str(&b, "/");
		buf_str(&b, f->res_name);
		buf_str(&b, " ");
		buf_str(&b, num);
		buf_str(&b, " Tf\n");
		ts->font = f;
		ts->size = size;
	}
	if (wrap)
		actual_text_open(&b, utf8);
	for (int i = 0; i < n; i++) {
		if (!outline)
			text_glyph(&w, &g[i], pen);
		else if ((drawn = outline_glyph(&w, &g[i], pen)) < 0) {
			err_set(e, "pdf: cannot draw U+%04X of font %s as a path%s",
			        (unsigned)g[i].cp, f->info->ps_name,
			        drawn == -2 ? ": out of memory" : "");
			goto cleanup;
		}
		pen += g[i].advance;
	}
	if (w.open)
		buf_str(&b, "] TJ\n");
	if (w.began)
		buf_str(&b, "Q\n");
	if (wrap)
		buf_str(&b, "EMC\n");
	if (b.oom) {
		err_set(e, "pdf: out of memory");
		goto cleanup;
	}
	if (HPDF_Stream_Write(attr->stream, b.p, (HPDF_UINT)b.len) != HPDF_OK) {
		err_set(e, "pdf: writing the page failed");
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(g);
	free(b.p);
	return rc;
}

int pdffont_show(struct pdffont *f, HPDF_Page page, struct pdftext *ts,
                 double size, double x, double y, const char *utf8,
                 int actual, struct err *e)
{
	return draw(f, page, ts, size, 1, x, y, utf8, 0, actual, e);
}

int pdffont_show_scaled(struct pdffont *f, HPDF_Page page,
                        struct pdftext *ts, double size, double hscale,
                        double x, double y, const char *utf8, struct err *e)
{
	return draw(f, page, ts, size, hscale, x, y, utf8, 0, 0, e);
}

int pdffont_outline(struct pdffont *f, HPDF_Page page, double size, double x,
                    double y, const char *utf8, struct err *e)
{
	return draw(f, page, NULL, size, 1, x, y, utf8, 1, 0, e);
}

double pdffont_width(const struct pdffont *f, double size, const char *utf8,
                     struct err *e)
{
	struct shaped *g = NULL;
	long units = 0;
	int n = fontset_shape(f->fs, f->font, utf8, &g, e);

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		units += g[i].advance;
	free(g);
	return (double)units * size / f->info->units_per_em;
}

static int finish_descriptor(struct pdffont *f, const char *base,
                             HPDF_Dict program)
{
	HPDF_MMgr mm = f->pdf->mmgr;
	const struct font_info *in = f->info;
	double bbox[4];
	int i;

	f->descriptor = HPDF_Dict_New(mm);
	if (f->descriptor == NULL ||
	    HPDF_Xref_Add(f->pdf->xref, f->descriptor) != HPDF_OK)
		return -1;
	for (i = 0; i < 4; i++)
		bbox[i] = to_1000(f, in->bbox[i]);
	if (add_name(f->descriptor, "Type", "FontDescriptor") != HPDF_OK ||
	    add_name(f->descriptor, "FontName", base) != HPDF_OK ||
	    HPDF_Dict_AddNumber(f->descriptor, "Flags", 32) != HPDF_OK ||
	    HPDF_Dict_Add(f->descriptor, "FontBBox",
	                  real_array(f->pdf, bbox, 4)) != HPDF_OK ||
	    HPDF_Dict_AddNumber(f->descriptor, "ItalicAngle", 0) != HPDF_OK ||
	    HPDF_Dict_AddReal(f->descriptor, "Ascent",
	                      (HPDF_REAL)to_1000(f, in->ascent)) != HPDF_OK ||
	    HPDF_Dict_AddReal(f->descriptor, "Descent",
	                      (HPDF_REAL)to_1000(f, in->descent)) != HPDF_OK ||
	    HPDF_Dict_AddReal(f->descriptor, "CapHeight",
	                      (HPDF_REAL)to_1000(f, in->cap_height)) !=
	        HPDF_OK ||
	    HPDF_Dict_AddNumber(f->descriptor, "StemV",
	                        in->bold ? 140 : 80) != HPDF_OK ||
	    HPDF_Dict_Add(f->descriptor, "FontFile2", program) != HPDF_OK)
		return -1;
	return 0;
}

int pdffont_finish(struct pdffont *f, struct err *e)
{
	HPDF_MMgr mm = f->pdf->mmgr;
	struct buf prog = { 0 }, cmap = { 0 };
	HPDF_Dict program, tounicode, sysinfo;
	HPDF_Array descendants;
	char tag[7], base[80];
	int rc = -1;

	if (build_program(f, &prog) < 0 || build_tounicode(f, &cmap) < 0) {
		err_set(e, "pdf: cannot subset font %s: out of memory",
		        f->info->ps_name);
		goto cleanup;
	}
	subset_tag(f, tag);
	snprintf(base, sizeof base, "%s+%.63s", tag, f->info->ps_name);
	program = new_stream(f->pdf, prog.p, prog.len);
	tounicode = new_stream(f->pdf, cmap.p, cmap.len);
	f->cidfont = HPDF_Dict_New(mm);
	sysinfo = HPDF_Dict_New(mm);
	descendants = HPDF_Array_New(mm);
	if (program == NULL || tounicode == NULL || f->cidfont == NULL ||
	    sysinfo == NULL || descendants == NULL ||
	    HPDF_Dict_AddNumber(program, "Length1", (HPDF_INT32)prog.len) !=
	        HPDF_OK ||
	    HPDF_Xref_Add(f->pdf->xref, f->cidfont) != HPDF_OK ||
	    finish_descriptor(f, base, program) < 0 ||
	    HPDF_Dict_Add(sysinfo, "Registry",
	                  HPDF_String_New(mm, "Adobe", NULL)) != HPDF_OK ||
	    HPDF_Dict_Add(sysinfo, "Ordering",
	                  HPDF_String_New(mm, "Identity", NULL)) != HPDF_OK ||
	    HPDF_Dict_AddNumber(sysinfo, "Supplement", 0) != HPDF_OK ||
	    add_name(f->cidfont, "Type", "Font") != HPDF_OK ||
	    add_name(f->cidfont, "Subtype", "CIDFontType2") != HPDF_OK ||
	    add_name(f->cidfont, "BaseFont", base) != HPDF_OK ||
	    HPDF_Dict_Add(f->cidfont, "CIDSystemInfo", sysinfo) != HPDF_OK ||
	    HPDF_Dict_Add(f->cidfont, "FontDescriptor", f->descriptor) !=
	        HPDF_OK ||
	    HPDF_Dict_Add(f->cidfont, "W", width_array(f)) != HPDF_OK ||
	    add_name(f->cidfont, "CIDToGIDMap", "Identity") != HPDF_OK ||
	    HPDF_Array_Add(descendants, f->cidfont) != HPDF_OK ||
	    add_name(f->type0, "Type", "Font") != HPDF_OK ||
	    add_name(f->type0, "Subtype", "Type0") != HPDF_OK ||
	    add_name(f->type0, "BaseFont", base) != HPDF_OK ||
	    add_name(f->type0, "Encoding", "Identity-H") != HPDF_OK ||
	    HPDF_Dict_Add(f->type0, "DescendantFonts", descendants) !=
	        HPDF_OK ||
	    HPDF_Dict_Add(f->type0, "ToUnicode", tounicode) != HPDF_OK) {
		err_set(e, "pdf: cannot build font %s (libharu error 0x%04lX)",
		        f->info->ps_name, (unsigned long)HPDF_GetError(f->pdf));
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(prog.p);
	free(cmap.p);
	return rc;
}

void pdffont_free(struct pdffont *f)
{
	if (f == NULL)
		return;
	free(f->used);
	free(f->multi);
	free(f);
}
