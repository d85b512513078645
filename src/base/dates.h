/* dates.h — the run date and dates printed in a document's language
 * (CLDR long format through ICU). Dates are calendar days, in UTC. */
#ifndef PACTDOC_DATES_H
#define PACTDOC_DATES_H

#include <stddef.h>

/* The one parser of dates in pactdoc: splits s, a real calendar date
 * written YYYY-MM-DD (proleptic Gregorian, year 0001 to 9999), into year,
 * month (1-12) and day. Returns 0, or -1 (y, m, d unspecified) when s is
 * NULL or not such a date. */
int dates_split(const char *s, int *y, int *m, int *d);

/* Checks that s is a real calendar date written YYYY-MM-DD and copies it
 * into out (11 bytes). Returns 0, or -1 when it is not. */
int dates_parse_iso(const char *s, char *out);

/* The default run date into out (11 bytes): SOURCE_DATE_EPOCH when set,
 * else today, both in UTC. Returns -1 when SOURCE_DATE_EPOCH is invalid. */
int dates_default(char *out);

/* Formats an ISO date in the language's long CLDR form ("20 November 2026",
 * "2026. gada 20. novembris") as UTF-8 into buf; a table in dates.c holds
 * the languages whose CLDR form a legal text does not use (ky "2026-жылдын
 * 20-ноябры"). Returns 0, or -1 when the date is not valid or buf is too
 * small. */
int dates_format_long(const char *lang, const char *iso, char *buf,
                      size_t size);

/* Seconds since the epoch at 00:00 UTC of an ISO date (timegm(3));
 * 0 when iso is not a date dates_split accepts, so check it first. */
long long dates_epoch(const char *iso);

#endif
