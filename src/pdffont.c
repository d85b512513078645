/* pdffont.c — embeds one shipped TrueType font in one PDF document as a
 * Type0 / CIDFontType2 font built through libharu's object API: text is
 * written as glyph ids (Identity-H, CIDToGIDMap /Identity), the embedded
 * font program keeps only the glyphs the document draws (original glyph
 * ids, unhinted, no composites: see scripts/build-fonts.py), widths and
 * ToUnicode list only those glyphs. This avoids libharu's per-font
 * 65,536-code-point scan and 131 KB CIDToGIDMap (docs/fonts.md). */
#include "pdffont.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>

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
	int n_glyphs;
	int max_gid;
};

/* ---- numbers and buffers without locale surprises ---------------------- */

/* Formats v with at most 3 decimals, trailing zeros dropped. */
static int fmt_num(char *out, size_t size, double v)
{
	long long milli = (long long)(v * 1000.0 + (v < 0 ? -0.5 : 0.5));
	const char *sign = milli < 0 ? "-" : "";
	long long a = milli < 0 ? -milli : milli;
	long long ip = a / 1000, fp = a % 1000;

	if (fp == 0)
		return snprintf(out, size, "%s%lld", sign, ip);
	if (fp % 100 == 0)
		return snprintf(out, size, "%s%lld.%lld", sign, ip, fp / 100);
	if (fp % 10 == 0)
		return snprintf(out, size, "%s%lld.%02lld", sign, ip, fp / 10);
	return snprintf(out, size, "%s%lld.%03lld", sign, ip, fp);
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

static void buf_u16(struct buf *b, unsigned v)
{
	unsigned char x[2] = { (unsigned char)(v >> 8), (unsigned char)v };
	buf_add(b, x, 2);
}

static void buf_u32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = { (unsigned char)(v >> 24),
	                       (unsigned char)(v >> 16),
	                       (unsigned char)(v >> 8), (unsigned char)v };
	buf_add(b, x, 4);
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

static uint32_t checksum(const unsigned char *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 4 <= len; i += 4)
		sum += rd32(p + i);
	if (i < len) {
		unsigned char last[4] = { 0, 0, 0, 0 };
		memcpy(last, p + i, len - i);
		sum += rd32(last);
	}
	return sum;
}

/* Builds the subset font program into out: tables glyf, head, hhea, hmtx,
 * loca, maxp, post (alphabetical), glyphs 0..max_gid, unused glyphs
 * empty. Returns 0 or -1 (malformed source or out of memory). */
