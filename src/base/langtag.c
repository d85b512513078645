/* langtag.c — BCP 47 tags to ICU locale ids (uloc_forLanguageTag). */
#include "langtag.h"

#include <stdio.h>

#include <unicode/uloc.h>

int langtag_icu_locale(const char *tag, char *buf, size_t size)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t n;

	if (size == 0)
		return -1;
	n = uloc_forLanguageTag(tag ? tag : "en", buf, (int32_t)size, NULL,
	                        &st);
	if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING || n <= 0 ||
	    (size_t)n >= size) {
		snprintf(buf, size, "en");
		return -1;
	}
	return 0;
}
