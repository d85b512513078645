/* test_text.c — NFC, whitespace folding and forbidden characters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "text.h"

static void nfc_composes_decomposed_letters(void **state)
{
	(void)state;
	/* "s" + combining caron, "e" + combining acute -> š, é */
	char *s = text_clean("s\xCC\x8C" "e\xCC\x81", TEXT_LINE);
	assert_string_equal(s, "\xC5\xA1\xC3\xA9");
	free(s);
}

static void line_folds_whitespace(void **state)
{
	(void)state;
	char *s = text_clean("  Jānis \n\t Bērziņš  ", TEXT_LINE);
	assert_string_equal(s, "Jānis Bērziņš");
	free(s);
}

static void paragraphs_keep_blank_lines(void **state)
{
	(void)state;
	char *s = text_clean("\n  One\n line.\n\n   Two.  \n", TEXT_PARAGRAPHS);
	assert_string_equal(s, "One line.\nTwo.");
	free(s);
}

static void invalid_utf8_is_refused(void **state)
{
	(void)state;
	assert_null(text_clean("bad \xFF byte", TEXT_LINE));
	assert_null(text_clean("overlong \xC0\xAF", TEXT_LINE));
}

static void forbidden_finds_controls(void **state)
{
	size_t at = 99;
	(void)state;
	assert_int_equal(text_forbidden("ok\ttext\n", NULL), 0);
	assert_int_equal(text_forbidden("a\x01" "b", &at), 1);
	assert_int_equal(at, 1);
	assert_int_equal(text_forbidden("x\xC2\x85", NULL), 0x85);  /* NEL, C1 */
	assert_int_equal(text_forbidden("\xEF\xBF\xBE", NULL), 0xFFFE);
	assert_int_equal(text_forbidden("Ελληνικά ქართული", NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nfc_composes_decomposed_letters),
		cmocka_unit_test(line_folds_whitespace),
		cmocka_unit_test(paragraphs_keep_blank_lines),
		cmocka_unit_test(invalid_utf8_is_refused),
		cmocka_unit_test(forbidden_finds_controls),
	};
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
