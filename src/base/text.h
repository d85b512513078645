/* text.h — Unicode text clean-up for record fields: NFC normalisation
 * (ICU), whitespace folding, and finding characters a record may not hold. */
#ifndef PACTDOC_TEXT_H
#define PACTDOC_TEXT_H

#include <stdint.h>
#include <stddef.h>

#include <unicode/utypes.h>

enum text_shape {
	TEXT_LINE,       /* one line: whitespace runs become one space, trimmed */
	TEXT_PARAGRAPHS  /* free text: blank lines separate paragraphs ("\n"),
	                    other whitespace runs become one space, trimmed */
};

/* Returns a new NFC-normalised, whitespace-folded copy of the valid UTF-8
 * string s (the caller frees it), or NULL when out of memory (the flag of
 * oom.h is then raised) or when s is not valid UTF-8. */
char *text_clean(const char *s, enum text_shape shape);

/* The first code point in s that a record may not contain (C0/C1
 * controls other than whitespace, U+FFFE/U+FFFF and other noncharacters),
 * or U+FFFD for the first byte sequence that is not valid UTF-8 (an
 * encoded surrogate, an overlong form, a stray byte), or 0 when there is
 * none. s need not be valid UTF-8. *offset gets its byte offset when not
 * NULL. */
uint32_t text_forbidden(const char *s, size_t *offset);

/* A new NUL-terminated UTF-8 copy of n UTF-16 units (the caller frees
 * it), or NULL when out of memory or s is not valid UTF-16. */
char *text_from_utf16(const UChar *s, int32_t n);

/* Whether s is entirely valid UTF-8 (no overlong forms, no surrogates). */
int text_utf8_valid(const char *s);

/* Decodes one UTF-8 sequence at s: its length (1-4) and code point, or 0
 * when s does not start with a valid sequence. */
int text_utf8_next(const char *s, uint32_t *cp);

#endif
