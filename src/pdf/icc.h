/* icc.h — the sRGB ICC profile (Debian's icc-profiles-free,
 * /usr/share/color/icc/sRGB.icc) compiled into the binary by the Makefile
 * (build/gen/srgb_icc.c): the PDF/A output intent of every document. */
#ifndef PACTDOC_ICC_H
#define PACTDOC_ICC_H

#include <stddef.h>

extern const unsigned char srgb_icc[];
extern const size_t srgb_icc_len;

#endif
