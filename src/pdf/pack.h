/* pack.h — rewrites libharu's output into a compact PDF: every stream
 * deflated once with libdeflate (the XMP metadata stays plain, PDF/A),
 * direct /Length values, the small dictionaries (structure elements,
 * fonts, widths) in one compressed object stream, and a hybrid
 * cross-reference (ISO 32000-1 §7.5.8.4): a classic table that tools
 * reading only tables (@signpdf/placeholder-plain) use to find the
 * catalog, pages, form, widgets and Info, plus a cross-reference stream
 * for the packed objects. */
#ifndef PACTDOC_PACK_H
#define PACTDOC_PACK_H

#include <stddef.h>

#include "err.h"

/* What pack_pdf did, for tests and measurements. */
struct pack_stats {
	int objects;           /* indirect objects written, packed included */
	int packed;            /* of which in the object stream */
	int deflated;          /* streams this call compressed */
};

/* Rewrites in[0..len) — a whole PDF as libharu 2.3.0 writes it with no
 * stream filters — into a new malloc'd buffer (*out, *out_len; the caller
 * frees it). The same input always gives the same bytes. Anything
 * unexpected in the input is an error, never a guessed file. Returns 0,
 * or -1 with e set (and *out NULL). st may be NULL. */
int pack_pdf(const unsigned char *in, size_t len, unsigned char **out,
             size_t *out_len, struct pack_stats *st, struct err *e);

#endif
