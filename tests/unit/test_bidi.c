/* test_bidi.c — RTL reversal with mirroring, embedding levels and the visual order of mixed runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <unicode/ustring.h>

#include "bidi.h"
#include "err.h"

static int32_t from_utf8(const char *s, UChar *u, int32_t cap)
{
	int32_t n;
	UErrorCode st = U_ZERO_ERROR;

	u_strFromUTF8(u, cap, &n, s, -1, &st);
	assert_true(U_SUCCESS(st));
	return n;
}

static void test_reverse_mirrors(void **state)
{
	UChar u[16], out[16];
	int32_t n = from_utf8("(אב)", u, 16), k;

	(void)state;
	k = bidi_reverse(u, n, out, 16);
	assert_int_equal(k, 4);
	assert_int_equal(out[0], '(');           /* ')' mirrored */
	assert_int_equal(out[1], 0x05D1);
	assert_int_equal(out[2], 0x05D0);
	assert_int_equal(out[3], ')');
}

static void test_levels_mixed(void **state)
{
	UChar u[32];
	UBiDiLevel lv[32];
	int32_t n = from_utf8("abc אבג def", u, 32);
	struct err e = { 0 };

	(void)state;
	assert_int_equal(bidi_levels(u, n, 0, lv, &e), 0);
	assert_int_equal(lv[0], 0);
	assert_int_equal(lv[4], 1);
	assert_int_equal(lv[6], 1);
	assert_int_equal(lv[8], 0);
	/* The same text in an RTL paragraph: Latin is embedded at level 2. */
	assert_int_equal(bidi_levels(u, n, 1, lv, &e), 0);
	assert_int_equal(lv[0], 2);
	assert_int_equal(lv[4], 1);
}

static void test_visual_order(void **state)
{
	/* "abc" "‎אבג" "דהו" "xyz" as segments, with the gaps between them. */
	UBiDiLevel lv[] = { 0, 0, 1, 1, 1, 0, 0 };
	int32_t order[7];
	const int32_t expect[] = { 0, 1, 4, 3, 2, 5, 6 };

	(void)state;
	bidi_visual_order(lv, 7, order);
	assert_memory_equal(order, expect, sizeof expect);
}

/* "عمّان" reversed for display: the shadda comes before its base, where
 * HarfBuzz (fontset_shape) takes the run back to logical order. */
static void test_reverse_marks(void **state)
{
	UChar s[] = { 0x0639, 0x0645, 0x0651, 0x0627, 0x0646 };
	UChar out[8];
	int32_t n;
	(void)state;
	n = bidi_reverse(s, 5, out, 8);
	assert_int_equal(n, 5);
	assert_int_equal(out[0], 0x0646);
	assert_int_equal(out[2], 0x0651);          /* mark ... */
	assert_int_equal(out[3], 0x0645);          /* ... then its base */
}

/* ZWNJ and ZWJ stay in the reversed run: shaping needs them. */
static void test_reverse_keeps_joiners(void **state)
{
	UChar s[] = { 0x06CC, 0x200C, 0x0647, 0x200D, 0x0627 };
	UChar out[8];

	(void)state;
	assert_int_equal(bidi_reverse(s, 5, out, 8), 5);
	assert_int_equal(out[1], 0x200D);
	assert_int_equal(out[3], 0x200C);
}

static void test_lang(void **state)
{
	(void)state;
	assert_true(bidi_lang_rtl("ar"));
	assert_true(bidi_lang_rtl("he-IL"));
	assert_true(bidi_lang_rtl("fa"));
	assert_true(bidi_lang_rtl("ur"));
	assert_false(bidi_lang_rtl("lv"));
	assert_false(bidi_lang_rtl("ky"));
	assert_false(bidi_lang_rtl(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reverse_mirrors),
		cmocka_unit_test(test_levels_mixed),
		cmocka_unit_test(test_visual_order),
		cmocka_unit_test(test_reverse_marks),
		cmocka_unit_test(test_reverse_keeps_joiners),
		cmocka_unit_test(test_lang),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
