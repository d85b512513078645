/* bidi.h — right-to-left text for the layout stage: the paragraph
 * direction of a language, bidi embedding levels (ICU ubidi) and the visual reordering of a line's runs.
 * Everything here is thread-safe and keeps no state between calls. */
#ifndef PACTDOC_BIDI_H
#define PACTDOC_BIDI_H

#include <unicode/ubidi.h>
#include <unicode/utypes.h>

#include "err.h"

/* 1 when the language of the BCP 47 tag is written right to left (ar, he,
 * fa, ur, ps, yi, dv, ckb, sd, ug), else 0. */
int bidi_lang_rtl(const char *lang);

/* Base direction of a paragraph by rules P2 and P3 of the Unicode Bidi
 * Algorithm: 0 when its first strong character (skipping text between an
 * isolate initiator and its matching PDI) is left-to-right, 1 when it is
 * right-to-left (R or AL), -1 when it has none. */
int bidi_first_strong(const UChar *s, int32_t n);

/* 1 when the text has a right-to-left or Arabic character or a bidi
 * control, i.e. when levels may differ from plain LTR. */
int bidi_has_rtl(const UChar *s, int32_t n);

/* Fills levels[0..n) with the bidi embedding level of each unit of s for a
 * paragraph of base direction rtl (0 or 1). Returns 0, or -1 with e set. */
int bidi_levels(const UChar *s, int32_t n, int rtl, UBiDiLevel *levels,
                struct err *e);

/* Writes the n units of an RTL run in display order into out (cap units):
 * reversed, with mirrored brackets; every unit is kept (ZWNJ and ZWJ
 * too, for shaping). Returns the length written, or -1 when out is too
 * small. */
int32_t bidi_reverse(const UChar *s, int32_t n, UChar *out, int32_t cap);

/* Visual order of n objects (segments of one line) of the given levels:
 * order[v] is the logical index shown at visual position v (rule L2). */
void bidi_visual_order(const UBiDiLevel *levels, int32_t n, int32_t *order);

#endif
