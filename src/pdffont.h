/* pdffont.h — one embedded font of one PDF document (used by pdf.c only):
 * created on first use, draws text runs, finished before saving. */
#ifndef PACTDOC_PDFFONT_H
#define PACTDOC_PDFFONT_H

#include <hpdf.h>

#include "err.h"
#include "fontset.h"

struct pdffont;

/* Prepares a new document for pdffont_new. Returns 0, or -1 with e set. */
int pdffont_begin(HPDF_Doc pdf, struct err *e);

/* Embeds font `font` of fs in pdf. NULL with e set on error. The result
 * lives until pdffont_free, which must come before HPDF_Free(pdf). */
struct pdffont *pdffont_new(HPDF_Doc pdf, const struct fontset *fs, int font,
                            struct err *e);

/* Draws UTF-8 text (visual order, every character in this font) with its
 * baseline starting at x, y, inside a BT/ET text object. 0 or -1 with e. */
int pdffont_show(struct pdffont *f, HPDF_Page page, double size, double x,
                 double y, const char *utf8, struct err *e);

/* Completes the font's objects once every run is drawn. 0 or -1 with e. */
int pdffont_finish(struct pdffont *f, struct err *e);

void pdffont_free(struct pdffont *f);

#endif
