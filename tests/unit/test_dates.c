/* test_dates.c — unit tests of the date parser and day arithmetic
 * (dates.h): the Gregorian leap rules (2000 is a leap year, 1900 and 2100
 * are not), days past a month's end, the 0001-9999 range, and the epoch
 * seconds of dates far before and after 1970. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "dates.h"

static int valid(const char *s)
{
	int y, m, d;

	return dates_split(s, &y, &m, &d) == 0;
}

static void leap_years(void **state)
{
	(void)state;
	assert_true(valid("2024-02-29"));
	assert_true(valid("2000-02-29"));       /* divisible by 400 */
	assert_true(valid("1600-02-29"));
	assert_true(valid("0004-02-29"));
	assert_false(valid("1900-02-29"));      /* by 100, not by 400 */
	assert_false(valid("2100-02-29"));
	assert_false(valid("2023-02-29"));
	assert_false(valid("0001-02-29"));
	assert_true(valid("1900-02-28"));
	assert_true(valid("2100-02-28"));
	assert_false(valid("2024-02-30"));
}

static void month_ends(void **state)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	char s[32];

	(void)state;
	for (int m = 1; m <= 12; m++) {
		snprintf(s, sizeof s, "2026-%02d-%02d", m, days[m - 1]);
		assert_true(valid(s));
		snprintf(s, sizeof s, "2026-%02d-%02d", m, days[m - 1] + 1);
		assert_false(valid(s));
		snprintf(s, sizeof s, "2026-%02d-00", m);
		assert_false(valid(s));
	}
	assert_false(valid("2026-00-10"));
	assert_false(valid("2026-13-10"));
	assert_false(valid("2026-99-99"));
}

static void range_is_0001_to_9999(void **state)
{
	int y, m, d;

	(void)state;
	assert_int_equal(dates_split("0001-01-01", &y, &m, &d), 0);
	assert_int_equal(y, 1);
	assert_int_equal(dates_split("9999-12-31", &y, &m, &d), 0);
	assert_int_equal(y, 9999);
	assert_int_equal(m, 12);
	assert_int_equal(d, 31);
	assert_false(valid("0000-01-01"));
	assert_false(valid("0000-12-31"));
	assert_false(valid("10000-01-01"));
	assert_false(valid("-001-01-01"));
	assert_false(valid(""));
}

static void epoch_seconds(void **state)
{
	(void)state;
	/* the values of Python's calendar.timegm */
	assert_true(dates_epoch("1970-01-01") == 0);
	assert_true(dates_epoch("1969-12-31") == -86400);
	assert_true(dates_epoch("0001-01-01") == -62135596800LL);
	assert_true(dates_epoch("1899-12-31") == -2209075200LL);
	assert_true(dates_epoch("1900-02-28") == -2203977600LL);
	assert_true(dates_epoch("1900-03-01") == -2203891200LL);
	assert_true(dates_epoch("2000-02-29") == 951782400LL);
	assert_true(dates_epoch("2000-03-01") == 951868800LL);
	assert_true(dates_epoch("2024-02-29") == 1709164800LL);
	assert_true(dates_epoch("2100-02-28") == 4107456000LL);
	assert_true(dates_epoch("2100-03-01") == 4107542400LL);
	assert_true(dates_epoch("9999-12-31") == 253402214400LL);
	/* not a date: 0, as documented */
	assert_true(dates_epoch("2100-02-29") == 0);
}

static void long_dates_at_the_edges(void **state)
{
	char buf[128];

	(void)state;
	assert_int_equal(dates_format_long("en", "2000-02-29", buf, sizeof buf),
	                 0);
	assert_string_equal(buf, "February 29, 2000");
	assert_int_equal(dates_format_long("en", "1900-03-01", buf, sizeof buf),
	                 0);
	assert_string_equal(buf, "March 1, 1900");
	assert_int_equal(dates_format_long("en", "9999-12-31", buf, sizeof buf),
	                 0);
	assert_string_equal(buf, "December 31, 9999");
	assert_int_equal(dates_format_long("en", "1900-02-29", buf, sizeof buf),
	                 -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(leap_years),
		cmocka_unit_test(month_ends),
		cmocka_unit_test(range_is_0001_to_9999),
		cmocka_unit_test(epoch_seconds),
		cmocka_unit_test(long_dates_at_the_edges),
	};
	return cmocka_run_group_tests_name("dates", tests, NULL, NULL);
}