static int build_program(const struct pdffont *f, struct buf *out)
{
	static const char *tags[] = { "glyf", "head", "hhea", "hmtx", "loca",
	                              "maxp", "post" };
	enum { N_TABLES = 7 };
	const unsigned char *data;
	size_t dlen;
	struct table head, hhea, maxp, hmtx, loca, glyf;
	struct buf tb[N_TABLES];
	int n = f->max_gid + 1, gid, long_loca, i, rc = -1;
	unsigned n_hm;
	size_t off, dir_len, head_at = 0;

	memset(tb, 0, sizeof tb);
	data = fontset_data(f->fs, f->font, &dlen);
	if (data == NULL || dlen < 12 ||
	    get_table(data, dlen, "head", &head) < 0 || head.len < 54 ||
	    get_table(data, dlen, "hhea", &hhea) < 0 || hhea.len < 36 ||
	    get_table(data, dlen, "maxp", &maxp) < 0 || maxp.len < 6 ||
	    get_table(data, dlen, "hmtx", &hmtx) < 0 ||
	    get_table(data, dlen, "loca", &loca) < 0 ||
	    get_table(data, dlen, "glyf", &glyf) < 0)
		return -1;
	long_loca = rd16(head.p + 50) != 0;
	n_hm = rd16(hhea.p + 34);
	if (n_hm == 0 || (size_t)n_hm * 4 > hmtx.len)
		return -1;

	/* glyf and loca (long offsets: simple and always valid) */
	buf_u32(&tb[4], 0);
	for (gid = 0; gid < n; gid++) {
		size_t go = 0, gl = 0;
		if (gid == 0 || f->used[gid] != 0) {
			if (glyph_span(&loca, &glyf, long_loca, gid, &go, &gl) < 0)
				goto cleanup;
			buf_add(&tb[0], glyf.p + go, gl);
			while (tb[0].len % 4)
				buf_add(&tb[0], "", 1);
		}
		buf_u32(&tb[4], (uint32_t)tb[0].len);
	}
	/* head: indexToLocFormat long, checkSumAdjustment set below */
	buf_add(&tb[1], head.p, 54);
	if (!tb[1].oom) {
		memset(tb[1].p + 8, 0, 4);
		tb[1].p[50] = 0;
		tb[1].p[51] = 1;
	}
	/* hhea: every glyph gets a full metric */
	buf_add(&tb[2], hhea.p, 36);
	if (!tb[2].oom) {
		tb[2].p[34] = (unsigned char)(n >> 8);
		tb[2].p[35] = (unsigned char)n;
	}
	/* hmtx */
	for (gid = 0; gid < n; gid++) {
		unsigned adv, lsb;
		if ((unsigned)gid < n_hm) {
			adv = rd16(hmtx.p + gid * 4);
			lsb = rd16(hmtx.p + gid * 4 + 2);
		} else {
			size_t at = (size_t)n_hm * 4 + (size_t)(gid - n_hm) * 2;
			adv = rd16(hmtx.p + (n_hm - 1) * 4);
			lsb = at + 2 <= hmtx.len ? rd16(hmtx.p + at) : 0;
		}
		buf_u16(&tb[3], adv);
		buf_u16(&tb[3], lsb);
	}
	/* maxp with the new glyph count */
	buf_add(&tb[5], maxp.p, maxp.len);
	if (!tb[5].oom) {
		tb[5].p[4] = (unsigned char)(n >> 8);
		tb[5].p[5] = (unsigned char)n;
	}
	/* post format 3: no glyph names */
	buf_u32(&tb[6], 0x00030000);
	for (i = 0; i < 7; i++)
		buf_u32(&tb[6], 0);

	/* the table directory, then the tables, each 4-byte aligned */
	buf_u32(out, 0x00010000);
	buf_u16(out, N_TABLES);
	buf_u16(out, 64);       /* searchRange for 7 tables */
	buf_u16(out, 2);        /* entrySelector */
	buf_u16(out, N_TABLES * 16 - 64);
	dir_len = 12 + N_TABLES * 16;
	off = dir_len;
	for (i = 0; i < N_TABLES; i++) {
		if (tb[i].oom)
			goto cleanup;
		buf_add(out, tags[i], 4);
		buf_u32(out, checksum(tb[i].p, tb[i].len));
		buf_u32(out, (uint32_t)off);
		buf_u32(out, (uint32_t)tb[i].len);
		if (i == 1)
			head_at = off;
		off += (tb[i].len + 3) & ~(size_t)3;
	}
	for (i = 0; i < N_TABLES; i++) {
		buf_add(out, tb[i].p, tb[i].len);
		while (out->len % 4)
			buf_add(out, "", 1);
	}
	if (out->oom)
		goto cleanup;
	{
		uint32_t adj = 0xB1B0AFBAu - checksum(out->p, out->len);
		out->p[head_at + 8] = (unsigned char)(adj >> 24);
		out->p[head_at + 9] = (unsigned char)(adj >> 16);
		out->p[head_at + 10] = (unsigned char)(adj >> 8);
		out->p[head_at + 11] = (unsigned char)adj;
	}
	rc = 0;
cleanup:
	for (i = 0; i < N_TABLES; i++)
		free(tb[i].p);
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

/* The ToUnicode CMap: each used glyph id to the character it drew. */
static int build_tounicode(const struct pdffont *f, struct buf *b)
{
	int gid, in_block = 0, count = 0, total = 0;
	char line[64];

	for (gid = 1; gid <= f->max_gid; gid++)
		total += f->used[gid] != 0;
	buf_str(b, "/CIDInit /ProcSet findresource begin\n"
	           "12 dict begin\nbegincmap\n"
	           "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
	           "/Supplement 0 >> def\n"
	           "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
	           "1 begincodespacerange\n<0000> <FFFF>\n"
	           "endcodespacerange\n");
	for (gid = 1; gid <= f->max_gid; gid++) {
		if (f->used[gid] == 0)
			continue;
		if (!in_block) {
			int left = total - count;
			snprintf(line, sizeof line, "%d beginbfchar\n",
			         left > 100 ? 100 : left);
			buf_str(b, line);
			in_block = 0;
			in_block = 1;
		}
		snprintf(line, sizeof line, "<%04X> <", (unsigned)gid);
		buf_str(b, line);
		cmap_utf16(b, f->used[gid]);
		buf_str(b, ">\n");
		count++;
		if (count % 100 == 0 || count == total) {
			buf_str(b, "endbfchar\n");
			in_block = 0;
		}
	}
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

int pdffont_show(struct pdffont *f, HPDF_Page page, double size, double x,
                 double y, const char *utf8, struct err *e)
{
	return pdffont_show_scaled(f, page, size, 1, x, y, utf8, e);
}

int pdffont_show_scaled(struct pdffont *f, HPDF_Page page, double size,
                        double hscale, double x, double y, const char *utf8,
                        struct err *e)
{
	HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
	struct buf b = { 0 };
	size_t len = strlen(utf8), i = 0;
	char num[4][40], op[200];
	int rc = -1;

	if (use_on_page(f, page) < 0) {
		err_set(e, "pdf: cannot add font to page resources");
		goto cleanup;
	}
	fmt_num(num[0], sizeof num[0], size);
	fmt_num(num[1], sizeof num[1], x);
	fmt_num(num[2], sizeof num[2], y);
	/* four decimals, rounded down: never wider than the pieces */
	{
		long h = (long)floor(hscale * 10000);
		snprintf(num[3], sizeof num[3], "%ld.%04ld", h / 10000, h % 10000);
	}
	snprintf(op, sizeof op, "/%s %s Tf\n%s 0 0 1 %s %s Tm\n<", f->res_name,
	         num[0], num[3], num[1], num[2]);
	buf_str(&b, op);
	while (i < len) {
		uint32_t cp;
		int n = fontset_utf8_next(utf8 + i, len - i, &cp);
		unsigned gid;
		char hex[16];
		if (n < 0) {
			err_set(e, "pdf: invalid UTF-8 in text run");
			goto cleanup;
		}
		i += (size_t)n;
		if (fontset_is_invisible(cp))
			continue;   /* never drawn, even where the font has a glyph */
		gid = fontset_glyph(f->fs, f->font, cp);
		if (gid == 0 || (int)gid >= f->n_glyphs) {
			err_set(e, "pdf: U+%04X is not in font %s", (unsigned)cp,
			        f->info->ps_name);
			goto cleanup;
		}
		if (f->used[gid] == 0)
			f->used[gid] = cp;
		if ((int)gid > f->max_gid)
			f->max_gid = (int)gid;
		hex4(hex, gid);
		buf_add(&b, hex, 4);
	}
	buf_str(&b, "> Tj\n");
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
	free(b.p);
	return rc;
}

double pdffont_width(const struct pdffont *f, double size, const char *utf8)
{
	size_t len = strlen(utf8), i = 0;
	double w = 0;

	while (i < len) {
		uint32_t cp;
		int n = fontset_utf8_next(utf8 + i, len - i, &cp);
		unsigned gid;
		if (n < 0)
			return -1;
		i += (size_t)n;
		if (fontset_is_invisible(cp))
			continue;
		gid = fontset_glyph(f->fs, f->font, cp);
		if (gid == 0)
			return -1;
		w += fontset_glyph_advance(f->fs, f->font, gid) * size /
		     f->info->units_per_em;
	}
	return w;
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
 * midpoints. */
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
	buf_str(p->b, "h\n");
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
 * path. 0, or -1 for a composite or malformed glyph. */
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
		return -1;
	for (int i = 0; i < nc; i++)
		ends[i] = (int)rd16(g + 10 + i * 2);
	npts = ends[nc - 1] + 1;
	at = 10 + (size_t)nc * 2;
	at += 2 + rd16(g + at);              /* instructions */
	xs = calloc((size_t)npts, sizeof *xs);
	ys = calloc((size_t)npts, sizeof *ys);
	on = calloc((size_t)npts, 1);
	unsigned char *fl = calloc((size_t)npts, 1);
	if (xs == NULL || ys == NULL || on == NULL || fl == NULL)
		goto cleanup;
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

int pdffont_outline(struct pdffont *f, HPDF_Page page, double size, double x,
                    double y, const char *utf8, struct err *e)
{
	HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
	struct table head, loca, glyf;
	const unsigned char *data;
	size_t dlen, len = strlen(utf8), i = 0;
	struct buf b = { 0 };
	struct pen p = { .b = &b };
	double scale = size / f->info->units_per_em, pen_x = x;
	char k[40], num[2][40], op[200];
	int long_loca, rc = -1;

	fmt_fine(k, sizeof k, scale);

	data = fontset_data(f->fs, f->font, &dlen);
	if (data == NULL || dlen < 12 ||
	    get_table(data, dlen, "head", &head) < 0 || head.len < 54 ||
	    get_table(data, dlen, "loca", &loca) < 0 ||
	    get_table(data, dlen, "glyf", &glyf) < 0) {
		err_set(e, "pdf: font %s has no outlines", f->info->ps_name);
		return -1;
	}
	long_loca = rd16(head.p + 50) != 0;
	while (i < len) {
		uint32_t cp;
		int n = fontset_utf8_next(utf8 + i, len - i, &cp);
		unsigned gid;
		size_t go, gl;
		if (n < 0) {
			err_set(e, "pdf: invalid UTF-8 in text run");
			goto cleanup;
		}
		i += (size_t)n;
		if (fontset_is_invisible(cp))
			continue;
		gid = fontset_glyph(f->fs, f->font, cp);
		if (gid == 0 || (int)gid >= f->n_glyphs ||
		    glyph_span(&loca, &glyf, long_loca, (int)gid, &go, &gl) < 0) {
			err_set(e, "pdf: cannot draw U+%04X of font %s as a path",
			        (unsigned)cp, f->info->ps_name);
			goto cleanup;
		}
		if (gl > 0) {
			size_t mark = b.len;
			fmt_num(num[0], sizeof num[0], pen_x);
			fmt_num(num[1], sizeof num[1], y);
			snprintf(op, sizeof op, "q %s 0 0 %s %s %s cm\n", k, k, num[0],
			         num[1]);
			buf_str(&b, op);
			if (glyph_path(&p, glyf.p + go, gl) < 0) {
				err_set(e, "pdf: cannot draw U+%04X of font %s as a path",
				        (unsigned)cp, f->info->ps_name);
				goto cleanup;
			}
			if (b.len - mark > strlen(op))
				buf_str(&b, "f\nQ\n");
			else
				b.len = mark;        /* no contour: nothing to fill */
		}
		pen_x += fontset_glyph_advance(f->fs, f->font, gid) * scale;
	}
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
	free(b.p);
	return rc;
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
		err_set(e, "pdf: cannot subset font %s", f->info->ps_name);
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
	free(f);
}
