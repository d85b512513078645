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

/* Width in points of `len` bytes of UTF-8 text drawn entirely in `font`. */
double fontset_width(const struct fontset *fs, int font, double size,
                     const char *utf8, size_t len);

/* The first code point in the UTF-8 string that no font of face's chain
 * can draw, or 0 when every character can be drawn. Characters that are
 * never drawn (line separators, zero-width joiners, bidi controls) pass. */
uint32_t fontset_missing(const struct fontset *fs, enum face face,
                         const char *utf8);

#endif
