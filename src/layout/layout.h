/* layout.h — the layout stage: an abstract document (doc.h) becomes pages
 * of positioned runs (pages.h). A4, justified and hyphenated paragraphs,
 * bidi and Arabic shaping, a footer "page N of M", signature blocks never
 * split. Thread-safe: each call uses only its arguments and read-only data. */
#ifndef PACTDOC_LAYOUT_H
#define PACTDOC_LAYOUT_H

#include "doc.h"
#include "err.h"
#include "fontset.h"
#include "pages.h"

/* Lays out d into *out (which must be zeroed). Returns 0, or -1 with e
 * set; on error *out is cleared. */
int layout_doc(const struct doc *d, const struct fontset *fs,
               struct pages *out, struct err *e);

#endif
