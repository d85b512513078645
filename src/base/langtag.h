/* langtag.h — the one conversion of a BCP 47 language tag ("sr-Latn-RS",
 * as records and catalogues write it) into an ICU locale id ("sr_Latn_RS",
 * as ICU's C API wants it). Every module that opens an ICU service for a
 * language goes through it. */
#ifndef PACTDOC_LANGTAG_H
#define PACTDOC_LANGTAG_H

#include <stddef.h>

/* Writes the ICU locale id of tag (NULL means "en") into buf (size bytes).
 * Returns 0, or -1 when ICU cannot convert the tag or buf is too small;
 * buf then holds "en" (when size allows), so callers that only want some
 * locale may ignore the result. Thread-safe; allocates nothing. */
int langtag_icu_locale(const char *tag, char *buf, size_t size);

#endif
