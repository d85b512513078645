/* icc.h — the sRGB ICC profile of every document's PDF/A output intent,
 * computed by scripts/make-icc.py from the sRGB definition and compiled
 * into the binary by the Makefile (build/gen/srgb_icc.c). */
#ifndef PACTDOC_ICC_H
#define PACTDOC_ICC_H

#include <stddef.h>

extern const unsigned char srgb_icc[];
extern const size_t srgb_icc_len;

#endif
