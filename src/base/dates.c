/* dates.c — parsing run dates (day arithmetic by timegm(3) and
 * gmtime_r(3)) and printing dates in a language (ICU). */
#include "dates.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <unicode/udat.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

#include "langtag.h"

/* Reads the digits of a date written YYYY-MM-DD into y, m and d, and the
 * seconds since the epoch at 00:00 UTC of that day into t, through
 * timegm(3), which counts in the proleptic Gregorian calendar and carries
 * a day past a month's end into the next month (February 29 of 2100 is
 * March 1): the date is real when gmtime_r(3) gives back the same year,
 * month and day. Returns 0, or -1 when s is NULL or not such a date. */
static int split_day(const char *s, int *y, int *m, int *d, time_t *t)
{
	struct tm tm = { 0 }, back;

	if (s == NULL || strlen(s) != 10)
		return -1;
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return -1;
		} else if (s[i] < '0' || s[i] > '9') {
			return -1;
		}
	}
	*y = atoi(s);
	*m = atoi(s + 5);
	*d = atoi(s + 8);
	if (*y < 1 || *m < 1 || *m > 12 || *d < 1 || *d > 31)
		return -1;
	tm.tm_year = *y - 1900;
	tm.tm_mon = *m - 1;
	tm.tm_mday = *d;
	*t = timegm(&tm);
	/* -1 is 1969-12-31 23:59:59, never a day's start: an error */
	if (*t == (time_t)-1 || gmtime_r(t, &back) == NULL)
		return -1;
	if (back.tm_year != *y - 1900 || back.tm_mon != *m - 1 ||
	    back.tm_mday != *d)
		return -1;
	return 0;
}

int dates_split(const char *s, int *y, int *m, int *d)
{
	time_t t;

	return split_day(s, y, m, d, &t);
}

int dates_parse_iso(const char *s, char *out)
{
	int y, m, d;

	if (dates_split(s, &y, &m, &d) != 0)
		return -1;
	memcpy(out, s, 11);
	return 0;
}

int dates_default(char *out)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t;
	struct tm tm;

	if (sde != NULL && *sde != '\0') {
		char *end;
		long long v;
		errno = 0;
		v = strtoll(sde, &end, 10);
		if (errno != 0 || *end != '\0' || v < 0 || v > 253402300799LL)
			return -1;
		t = (time_t)v;
	} else {
		t = time(NULL);
	}
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
	return 0;
}

long long dates_epoch(const char *iso)
{
	int y, m, d;
	time_t t;

	if (split_day(iso, &y, &m, &d, &t) != 0)
		return 0;
	return (long long)t;
}

/* Long dates that CLDR writes in a form a legal text does not use: one
 * row per language, printed as YEAR year_suffix DAY day_suffix MONTH.
 * ky: "2026-жылдын 17-ноябры" (genitive year, possessive month), where
 * CLDR 72 has "2026-ж., 17-ноябрь". */
static const struct long_date {
	const char *lang;
	const char *year_suffix;
	const char *day_suffix;
	const char *months[12];
} long_dates[] = {
	{ "ky", "-жылдын ", "-", { "январы", "февралы", "марты", "апрели",
	  "майы", "июну", "июлу", "августу", "сентябры", "октябры", "ноябры",
	  "декабры" } },
};

/* The row for lang (its primary subtag, case-insensitive), or NULL. */
static const struct long_date *long_date_row(const char *lang)
{
	for (size_t i = 0; i < sizeof long_dates / sizeof long_dates[0]; i++) {
		size_t n = strlen(long_dates[i].lang);
		if (strncasecmp(lang, long_dates[i].lang, n) == 0 &&
		    (lang[n] == '\0' || lang[n] == '-' || lang[n] == '_'))
			return &long_dates[i];
	}
	return NULL;
}

int dates_format_long(const char *lang, const char *iso, char *buf,
                      size_t size)
{
	const struct long_date *row = long_date_row(lang);
	int y, m, d;

	UErrorCode status = U_ZERO_ERROR;
	UChar zone[] = { 'U', 'T', 'C', 0 };
	UChar out[256];
	UDateFormat *fmt;
	int32_t n;
	char locale[64];

	if (dates_split(iso, &y, &m, &d) != 0)
		return -1;
	if (row != NULL) {
		int n = snprintf(buf, size, "%d%s%d%s%s", y, row->year_suffix, d,
		                 row->day_suffix, row->months[m - 1]);
		return n < 0 || (size_t)n >= size ? -1 : 0;
	}
	if (langtag_icu_locale(lang, locale, sizeof locale) != 0)
		return -1;
	fmt = udat_open(UDAT_NONE, UDAT_LONG, locale, zone, -1, NULL, 0,
	                &status);
	if (U_FAILURE(status))
		return -1;
	n = udat_format(fmt, (UDate)dates_epoch(iso) * 1000.0, out,
	                (int32_t)(sizeof out / sizeof out[0]), NULL, &status);
	udat_close(fmt);
	if (U_FAILURE(status))
		return -1;
	u_strToUTF8(buf, (int32_t)size, NULL, out, n, &status);
	if (U_FAILURE(status) || status == U_STRING_NOT_TERMINATED_WARNING)
		return -1;
	return 0;
}
