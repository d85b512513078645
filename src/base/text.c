/* text.c — NFC, whitespace folding and forbidden characters (see text.h). */
#include "text.h"

#include "oom.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

int text_utf8_next(const char *str, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF && (s[1] & 0xC0) == 0x80) {
		*cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
		return 2;
	}
	if (s[0] >= 0xE0 && s[0] <= 0xEF && (s[1] & 0xC0) == 0x80 &&
	    (s[2] & 0xC0) == 0x80) {
		*cp = ((uint32_t)(s[0] & 0x0F) << 12) |
		      ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
		if (*cp < 0x800 || (*cp >= 0xD800 && *cp <= 0xDFFF))
			return 0;
		return 3;
	}
	if (s[0] >= 0xF0 && s[0] <= 0xF4 && (s[1] & 0xC0) == 0x80 &&
	    (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80) {
		*cp = ((uint32_t)(s[0] & 0x07) << 18) |
		      ((uint32_t)(s[1] & 0x3F) << 12) |
		      ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
		if (*cp < 0x10000 || *cp > 0x10FFFF)
			return 0;
		return 4;
	}
	return 0;
}

int text_utf8_valid(const char *s)
{
	uint32_t cp;

	while (*s != '\0') {
		int len = text_utf8_next(s, &cp);
		if (len == 0)
			return 0;
		s += len;
	}
	return 1;
}

static int is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r';
}

uint32_t text_forbidden(const char *s, size_t *offset)
{
	size_t i = 0;

	while (s[i] != '\0') {
		uint32_t cp;
		int len = text_utf8_next(s + i, &cp);

		if (len == 0)
			cp = 0xFFFD;
		if (len == 0 || (cp < 0x20 && !is_space(cp)) ||
		    (cp >= 0x7F && cp <= 0x9F) ||
		    (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
			if (offset != NULL)
				*offset = i;
			return cp;
		}
		i += (size_t)len;
	}
	return 0;
}

/* Folds whitespace in place (see enum text_shape). */
static void fold_space(char *s, enum text_shape shape)
{
	char *out = s;
	int pending = 0;      /* 0 none, 1 space, 2 paragraph break */
	int newlines = 0;

	for (char *p = s; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			if (*p == '\n')
				newlines++;
			if (pending < 1)
				pending = 1;
			if (shape == TEXT_PARAGRAPHS && newlines >= 2)
				pending = 2;
			continue;
		}
		if (pending && out != s)
			*out++ = pending == 2 ? '\n' : ' ';
		pending = 0;
		newlines = 0;
		*out++ = *p;
	}
	*out = '\0';
}

/* Whether s is plain ASCII, which is already NFC. */
static int is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

char *text_from_utf16(const UChar *s, int32_t n)
{
	UErrorCode status = U_ZERO_ERROR;
	int32_t len = 0;
	char *out;

	u_strToUTF8(NULL, 0, &len, s, n, &status);
	if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status))
		return NULL;
	status = U_ZERO_ERROR;
	out = malloc((size_t)len + 1);
	if (out == NULL)
		return NULL;
	u_strToUTF8(out, len + 1, NULL, s, n, &status);
	if (U_FAILURE(status)) {
		free(out);
		return NULL;
	}
	return out;
}

static char *nfc(const char *s)
{
	UErrorCode status = U_ZERO_ERROR;
	const UNormalizer2 *norm = unorm2_getNFCInstance(&status);
	UChar *in = NULL, *out = NULL;
	char *result = NULL;
	int32_t in_len = 0, out_len;

	if (U_FAILURE(status))
		return NULL;
	u_strFromUTF8(NULL, 0, &in_len, s, -1, &status);
	if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status))
		return NULL;
	status = U_ZERO_ERROR;
	in = malloc(((size_t)in_len + 1) * sizeof *in);
	out = malloc(((size_t)in_len * 3 + 1) * sizeof *out);
	if (in == NULL || out == NULL)
		goto cleanup;
	u_strFromUTF8(in, in_len + 1, NULL, s, -1, &status);
	out_len = unorm2_normalize(norm, in, in_len, out, in_len * 3 + 1,
	                           &status);
	if (U_SUCCESS(status))
		result = text_from_utf16(out, out_len);
cleanup:
	free(in);
	free(out);
	return result;
}

char *text_clean(const char *s, enum text_shape shape)
{
	char *result;

	if (!text_utf8_valid(s))
		return NULL;
	result = is_ascii(s) ? strdup(s) : nfc(s);
	if (result == NULL)
		oom_note();  /* valid UTF-8: only memory can be missing */
	else
		fold_space(result, shape);
	return result;
}
