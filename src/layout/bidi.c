/* bidi.c — ICU ubidi behind the small API of bidi.h (Arabic joining is
 * HarfBuzz's, from the font's GSUB: see fontset_shape). */
#include "bidi.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf16.h>

static const char *const rtl_langs[] = {
	"ar", "he", "iw", "fa", "ur", "ps", "yi", "dv", "ckb", "sd", "ug", NULL
};

int bidi_lang_rtl(const char *lang)
{
	char primary[8];
	size_t i = 0;

	while (lang && lang[i] && lang[i] != '-' && lang[i] != '_' &&
	       i + 1 < sizeof primary) {
		primary[i] = (char)tolower((unsigned char)lang[i]);
		i++;
	}
	primary[i] = '\0';
	for (int k = 0; rtl_langs[k]; k++)
		if (strcmp(primary, rtl_langs[k]) == 0)
			return 1;
	return 0;
}

int bidi_first_strong(const UChar *s, int32_t n)
{
	int depth = 0;  /* isolates open */

	for (int32_t i = 0; i < n;) {
		UChar32 c;
		U16_NEXT(s, i, n, c);
		switch (u_charDirection(c)) {
		case U_LEFT_TO_RIGHT_ISOLATE:
		case U_RIGHT_TO_LEFT_ISOLATE:
		case U_FIRST_STRONG_ISOLATE:
			depth++;
			break;
		case U_POP_DIRECTIONAL_ISOLATE:
			if (depth > 0)
				depth--;
			break;
		case U_LEFT_TO_RIGHT:
			if (depth == 0)
				return 0;
			break;
		case U_RIGHT_TO_LEFT:
		case U_RIGHT_TO_LEFT_ARABIC:
			if (depth == 0)
				return 1;
			break;
		default:
			break;
		}
	}
	return -1;
}

int bidi_has_rtl(const UChar *s, int32_t n)
{
	for (int32_t i = 0; i < n;) {
		UChar32 c;
		U16_NEXT(s, i, n, c);
		switch (u_charDirection(c)) {
		case U_RIGHT_TO_LEFT:
		case U_RIGHT_TO_LEFT_ARABIC:
		case U_ARABIC_NUMBER:
		case U_RIGHT_TO_LEFT_EMBEDDING:
		case U_RIGHT_TO_LEFT_OVERRIDE:
		case U_RIGHT_TO_LEFT_ISOLATE:
		case U_LEFT_TO_RIGHT_EMBEDDING:
		case U_LEFT_TO_RIGHT_OVERRIDE:
		case U_LEFT_TO_RIGHT_ISOLATE:
		case U_FIRST_STRONG_ISOLATE:
			return 1;
		default:
			break;
		}
	}
	return 0;
}

int bidi_levels(const UChar *s, int32_t n, int rtl, UBiDiLevel *levels,
                struct err *e)
{
	UErrorCode status = U_ZERO_ERROR;
	UBiDi *bidi;
	const UBiDiLevel *lv;
	int rc = -1;

	if (n == 0)
		return 0;
	if (!rtl && !bidi_has_rtl(s, n)) {
		memset(levels, 0, (size_t)n);
		return 0;
	}
	bidi = ubidi_openSized(n, 0, &status);
	if (U_FAILURE(status))
		return err_set(e, "bidi: %s", u_errorName(status));
	ubidi_setPara(bidi, s, n, rtl ? 1 : 0, NULL, &status);
	if (U_FAILURE(status)) {
		err_set(e, "bidi: %s", u_errorName(status));
		goto cleanup;
	}
	lv = ubidi_getLevels(bidi, &status);
	if (U_FAILURE(status) || lv == NULL) {
		err_set(e, "bidi levels: %s", u_errorName(status));
		goto cleanup;
	}
	memcpy(levels, lv, (size_t)n);
	rc = 0;
cleanup:
	ubidi_close(bidi);
	return rc;
}

int32_t bidi_reverse(const UChar *s, int32_t n, UChar *out, int32_t cap)
{
	UErrorCode status = U_ZERO_ERROR;
	int32_t len;

	/* A combining mark ends up before its base: the pactdoc fonts draw
	 * right-to-left marks (zero advance, outline right of the origin)
	 * over the glyph that follows them on a line drawn left to right. */
	/* Bidi controls are not removed here (the layout never passes them):
	 * ICU's list of them holds ZWNJ and ZWJ, which shaping needs. */
	len = ubidi_writeReverse(s, n, out, cap, UBIDI_DO_MIRRORING, &status);
	if (U_FAILURE(status))
		return -1;
	return len;
}

void bidi_visual_order(const UBiDiLevel *levels, int32_t n, int32_t *order)
{
	ubidi_reorderVisual(levels, n, order);
}
