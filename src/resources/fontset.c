/* fontset.c — loads the shipped TrueType fonts (fonts/fontset.txt), parses
 * head, hhea, maxp, OS/2, hmtx and cmap (formats 4 and 12) and answers
 * coverage and advance questions in O(1) for the BMP. Immutable after
 * fontset_load, so every thread may share one fontset. Shapes runs with
 * HarfBuzz, keeping recent results in a bounded cache per thread. */
#include "fontset.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb.h>
#include <hb-ot.h>
#include <unicode/uchar.h>

#include "array.h"
#include "fsutil.h"
#include "nocache.h"
#include "oom.h"

#define FONT_MAX_BYTES (32u * 1024 * 1024)
#define FONTSET_MAX_FONTS 16
#define CHAIN_MAX 8

/* A code point outside the BMP and its glyph (cmap format 12). */
struct astral {
	uint32_t cp;
	uint16_t gid;
};

struct font {
	char *path;
	unsigned char *data;
	size_t len;
	struct font_info info;
	char ps_name[64];
	uint16_t *bmp;          /* 65,536 glyph ids, 0 = none */
	struct astral *astral;  /* sorted by cp */
	size_t n_astral;
	uint16_t *advance;      /* per glyph, font units */
	hb_blob_t *hb_blob;     /* HarfBuzz's view of data (not a copy) */
	hb_face_t *hb_face;
	hb_font_t *hb_font;     /* immutable: shared by every thread */
};

struct fontset {
	uint64_t id;            /* unique per load: keys the shaping cache */
	struct font fonts[FONTSET_MAX_FONTS];
	int n_fonts;
	int chain[FACE_COUNT][CHAIN_MAX];
	int chain_len[FACE_COUNT];
	/* Whether each ASCII character can be drawn in each face: the
	 * glyph rule checks every record's text, mostly ASCII. */
	unsigned char ascii_ok[FACE_COUNT][128];
};

/* Ids of loaded fontsets, never reused, so that a cached shaping result
 * cannot outlive its fonts' meaning. */
static _Atomic uint64_t next_fontset_id = 1;

/* ---- big-endian readers, bounds checked by the callers ----------------- */

