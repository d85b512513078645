/* pdffont.h — one embedded font of one PDF document (used by pdf.c only):
 * created on first use, draws text runs, finished before saving. */
#ifndef PACTDOC_PDFFONT_H
#define PACTDOC_PDFFONT_H

#include <hpdf.h>

#include "err.h"
#include "fontset.h"

struct pdffont;

/* What the text object (BT ... ET) being written has set, so that a run
 * writes only what changes: the font and size (Tf) when they differ from
 * the run before, and its start as a move from the line before (Td) when
 * the text line matrix is a plain translation. Zero it at each BT. */
struct pdftext {
	const struct pdffont *font;   /* last Tf, NULL: none yet */
	double size;
	long long x, y;               /* line matrix origin, 1/1000 pt */
	int plain;                    /* it is set and has no scale */
};

/* Prepares a new document for pdffont_new. Returns 0, or -1 with e set. */
int pdffont_begin(HPDF_Doc pdf, struct err *e);

/* Embeds font `font` of fs in pdf. NULL with e set on error. The result
 * lives until pdffont_free, which must come before HPDF_Free(pdf). */
struct pdffont *pdffont_new(HPDF_Doc pdf, const struct fontset *fs, int font,
                            struct err *e);

/* Draws UTF-8 text (visual order, every character in this font) with its
 * baseline starting at x, y, inside a BT/ET text object whose state is
 * ts (read and updated), shaped by
 * HarfBuzz (fontset_shape): kerned, marks on their bases' anchors. When
 * `actual` is 1 and a mark is moved off the pen, the run is wrapped in an
 * /ActualText of its own so that extractors read it whole (pass 0 inside
 * an /ActualText span). 0 or -1 with e. */
int pdffont_show(struct pdffont *f, HPDF_Page page, struct pdftext *ts,
                 double size, double x, double y, const char *utf8,
                 int actual, struct err *e);

/* Like pdffont_show, with the glyphs' horizontal scale `hscale` (1: as
 * designed), in the current text rendering mode, never wrapped. */
int pdffont_show_scaled(struct pdffont *f, HPDF_Page page,
                        struct pdftext *ts, double size, double hscale,
                        double x, double y, const char *utf8, struct err *e);

/* The advance width of utf8 in points at `size` as shaped (kerning
 * included), or -1 with e set (a character not in the font, out of
 * memory). */
double pdffont_width(const struct pdffont *f, double size, const char *utf8,
                     struct err *e);

/* Appends to the page's content stream the glyph outlines of utf8 (as
 * pdffont_show would draw it) as filled paths in font units under one
 * "q k 0 0 k x y cm ... Q", each glyph moved from the one before by an
 * integer "cm", outside any text object: the picture of text whose
 * characters are given elsewhere.
 * Returns 0, or -1 with e set (a character not in the font, a malformed
 * glyph, out of memory). */
int pdffont_outline(struct pdffont *f, HPDF_Page page, double size, double x,
                    double y, const char *utf8, struct err *e);

/* Completes the font's objects once every run is drawn. 0 or -1 with e. */
int pdffont_finish(struct pdffont *f, struct err *e);

void pdffont_free(struct pdffont *f);

#endif
