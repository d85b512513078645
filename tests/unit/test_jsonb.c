/* test_jsonb.c — checked json-c building (jsonb.c) and the out-of-memory
 * flag (oom.c, err.c): a value that could not be made never reaches
 * json-c (which asserts) and is never silently left out. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "jsonb.h"
#include "oom.h"

static void add_to_missing_object_fails_without_assert(void **state)
{
	int failed = 0;

	(void)state;
	oom_clear();
	jb_add(&failed, NULL, "k", json_object_new_int(1));
	assert_int_equal(failed, 1);
	assert_true(oom_seen());
	oom_clear();
}

static void missing_value_is_a_failure_not_null(void **state)
{
	int failed = 0;
	json_object *o = json_object_new_object();

	(void)state;
	jb_add(&failed, o, "k", NULL);            /* a creation that failed */
	assert_int_equal(failed, 1);
	assert_int_equal(json_object_object_length(o), 0);
	json_object_put(o);
	oom_clear();
}

static void null_string_is_json_null(void **state)
{
	int failed = 0;
	json_object *o = jb_object(&failed);

	(void)state;
	jb_add_str(&failed, o, "fallback", NULL);
	jb_add_str(&failed, o, "lang", "lv");
	jb_add_int(&failed, o, "pages", 2);
	assert_int_equal(failed, 0);
	assert_string_equal(jb_text(&failed, o, JSON_C_TO_STRING_PLAIN),
	                    "{\"fallback\":null,\"lang\":\"lv\",\"pages\":2}");
	json_object_put(o);
}

static void push_to_missing_array_fails(void **state)
{
	int failed = 0;

	(void)state;
	jb_push(&failed, NULL, json_object_new_string("x"));
	assert_int_equal(failed, 1);
	assert_null(jb_text(&failed, NULL, 0));
	oom_clear();
}

static void err_says_out_of_memory_when_flagged(void **state)
{
	struct err e;

	(void)state;
	oom_clear();
	err_set(&e, "pdf: saving failed (libharu error 0x%04X)", 0x1015);
	assert_string_equal(e.msg, "pdf: saving failed (libharu error 0x1015)");
	oom_note();
	err_set(&e, "pdf: saving failed (libharu error 0x%04X)", 0x1015);
	assert_string_equal(e.msg,
	                    "out of memory (pdf: saving failed (libharu error 0x1015))");
	err_set(&e, "record X: out of memory");
	assert_string_equal(e.msg, "record X: out of memory");
	oom_clear();
	assert_false(oom_seen());
}

static void long_message_stays_terminated(void **state)
{
	struct err e;
	char big[2000];

	(void)state;
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	oom_note();
	err_set(&e, "%s", big);
	assert_true(strlen(e.msg) < sizeof e.msg);
	assert_memory_equal(e.msg, "out of memory (", 15);
	oom_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_to_missing_object_fails_without_assert),
		cmocka_unit_test(missing_value_is_a_failure_not_null),
		cmocka_unit_test(null_string_is_json_null),
		cmocka_unit_test(push_to_missing_array_fails),
		cmocka_unit_test(err_says_out_of_memory_when_flagged),
		cmocka_unit_test(long_message_stays_terminated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