static unsigned rd16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static int rds16(const unsigned char *p)
{
	return (int16_t)rd16(p);
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Finds table `tag`; fills *off and *len. Returns 0, or -1 when absent or
 * out of the file's bounds. */
static int find_table(const struct font *f, const char *tag, size_t *off,
                      size_t *len)
{
	unsigned n, i;

	if (f->len < 12)
		return -1;
	n = rd16(f->data + 4);
	if (12 + (size_t)n * 16 > f->len)
		return -1;
	for (i = 0; i < n; i++) {
		const unsigned char *rec = f->data + 12 + i * 16;
		if (memcmp(rec, tag, 4) != 0)
			continue;
		*off = rd32(rec + 8);
		*len = rd32(rec + 12);
		if (*off > f->len || *len > f->len - *off)
			return -1;
		return 0;
	}
	return -1;
}

static int parse_metrics(struct font *f, struct err *e)
{
	size_t off, len, moff, mlen, hoff, hlen;
	const unsigned char *t;
	unsigned n_hmetrics, i;
	int last = 0;

	if (find_table(f, "head", &off, &len) < 0 || len < 54)
		return err_set(e, "%s: no usable head table", f->path);
	t = f->data + off;
	f->info.units_per_em = (int)rd16(t + 18);
	if (f->info.units_per_em < 16 || f->info.units_per_em > 16384)
		return err_set(e, "%s: bad unitsPerEm", f->path);
	for (i = 0; i < 4; i++)
		f->info.bbox[i] = rds16(t + 36 + 2 * i);
	f->info.bold = (rd16(t + 44) & 1) != 0;

	if (find_table(f, "maxp", &off, &len) < 0 || len < 6)
		return err_set(e, "%s: no usable maxp table", f->path);
	f->info.num_glyphs = (int)rd16(f->data + off + 4);
	if (f->info.num_glyphs < 1)
		return err_set(e, "%s: no glyphs", f->path);

	if (find_table(f, "hhea", &off, &len) < 0 || len < 36)
		return err_set(e, "%s: no usable hhea table", f->path);
	t = f->data + off;
	f->info.ascent = rds16(t + 4);
	f->info.descent = rds16(t + 6);
	n_hmetrics = rd16(t + 34);
	f->info.cap_height = f->info.ascent;
	if (find_table(f, "OS/2", &moff, &mlen) == 0 && mlen >= 90 &&
	    rd16(f->data + moff) >= 2)
		f->info.cap_height = rds16(f->data + moff + 88);

	if (find_table(f, "hmtx", &hoff, &hlen) < 0 ||
	    n_hmetrics < 1 || n_hmetrics > (unsigned)f->info.num_glyphs ||
	    (size_t)n_hmetrics * 4 > hlen)
		return err_set(e, "%s: no usable hmtx table", f->path);
	f->advance = calloc((size_t)f->info.num_glyphs, sizeof *f->advance);
	if (f->advance == NULL)
		return err_set(e, "%s: out of memory", f->path);
	for (i = 0; i < (unsigned)f->info.num_glyphs; i++) {
		if (i < n_hmetrics)
			last = (int)rd16(f->data + hoff + 4 * i);
		f->advance[i] = (uint16_t)last;
	}
	return 0;
}

static int parse_name(struct font *f)
{
	size_t off, len;
	unsigned count, sstart, i;
	const unsigned char *t;

	snprintf(f->ps_name, sizeof f->ps_name, "Font");
	if (find_table(f, "name", &off, &len) < 0 || len < 6)
		return 0;
	t = f->data + off;
	count = rd16(t + 2);
	sstart = rd16(t + 4);
	for (i = 0; i < count && 6 + (size_t)(i + 1) * 12 <= len; i++) {
		const unsigned char *r = t + 6 + i * 12;
		unsigned plat = rd16(r), id = rd16(r + 6);
		size_t slen = rd16(r + 8), soff = sstart + rd16(r + 10);
		size_t k, o = 0;
		if (id != 6 || soff + slen > len)
			continue;
		for (k = 0; k < slen && o + 1 < sizeof f->ps_name; k++) {
			unsigned c = t[soff + k];
			if (plat == 3 || plat == 0) {   /* UTF-16BE */
				if (k % 2 == 0)
					continue;
				c = t[soff + k];
			}
			if (c > 32 && c < 127 && !strchr("[](){}<>/%#", c))
				f->ps_name[o++] = (char)c;
		}
		if (o > 0) {
			f->ps_name[o] = '\0';
			return 0;
		}
	}
	return 0;
}

static void map_cp(struct font *f, uint32_t cp, unsigned gid)
{
	if (gid == 0 || gid >= (unsigned)f->info.num_glyphs)
		return;
	if (cp < 0x10000)
		f->bmp[cp] = (uint16_t)gid;
}

static int parse_cmap4(struct font *f, const unsigned char *t, size_t len)
{
	unsigned segx2, i;

	if (len < 14)
		return -1;
	segx2 = rd16(t + 6);
	if (segx2 % 2 || 16 + (size_t)segx2 * 4 > len)
		return -1;
	for (i = 0; i < segx2 / 2; i++) {
		size_t ro_pos = 16 + (size_t)segx2 * 3 + i * 2;
		unsigned end = rd16(t + 14 + i * 2);
		unsigned start = rd16(t + 16 + segx2 + i * 2);
		unsigned delta = rd16(t + 16 + (size_t)segx2 * 2 + i * 2);
		unsigned ro = rd16(t + ro_pos);
		uint32_t c;
		if (start > end)
			continue;
		for (c = start; c <= end; c++) {
			unsigned gid;
			if (ro == 0) {
				gid = (c + delta) & 0xFFFF;
			} else {
				size_t at = ro_pos + ro + (c - start) * 2;
				if (at + 2 > len)
					break;
				gid = rd16(t + at);
				if (gid != 0)
					gid = (gid + delta) & 0xFFFF;
			}
			map_cp(f, c, gid);
		}
	}
	return 0;
}

static int cmp_astral(const void *a, const void *b)
{
	const struct astral *x = a, *y = b;
	return x->cp < y->cp ? -1 : x->cp > y->cp;
}

/* Reads a format 12 cmap subtable (t, len bytes) into f: code points of
 * the BMP through map_cp, the others into f->astral, sorted by code point.
 * Groups out of range are skipped. Returns 0, or -1 when t is too short
 * or out of memory. */
static int parse_cmap12(struct font *f, const unsigned char *t, size_t len)
{
	uint32_t n, i, c;
	size_t cap = 0;
	struct astral *na;

	if (len < 16)
		return -1;
	n = rd32(t + 12);
	if ((size_t)n > (len - 16) / 12)
		return -1;
	for (i = 0; i < n; i++) {
		const unsigned char *g = t + 16 + (size_t)i * 12;
		uint32_t first = rd32(g), last = rd32(g + 4), gid = rd32(g + 8);
		if (first > last || last > 0x10FFFF || last - first > 0x10FFFF)
			continue;
		for (c = first; c <= last; c++) {
			uint32_t gc = gid + (c - first);
			if (gc == 0 || gc >= (uint32_t)f->info.num_glyphs)
				continue;
			if (c < 0x10000) {
				map_cp(f, c, gc);
				continue;
			}
			na = array_reserve(f->astral, sizeof *na, f->n_astral, 1,
			                   &cap);
			if (na == NULL)
				return -1;
			f->astral = na;
			f->astral[f->n_astral].cp = c;
			f->astral[f->n_astral].gid = (uint16_t)gc;
			f->n_astral++;
		}
	}
	qsort(f->astral, f->n_astral, sizeof *f->astral, cmp_astral);
	return 0;
}

/* Uses the Unicode subtable: (3,10) format 12 if present, else (3,1) or
 * (0,*) format 4. */
static int parse_cmap(struct font *f, struct err *e)
{
	size_t off, len, best4 = 0, best12 = 0;
	unsigned n, i;
	const unsigned char *t;
	int rc;

	if (find_table(f, "cmap", &off, &len) < 0 || len < 4)
		return err_set(e, "%s: no usable cmap table", f->path);
	t = f->data + off;
	n = rd16(t + 2);
	if (4 + (size_t)n * 8 > len)
		return err_set(e, "%s: truncated cmap", f->path);
	for (i = 0; i < n; i++) {
		unsigned plat = rd16(t + 4 + i * 8), enc = rd16(t + 6 + i * 8);
		size_t so = rd32(t + 8 + i * 8);
		unsigned fmt;
		if (so + 2 > len)
			continue;
		fmt = rd16(t + so);
		if (!(plat == 0 || (plat == 3 && (enc == 1 || enc == 10))))
			continue;
		if (fmt == 4 && best4 == 0)
			best4 = so;
		else if (fmt == 12 && best12 == 0)
			best12 = so;
	}
	f->bmp = calloc(65536, sizeof *f->bmp);
	if (f->bmp == NULL)
		return err_set(e, "%s: out of memory", f->path);
	if (best12 != 0)
		rc = parse_cmap12(f, t + best12, len - best12);
	else if (best4 != 0)
		rc = parse_cmap4(f, t + best4, len - best4);
	else
		return err_set(e, "%s: no Unicode cmap subtable", f->path);
	if (rc < 0)
		return err_set(e, "%s: malformed cmap subtable", f->path);
	return 0;
}

/* Without an OS/2 capHeight, the top of 'H' is the cap height. */
static void cap_height_from_h(struct font *f)
{
	size_t hoff, hlen, loff, llen, goff, glen, at;
	unsigned gid = f->bmp['H'];
	int long_loca;

	if (gid == 0 || find_table(f, "head", &hoff, &hlen) < 0 ||
	    find_table(f, "loca", &loff, &llen) < 0 ||
	    find_table(f, "glyf", &goff, &glen) < 0)
		return;
	long_loca = rd16(f->data + hoff + 50) != 0;
	if (long_loca && (size_t)(gid + 1) * 4 <= llen)
		at = rd32(f->data + loff + gid * 4);
	else if (!long_loca && (size_t)(gid + 1) * 2 <= llen)
		at = (size_t)rd16(f->data + loff + gid * 2) * 2;
	else
		return;
	if (at + 10 <= glen)
		f->info.cap_height = rds16(f->data + goff + at + 8);
}

/* Whether the font has table tag (the table directory read directly). */
static int has_table(const struct font *f, const char *tag)
{
	size_t off, len;

	return find_table(f, tag, &off, &len) == 0;
}

/* HarfBuzz loads a table when it is first used and, when an allocation
 * fails on the way, keeps an empty one for good without a word: glyphs
 * would then be missing, or kerning lost, in every later document. Makes
 * it load, once, in the thread that opens the fonts, what shaping uses
 * (head, maxp, cmap, hmtx, GDEF, GSUB, GPOS), by asking for it and
 * shaping one character, and checks the answers against the font's own
 * tables. Returns 0, or -1 when something did not load (memory ran out). */
static int hb_loaded(const struct font *f)
{
	hb_face_t *face = f->hb_face;
	hb_codepoint_t gid = 0;
	hb_buffer_t *b;
	uint32_t cp = 0x20;
	int ok;

	if (hb_face_get_upem(face) != (unsigned)f->info.units_per_em ||
	    hb_face_get_glyph_count(face) != (unsigned)f->info.num_glyphs ||
	    hb_ot_layout_has_glyph_classes(face) != has_table(f, "GDEF") ||
	    hb_ot_layout_has_substitution(face) != has_table(f, "GSUB") ||
	    hb_ot_layout_has_positioning(face) != has_table(f, "GPOS"))
		return -1;
	while (cp < 0xFFFF && f->bmp[cp] == 0)
		cp++;
	if (cp < 0xFFFF &&
	    (!hb_font_get_nominal_glyph(f->hb_font, cp, &gid) ||
	     gid != f->bmp[cp] ||
	     hb_font_get_glyph_h_advance(f->hb_font, gid) != f->advance[gid]))
		return -1;
	b = hb_buffer_create();
	hb_buffer_set_content_type(b, HB_BUFFER_CONTENT_TYPE_UNICODE);
	hb_buffer_add(b, cp, 0);
	hb_buffer_guess_segment_properties(b);
	/* The default Unicode functions (scripts, mirroring, combining
	 * classes) are made on first use too, and kept empty if they could
	 * not be. */
	ok = hb_buffer_get_unicode_funcs(b) != hb_unicode_funcs_get_empty() &&
	     hb_shape_full(f->hb_font, b, NULL, 0, NULL) &&
	     hb_buffer_allocation_successful(b);
	hb_buffer_destroy(b);
	return ok ? 0 : -1;
}

/* Opens the font for HarfBuzz (its GPOS kerning and mark anchors), in
 * font units, immutable so that threads can shape with it at once.
 * Returns 0, or -1 with e set. */
static int hb_open(struct font *f, struct err *e)
{
	f->hb_blob = hb_blob_create((const char *)f->data, (unsigned)f->len,
	                            HB_MEMORY_MODE_READONLY, NULL, NULL);
	f->hb_face = hb_face_create(f->hb_blob, 0);
	f->hb_font = hb_font_create(f->hb_face);
	/* HarfBuzz answers a failed allocation with its empty blob, face or
	 * font, which hold no glyph: every character would then be "not in
	 * the font". The font data was read whole, so an empty one is memory
	 * that ran out. */
	if (hb_blob_get_length(f->hb_blob) != (unsigned)f->len ||
	    f->hb_face == hb_face_get_empty() ||
	    f->hb_font == hb_font_get_empty())
		return err_set(e, "%s: out of memory (HarfBuzz cannot open the "
		               "font)", f->path);
	hb_font_set_scale(f->hb_font, f->info.units_per_em,
	                  f->info.units_per_em);
	hb_font_make_immutable(f->hb_font);
	if (hb_loaded(f) != 0)
		return err_set(e, "%s: out of memory (HarfBuzz could not load "
		               "the font's tables)", f->path);
	return 0;
}

static void font_clear(struct font *f)
{
	free(f->path);
	free(f->data);
	free(f->bmp);
	free(f->astral);
	free(f->advance);
	hb_font_destroy(f->hb_font);
	hb_face_destroy(f->hb_face);
	hb_blob_destroy(f->hb_blob);
	memset(f, 0, sizeof *f);
}

static int font_load(struct font *f, const char *path, struct err *e)
{
	f->path = strdup(path);
	if (f->path == NULL)
		return err_set(e, "%s: out of memory", path);
	f->data = (unsigned char *)fs_read_file(path, FONT_MAX_BYTES, &f->len,
	                                        e);
	if (f->data == NULL)
		return -1;
	if (f->len < 12 || (rd32(f->data) != 0x00010000 &&
	                    memcmp(f->data, "true", 4) != 0))
		return err_set(e, "%s: not a TrueType font", path);
	if (parse_metrics(f, e) < 0 || parse_cmap(f, e) < 0)
		return -1;
	parse_name(f);
	f->info.ps_name = f->ps_name;
	if (f->info.cap_height == f->info.ascent)
		cap_height_from_h(f);
	return hb_open(f, e);
}

/* Index of the font loaded from dir/file, loading it if new. */
static int font_index(struct fontset *fs, const char *dir, const char *file,
                      struct err *e)
{
	char path[4096];
	int i;

	if (snprintf(path, sizeof path, "%s/%s", dir, file) >=
	    (int)sizeof path)
		return err_set(e, "%s/%s: path too long", dir, file);
	for (i = 0; i < fs->n_fonts; i++)
		if (strcmp(fs->fonts[i].path, path) == 0)
			return i;
	if (fs->n_fonts == FONTSET_MAX_FONTS)
		return err_set(e, "%s/fontset.txt: more than %d fonts", dir,
		               FONTSET_MAX_FONTS);
	if (font_load(&fs->fonts[fs->n_fonts], path, e) < 0) {
		font_clear(&fs->fonts[fs->n_fonts]);
		return -1;
	}
	return fs->n_fonts++;
}

static int parse_line(struct fontset *fs, const char *dir, char *line,
                      int lineno, struct err *e)
{
	char *face_s, *file, *save = NULL;
	enum face face;
	int idx;

	face_s = strtok_r(line, " \t\r", &save);
	if (face_s == NULL || face_s[0] == '#')
		return 0;
	file = strtok_r(NULL, " \t\r", &save);
	if (file == NULL || strtok_r(NULL, " \t\r", &save) != NULL)
		return err_set(e, "%s/fontset.txt:%d: expected FACE FILE", dir,
		               lineno);
	if (strcmp(face_s, "regular") == 0)
		face = FACE_REGULAR;
	else if (strcmp(face_s, "bold") == 0)
		face = FACE_BOLD;
	else
		return err_set(e, "%s/fontset.txt:%d: unknown face '%s'", dir,
		               lineno, face_s);
	if (strchr(file, '/') != NULL || file[0] == '.')
		return err_set(e, "%s/fontset.txt:%d: bad file name '%s'", dir,
		               lineno, file);
	if (fs->chain_len[face] == CHAIN_MAX)
		return err_set(e, "%s/fontset.txt:%d: chain too long", dir,
		               lineno);
	idx = font_index(fs, dir, file, e);
	if (idx < 0)
		return -1;
	fs->chain[face][fs->chain_len[face]++] = idx;
	return 0;
}

struct fontset *fontset_load(const char *dir, struct err *e)
{
	char path[4096];
	struct fontset *fs = NULL;
	char *text = NULL, *line, *save = NULL;
	int lineno = 0, face;

	if (snprintf(path, sizeof path, "%s/fontset.txt", dir) >=
	    (int)sizeof path) {
		err_set(e, "%s: path too long", dir);
		goto fail;
	}
	text = fs_read_file(path, 65536, NULL, e);
	if (text == NULL)
		goto fail;
	fs = calloc(1, sizeof *fs);
	if (fs == NULL) {
		err_set(e, "out of memory");
		goto fail;
	}
	fs->id = atomic_fetch_add(&next_fontset_id, 1);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		if (parse_line(fs, dir, line, ++lineno, e) < 0)
			goto fail;
	for (face = 0; face < FACE_COUNT; face++)
		if (fs->chain_len[face] == 0) {
			err_set(e, "%s: no %s font", path,
			        face == FACE_BOLD ? "bold" : "regular");
			goto fail;
		}
	for (face = 0; face < FACE_COUNT; face++)
		for (uint32_t cp = 0; cp < 128; cp++)
			fs->ascii_ok[face][cp] = fontset_is_invisible(cp) ||
			                         fontset_pick(fs, face, cp) >= 0;
	free(text);
	return fs;
fail:
	free(text);
	fontset_free(fs);
	return NULL;
}

/* A fontset left as it is (see fontset_free); kept reachable, so that
 * LeakSanitizer does not call it a leak. */
static struct fontset *volatile kept_after_oom;

void fontset_free(struct fontset *fs)
{
	int i;

	if (fs == NULL)
		return;
	/* HarfBuzz 6 can free an invalid pointer when a face whose subsetting
	 * data could not all be allocated is destroyed (found by the
	 * allocation-failure sweep). Once an allocation has failed the
	 * process is about to exit: the fonts are left to it. */
	if (oom_failures() != 0) {
		kept_after_oom = fs;
		return;
	}
	for (i = 0; i < fs->n_fonts; i++)
		font_clear(&fs->fonts[i]);
	free(fs);
}

int fontset_count(const struct fontset *fs)
{
	return fs ? fs->n_fonts : 0;
}

static const struct font *get_font(const struct fontset *fs, int font)
{
	if (fs == NULL || font < 0 || font >= fs->n_fonts)
		return NULL;
	return &fs->fonts[font];
}

const char *fontset_path(const struct fontset *fs, int font)
{
	const struct font *f = get_font(fs, font);
	return f ? f->path : NULL;
}

unsigned fontset_glyph(const struct fontset *fs, int font, uint32_t cp)
{
	const struct font *f = get_font(fs, font);
	size_t lo, hi;

	if (f == NULL)
		return 0;
	if (cp < 0x10000)
		return f->bmp[cp];
	lo = 0;
	hi = f->n_astral;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->astral[mid].cp == cp)
			return f->astral[mid].gid;
		if (f->astral[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int fontset_glyph_advance(const struct fontset *fs, int font, unsigned gid)
{
	const struct font *f = get_font(fs, font);

	if (f == NULL || gid >= (unsigned)f->info.num_glyphs)
		return 0;
	return f->advance[gid];
}

const unsigned char *fontset_data(const struct fontset *fs, int font,
                                  size_t *len)
{
	const struct font *f = get_font(fs, font);

	if (f == NULL)
		return NULL;
	if (len != NULL)
		*len = f->len;
	return f->data;
}

const struct font_info *fontset_info(const struct fontset *fs, int font)
{
	const struct font *f = get_font(fs, font);
	return f ? &f->info : NULL;
}

int fontset_pick(const struct fontset *fs, enum face face, uint32_t cp)
{
	int i;

	if (fs == NULL || (int)face < 0 || face >= FACE_COUNT)
		return -1;
	for (i = 0; i < fs->chain_len[face]; i++)
		if (fontset_glyph(fs, fs->chain[face][i], cp) != 0)
			return fs->chain[face][i];
	return -1;
}

double fontset_advance(const struct fontset *fs, int font, uint32_t cp)
{
	const struct font *f = get_font(fs, font);
	unsigned gid = fontset_glyph(fs, font, cp);

	if (f == NULL || gid == 0)
		return 0;
	return f->advance[gid] * 1000.0 / f->info.units_per_em;
}

int fontset_utf8_next(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c, min;
	int n, i;

	*cp = 0xFFFD;
	if (len == 0)
		return -1;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	} else if ((p[0] & 0xE0) == 0xC0) {
		n = 2; c = p[0] & 0x1F; min = 0x80;
	} else if ((p[0] & 0xF0) == 0xE0) {
		n = 3; c = p[0] & 0x0F; min = 0x800;
	} else if ((p[0] & 0xF8) == 0xF0) {
		n = 4; c = p[0] & 0x07; min = 0x10000;
	} else {
		return -1;
	}
	if ((size_t)n > len)
		return -1;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return -1;
		c = c << 6 | (p[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return -1;
	*cp = c;
	return n;
}

int fontset_is_invisible(uint32_t cp)
{
	return cp == 0x09 || cp == 0x0A || cp == 0x0D ||
	       cp == 0x00AD ||                     /* soft hyphen */
	       cp == 0x034F ||                     /* combining grapheme joiner */
	       cp == 0x061C ||                     /* Arabic letter mark */
	       (cp >= 0x200B && cp <= 0x200F) ||   /* ZWSP ZWNJ ZWJ LRM RLM */
	       (cp >= 0x2028 && cp <= 0x202E) ||   /* LS PS LRE RLE PDF LRO RLO */
	       (cp >= 0x2060 && cp <= 0x2064) ||   /* word joiner, invisibles */
	       (cp >= 0x2066 && cp <= 0x2069) ||   /* bidi isolates */
	       (cp >= 0xFE00 && cp <= 0xFE0F) ||   /* variation selectors */
	       cp == 0xFEFF;                       /* BOM, ZWNBSP */
}

double fontset_width(const struct fontset *fs, int font, double size,
                     const char *utf8, size_t len)
{
	const struct font *f = get_font(fs, font);
	size_t i = 0;
	long units = 0;

	if (f == NULL || utf8 == NULL)
		return 0;
	while (i < len) {
		uint32_t cp;
		int n = fontset_utf8_next(utf8 + i, len - i, &cp);
		unsigned gid;
		i += n > 0 ? (size_t)n : 1;
		if (fontset_is_invisible(cp))
			continue;
		gid = fontset_glyph(fs, font, cp);
		if (gid != 0)
			units += f->advance[gid];
	}
	return (double)units * size / f->info.units_per_em;
}

uint32_t fontset_missing(const struct fontset *fs, enum face face,
                         const char *utf8)
{
	size_t i = 0, len;

	if (utf8 == NULL)
		return 0;
	len = strlen(utf8);
	while (i < len) {
		uint32_t cp = (unsigned char)utf8[i];
		int n;
		if (cp < 128 && fs->ascii_ok[face][cp]) {
			i++;
			continue;
		}
		n = fontset_utf8_next(utf8 + i, len - i, &cp);
		if (n < 0)
			return 0xFFFD;
		i += (size_t)n;
		if (fontset_is_invisible(cp))
			continue;
		if (fontset_pick(fs, face, cp) < 0)
			return cp;
	}
	return 0;
}

/* ---- shaping (HarfBuzz) --------------------------------------------------- */

/* Whether the run (visual order) holds a right-to-left letter: then it
 * was reversed by the layout and must be shaped right to left. */
static int run_is_rtl(const uint32_t *cps, int n)
{
	for (int i = 0; i < n; i++) {
		UCharDirection d = u_charDirection((UChar32)cps[i]);
		if (d == U_RIGHT_TO_LEFT || d == U_RIGHT_TO_LEFT_ARABIC)
			return 1;
	}
	return 0;
}

/* Whether cp is ZWNJ or ZWJ: never drawn, but shaped (they stop or ask
 * for Arabic joining); HarfBuzz removes their glyphs. */
static int is_joiner(uint32_t cp)
{
	return cp == 0x200C || cp == 0x200D;
}

/* Decodes utf8 into the code points that are drawn, and the joiners
 * (other invisible ones dropped). Returns the count and *out (caller
 * frees), or -1 with e. */
static int drawn_cps(const char *utf8, uint32_t **out, struct err *e)
{
	size_t len = strlen(utf8), i = 0;
	uint32_t *cps = malloc((len + 1) * sizeof *cps);
	int n = 0;

	if (cps == NULL)
		return err_set(e, "out of memory");
	while (i < len) {
		uint32_t cp;
		int k = fontset_utf8_next(utf8 + i, len - i, &cp);
		if (k < 0) {
			free(cps);
			return err_set(e, "pdf: invalid UTF-8 in text run");
		}
		i += (size_t)k;
		if (!fontset_is_invisible(cp) || is_joiner(cp))
			cps[n++] = cp;
	}
	*out = cps;
	return n;
}

/* An RTL run arrives reversed, with mirrored brackets: turn it back into
 * logical order for HarfBuzz, which reverses and mirrors it again. */
static void to_logical(uint32_t *cps, int n)
{
	for (int i = 0, j = n - 1; i < j; i++, j--) {
		uint32_t t = cps[i];
		cps[i] = cps[j];
		cps[j] = t;
	}
	for (int i = 0; i < n; i++)
		cps[i] = (uint32_t)u_charMirror((UChar32)cps[i]);
}

/* Fills cp, text and ntext of the n glyphs g (HarfBuzz's infos: their
 * clusters index cps, the run's n_cps characters in logical order). A
 * cluster's characters go to the first glyph of it met; a ligature
 * covers its characters up to the next cluster. rtl: the run was taken
 * back to logical order, so its characters are listed reversed and
 * mirrored again, as the layout gave them. Joiners (ZWNJ, ZWJ, whose
 * glyphs HarfBuzz removed) are in no glyph's text. starts: n_cps + 1
 * zeroed bytes of scratch. */
static void glyph_texts(struct shaped *g, const hb_glyph_info_t *info,
                        unsigned count, const uint32_t *cps, int n_cps,
                        int rtl, unsigned char *starts)
{
	for (unsigned i = 0; i < count; i++)
		starts[info[i].cluster] = 1;
	for (unsigned i = 0; i < count; i++) {
		int a = (int)info[i].cluster, b = a + 1, k = 0;
		while (b < n_cps && !starts[b])
			b++;
		g[i].cp = cps[a];
		for (int j = a; j < b; j++)
			if (!is_joiner(cps[j])) {
				g[i].cp = cps[j];
				break;
			}
		if (starts[a] == 2) {
			g[i].ntext = 0;    /* a further glyph of the cluster */
		} else {
			/* the cluster's characters, joiners left out */
			starts[a] = 2;
			g[i].ntext = 0;
			for (int j = 0; j < b - a; j++) {
				uint32_t cp = cps[rtl ? b - 1 - j : a + j];
				if (is_joiner(cp))
					continue;
				if (k < SHAPED_TEXT_MAX)
					g[i].text[k++] = cp;
				g[i].ntext++;
			}
		}
		if (rtl) {
			/* back to the characters as the layout gave them */
			g[i].cp = (uint32_t)u_charMirror((UChar32)g[i].cp);
			for (int j = 0; j < k; j++)
				g[i].text[j] = (uint32_t)u_charMirror(
				        (UChar32)g[i].text[j]);
		}
	}
}

/* fontset_shape without the cache. */
static int shape_uncached(const struct fontset *fs, int font,
                          const char *utf8, struct shaped **out,
                          struct err *e)
{
	const struct font *f = get_font(fs, font);
	hb_buffer_t *hb = NULL;
	hb_glyph_info_t *info;
	hb_glyph_position_t *pos;
	struct shaped *g = NULL;
	uint32_t *cps = NULL;
	unsigned char *starts = NULL;
	unsigned count = 0;
	int n, rtl, rc = -1;

	*out = NULL;
	if (f == NULL)
		return err_set(e, "pdf: unknown font %d", font);
	if ((n = drawn_cps(utf8, &cps, e)) < 0)
		return -1;
	rtl = run_is_rtl(cps, n);
	if (rtl)
		to_logical(cps, n);
	hb = hb_buffer_create();
	if (!hb_buffer_allocation_successful(hb)) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	hb_buffer_set_content_type(hb, HB_BUFFER_CONTENT_TYPE_UNICODE);
	hb_buffer_set_cluster_level(hb,
	                            HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
	hb_buffer_set_flags(hb, HB_BUFFER_FLAG_REMOVE_DEFAULT_IGNORABLES);
	for (int i = 0; i < n; i++)
		hb_buffer_add(hb, cps[i], (unsigned)i);
	hb_buffer_set_direction(hb, rtl ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
	hb_buffer_guess_segment_properties(hb);
	/* hb_shape_full is false when its shape plan could not be made. */
	if (!hb_shape_full(f->hb_font, hb, NULL, 0, NULL) ||
	    !hb_buffer_allocation_successful(hb)) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	info = hb_buffer_get_glyph_infos(hb, &count);
	pos = hb_buffer_get_glyph_positions(hb, NULL);
	g = malloc(((size_t)count + 1) * sizeof *g);
	if (g == NULL) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	starts = calloc((size_t)n + 1, 1);
	if (starts == NULL) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	for (unsigned i = 0; i < count; i++) {
		g[i].gid = info[i].codepoint;
		if (g[i].gid == 0 || g[i].gid >= (unsigned)f->info.num_glyphs) {
			err_set(e, "pdf: U+%04X is not in font %s",
			        (unsigned)cps[info[i].cluster], f->info.ps_name);
			goto cleanup;
		}
		g[i].advance = pos[i].x_advance;
		g[i].dx = pos[i].x_offset;
		g[i].dy = pos[i].y_offset;
	}
	glyph_texts(g, info, count, cps, n, rtl, starts);
	*out = g;
	g = NULL;
	rc = (int)count;
cleanup:
	free(g);
	free(starts);
	free(cps);
	hb_buffer_destroy(hb);
	return rc;
}

/* fontset_shape_widths without the cache. */
static int shape_widths_uncached(const struct fontset *fs, int font,
                                 const uint16_t *u, int n, int *adv,
                                 struct err *e)
{
	const struct font *f = get_font(fs, font);
	hb_buffer_t *hb;
	hb_glyph_info_t *info;
	hb_glyph_position_t *pos;
	unsigned count = 0;
	int rc = -1;

	if (f == NULL)
		return err_set(e, "unknown font %d", font);
	memset(adv, 0, (size_t)n * sizeof *adv);
	hb = hb_buffer_create();
	hb_buffer_set_cluster_level(hb,
	                            HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
	hb_buffer_add_utf16(hb, u, n, 0, n);
	hb_buffer_guess_segment_properties(hb);
	/* hb_shape_full is false when its shape plan could not be made. */
	if (!hb_shape_full(f->hb_font, hb, NULL, 0, NULL) ||
	    !hb_buffer_allocation_successful(hb)) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	info = hb_buffer_get_glyph_infos(hb, &count);
	pos = hb_buffer_get_glyph_positions(hb, NULL);
	for (unsigned i = 0; i < count; i++)
		if (info[i].cluster < (unsigned)n)
			adv[info[i].cluster] += pos[i].x_advance;
	rc = 0;
cleanup:
	hb_buffer_destroy(hb);
	return rc;
}

/* ---- the per-thread cache of shaping results -----------------------------
 * Every document of a language repeats the same catalogue wording, and each
 * run is shaped twice (line breaking, then drawing). A result is a pure
 * function of (fontset, font, kind, input): the fontset's id, never reused,
 * the font index, which of the two functions, and the exact input bytes
 * (UTF-8, or UTF-16 units); direction and script are guessed from the
 * input itself (and the language is HarfBuzz's process default, fixed for
 * the run). So a hit returns exactly what HarfBuzz would: output never
 * depends on the cache, on the thread or on the order of the records.
 * Direct-mapped: a new entry overwrites its slot. Bounded: an entry (input
 * and result) over SHAPE_ENTRY_MAX bytes is not kept, and when the entries
 * would pass SHAPE_BUDGET bytes the whole cache is emptied first. So one
 * thread holds at most SHAPE_BUDGET + SHAPE_SLOTS * sizeof(struct
 * shape_slot) = 2 MiB + 160 KiB. Out of memory: the result is not kept. */
#define SHAPE_SLOTS     4096
#define SHAPE_ENTRY_MAX 4096
#define SHAPE_BUDGET    (2u * 1024 * 1024)

enum shape_kind { KIND_GLYPHS = 1, KIND_WIDTHS = 2 };

struct shape_slot {
	uint64_t set;           /* fontset id, 0 when empty */
	uint32_t hash;
	int16_t font;
	uint16_t kind;
	uint32_t klen;          /* bytes of input, first in mem */
	uint32_t size;          /* bytes of mem: input and result */
	int32_t count;          /* glyphs (KIND_GLYPHS) or units (WIDTHS) */
	unsigned char *mem;     /* klen input bytes, then the result */
};

_Static_assert(sizeof(struct shape_slot) <= 40, "slot size in the bound");

struct shape_cache {
	struct shape_slot slot[SHAPE_SLOTS];
	size_t bytes;           /* sum of the entries' sizes */
	unsigned long hits, misses;
};

/* What one lookup is about. */
struct shape_key {
	uint64_t set;
	int font;
	enum shape_kind kind;
	const void *in;
	size_t len;
	uint32_t hash;
};

static pthread_key_t shape_key_tls;
static pthread_once_t shape_once = PTHREAD_ONCE_INIT;
static _Thread_local struct shape_cache *thread_shape;
/* 1: the cache is used; PACTDOC_NO_CACHE=1 in the environment, or
 * fontset_cache_enable(0), turns it off. */
static _Atomic int shape_on = 1;

/* Frees the entries of c (not c). */
static void shape_cache_clear(struct shape_cache *c)
{
	for (int i = 0; i < SHAPE_SLOTS; i++) {
		free(c->slot[i].mem);
		memset(&c->slot[i], 0, sizeof c->slot[i]);
	}
	c->bytes = 0;
}

/* The thread-exit destructor of a thread's cache. */
static void shape_cache_free(void *p)
{
	struct shape_cache *c = p;

	if (c == NULL)
		return;
	shape_cache_clear(c);
	free(c);
}

static void shape_once_init(void)
{
	pthread_key_create(&shape_key_tls, shape_cache_free);
	if (caches_turned_off())
		atomic_store(&shape_on, 0);
}

/* The calling thread's cache, made on first use; NULL when the cache is
 * off or out of memory (then runs are shaped uncached). */
static struct shape_cache *shape_cache_get(void)
{
	struct shape_cache *c = thread_shape;

	if (c != NULL)
		return atomic_load(&shape_on) ? c : NULL;
	pthread_once(&shape_once, shape_once_init);
	if (!atomic_load(&shape_on))
		return NULL;
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	if (pthread_setspecific(shape_key_tls, c) != 0) {
		free(c);
		return NULL;
	}
	thread_shape = c;
	return c;
}

/* Fills k and its FNV-1a hash over set, font, kind and the input. */
static void shape_key_make(struct shape_key *k, const struct fontset *fs,
                           int font, enum shape_kind kind, const void *in,
                           size_t len)
{
	const unsigned char *p = in;
	uint32_t h = 2166136261u;
	uint64_t v = fs->id * 131u + (uint64_t)font * 7u + (uint64_t)kind;

	k->set = fs->id;
	k->font = font;
	k->kind = kind;
	k->in = in;
	k->len = len;
	for (int i = 0; i < 8; i++, v >>= 8)
		h = (h ^ (v & 0xFFu)) * 16777619u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	k->hash = h;
}

/* The slot of c holding k's result, or NULL. */
static struct shape_slot *shape_find(struct shape_cache *c,
                                     const struct shape_key *k)
{
	struct shape_slot *s = &c->slot[k->hash % SHAPE_SLOTS];

	if (s->set == k->set && s->hash == k->hash && s->font == k->font &&
	    s->kind == k->kind && s->klen == k->len &&
	    memcmp(s->mem, k->in, k->len) == 0) {
		c->hits++;
		return s;
	}
	c->misses++;
	return NULL;
}

/* Keeps k's result (vlen bytes at val, count items) in its slot of c,
 * evicting what was there. Does nothing when too big or out of memory. */
static void shape_put(struct shape_cache *c, const struct shape_key *k,
                      const void *val, size_t vlen, int count)
{
	struct shape_slot *s = &c->slot[k->hash % SHAPE_SLOTS];
	size_t size = k->len + vlen;
	unsigned char *mem;

	if (size > SHAPE_ENTRY_MAX || size == 0)
		return;
	c->bytes -= s->size;
	free(s->mem);
	memset(s, 0, sizeof *s);
	if (c->bytes + size > SHAPE_BUDGET)
		shape_cache_clear(c);
	mem = malloc(size);
	if (mem == NULL)
		return;
	memcpy(mem, k->in, k->len);
	if (vlen > 0)
		memcpy(mem + k->len, val, vlen);
	s->set = k->set;
	s->hash = k->hash;
	s->font = (int16_t)k->font;
	s->kind = (uint16_t)k->kind;
	s->klen = (uint32_t)k->len;
	s->size = (uint32_t)size;
	s->count = count;
	s->mem = mem;
	c->bytes += size;
}

int fontset_shape(const struct fontset *fs, int font, const char *utf8,
                  struct shaped **out, struct err *e)
{
	struct shape_cache *c;
	struct shape_slot *s;
	struct shape_key k;
	struct shaped *g;
	int n;

	*out = NULL;
	if (get_font(fs, font) == NULL || utf8 == NULL ||
	    (c = shape_cache_get()) == NULL)
		return shape_uncached(fs, font, utf8, out, e);
	shape_key_make(&k, fs, font, KIND_GLYPHS, utf8, strlen(utf8));
	if ((s = shape_find(c, &k)) != NULL) {
		g = malloc(((size_t)s->count + 1) * sizeof *g);
		if (g == NULL)
			return err_set(e, "out of memory");
		memcpy(g, s->mem + s->klen, (size_t)s->count * sizeof *g);
		*out = g;
		return s->count;
	}
	n = shape_uncached(fs, font, utf8, out, e);
	if (n >= 0)
		shape_put(c, &k, *out, (size_t)n * sizeof **out, n);
	return n;
}

int fontset_shape_widths(const struct fontset *fs, int font,
                         const uint16_t *u, int n, int *adv, struct err *e)
{
	struct shape_cache *c;
	struct shape_slot *s;
	struct shape_key k;

	if (get_font(fs, font) == NULL || n <= 0 ||
	    (c = shape_cache_get()) == NULL)
		return shape_widths_uncached(fs, font, u, n, adv, e);
	shape_key_make(&k, fs, font, KIND_WIDTHS, u, (size_t)n * sizeof *u);
	if ((s = shape_find(c, &k)) != NULL) {
		memcpy(adv, s->mem + s->klen, (size_t)n * sizeof *adv);
		return 0;
	}
	if (shape_widths_uncached(fs, font, u, n, adv, e) < 0)
		return -1;
	shape_put(c, &k, adv, (size_t)n * sizeof *adv, n);
	return 0;
}

void fontset_cache_enable(int on)
{
	pthread_once(&shape_once, shape_once_init);
	atomic_store(&shape_on, on ? 1 : 0);
}

void fontset_cache_stats(unsigned long *hits, unsigned long *misses,
                         size_t *bytes)
{
	struct shape_cache *c = thread_shape;

	*hits = c != NULL ? c->hits : 0;
	*misses = c != NULL ? c->misses : 0;
	if (bytes != NULL)
		*bytes = c != NULL ? c->bytes : 0;
}

void fontset_thread_cleanup(void)
{
	pthread_once(&shape_once, shape_once_init);
	shape_cache_free(thread_shape);
	thread_shape = NULL;
	pthread_setspecific(shape_key_tls, NULL);
}

void *fontset_hb_face(const struct fontset *fs, int font)
{
	const struct font *f = get_font(fs, font);

	return f != NULL ? f->hb_face : NULL;
}
