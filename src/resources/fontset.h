/* fontset.h — the shipped fonts: metrics, coverage and the fallback chain.
 * Loaded once per run from fonts/ and shared read-only by every thread.
 * Layout measures with it; the PDF stage embeds the files it names. */
#ifndef PACTDOC_FONTSET_H
#define PACTDOC_FONTSET_H

#include <stdint.h>
#include <stddef.h>

#include "err.h"

enum face {
	FACE_REGULAR,
	FACE_BOLD,
	FACE_COUNT
};

struct fontset;

/* Loads the fonts listed in DIR/fontset.txt. NULL with e set on error. */
struct fontset *fontset_load(const char *dir, struct err *e);
void fontset_free(struct fontset *fs);

/* Number of fonts; fonts are indexed 0..count-1. */
int fontset_count(const struct fontset *fs);
/* Path of font i's TrueType file, for embedding. */
const char *fontset_path(const struct fontset *fs, int font);

/* The first font of face's fallback chain that has a glyph for cp, or -1. */
int fontset_pick(const struct fontset *fs, enum face face, uint32_t cp);

/* Advance width of cp in font, in thousandths of the font size (0 when the
 * font has no glyph for cp). */
double fontset_advance(const struct fontset *fs, int font, uint32_t cp);

/* Width in points of `len` bytes of UTF-8 text drawn entirely in `font`.
 * Characters that are never drawn (fontset_is_invisible, e.g. the soft
 * hyphen) count 0, as the PDF stage skips them. */
double fontset_width(const struct fontset *fs, int font, double size,
                     const char *utf8, size_t len);

/* The first code point in the UTF-8 string that no font of face's chain
 * can draw, or 0 when every character can be drawn. Characters that are
 * never drawn (line separators, zero-width joiners, bidi controls) pass. */
uint32_t fontset_missing(const struct fontset *fs, enum face face,
                         const char *utf8);

/* ---- for the PDF stage and the tests (added by fonts-pdf) ---------------- */

/* Glyph id of cp in font, 0 when the font has none. */
unsigned fontset_glyph(const struct fontset *fs, int font, uint32_t cp);

/* Advance width of glyph gid, in font units (0 for an unknown glyph). */
int fontset_glyph_advance(const struct fontset *fs, int font, unsigned gid);

/* The font file's bytes as loaded (read-only, owned by fs). */
const unsigned char *fontset_data(const struct fontset *fs, int font,
                                  size_t *len);

/* What a PDF font descriptor needs, in font units. */
struct font_info {
	const char *ps_name;    /* PostScript name, e.g. "PactdocSans-Bold" */
	int units_per_em;
	int ascent, descent;    /* hhea */
	int cap_height;         /* OS/2 when present, else ascent */
	int bbox[4];            /* head xMin yMin xMax yMax */
	int num_glyphs;
	int bold;               /* 1 when head.macStyle says bold */
};
/* The most characters one glyph's text (struct shaped) lists. */
#define SHAPED_TEXT_MAX 4

/* One glyph of a shaped run, in font units. */
struct shaped {
	unsigned gid;
	uint32_t cp;       /* the (first) character it draws, as given */
	/* The characters the glyph stands for, in the run's visual order
	 * (as given): 1 for most glyphs, 2 for a lam-alef ligature, 0 for a
	 * further glyph of the same characters. ntext > SHAPED_TEXT_MAX when
	 * the glyph stands for more characters than text[] holds. */
	int ntext;
	uint32_t text[SHAPED_TEXT_MAX];
	int advance;       /* pen advance after it (kerning included) */
	int dx, dy;        /* where it is drawn, from the pen (mark anchors) */
};

/* Shapes a run of UTF-8 text (visual order, every drawn character in
 * `font`) with HarfBuzz: the font's GSUB (Arabic joining forms and
 * lam-alef ligatures: the world fonts keep these features for the Arabic
 * script only), GPOS kerning and mark positioning. A run with a
 * right-to-left letter is taken back to logical order and shaped right to
 * left (script guessed from the text: Arabic for Arabic letters).
 * Invisible characters (fontset_is_invisible) are dropped, except ZWNJ
 * and ZWJ, which are shaped (no joining across a ZWNJ) and draw no
 * glyph. Returns the
 * number of glyphs (0 or more), left to right in *out (caller frees), or
 * -1 with e set and *out NULL (bad UTF-8, a character not in the font,
 * out of memory). */
int fontset_shape(const struct fontset *fs, int font, const char *utf8,
                  struct shaped **out, struct err *e);

/* Shapes n UTF-16 units of text in logical order, all drawn in `font`
 * (direction and script guessed from the text), and writes into adv[k]
 * the advance, in font units, that unit k adds to the line: its glyph's
 * kerned advance (a ligature's on its first letter), 0 for a mark, a
 * ligature's further letters or the second unit of a pair. For the
 * layout, so that it measures what pdffont_show draws. Returns 0, or -1
 * with e set (out of memory). */
int fontset_shape_widths(const struct fontset *fs, int font,
                         const uint16_t *u, int n, int *adv, struct err *e);

/* fontset_shape and fontset_shape_widths answer repeated runs from a
 * bounded cache per thread (at most 2 MiB + 160 KiB each, freed when the
 * thread exits); a cached answer is byte for byte the uncached one.
 * fontset_cache_enable(0), or PACTDOC_NO_CACHE=1 in the environment,
 * turns it off for every thread (on by default). */
void fontset_cache_enable(int on);
/* Hits, misses and bytes held by the calling thread's cache (bytes may
 * be NULL). */
void fontset_cache_stats(unsigned long *hits, unsigned long *misses,
                         size_t *bytes);
/* Frees the calling thread's cache now (other threads' caches are freed
 * when they exit). */
void fontset_thread_cleanup(void);

/* HarfBuzz's face of font (hb_face_t *, owned by fs), for hb-subset. */
void *fontset_hb_face(const struct fontset *fs, int font);

const struct font_info *fontset_info(const struct fontset *fs, int font);

/* Decodes one UTF-8 character of s (len bytes available, len > 0) into
 * *cp. Returns the bytes consumed, or -1 for an invalid, overlong,
 * surrogate or truncated sequence (then *cp is U+FFFD and one byte should
 * be skipped). */
int fontset_utf8_next(const char *s, size_t len, uint32_t *cp);

/* Whether cp is never drawn (see fontset_missing): format and bidi
 * controls, joiners, soft hyphen, line and paragraph separators, tab,
 * CR, LF, variation selectors, BOM. */
int fontset_is_invisible(uint32_t cp);

#endif
