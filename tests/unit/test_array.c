/* test_array.c — unit tests of the growing-array helper (array.h): growth
 * keeps the elements, capacities double, sizes that overflow and
 * allocations that fail return NULL and leave the array untouched. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

/* Under ASan an impossible allocation returns NULL, as glibc's does,
 * instead of ending the test. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

struct pair {
	int a;
	double b;
};

static void grows_from_null_and_keeps_elements(void **state)
{
	struct pair *v = NULL, *p;
	size_t n = 0, cap = 0;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		p = array_reserve(v, sizeof *v, n, 1, &cap);
		assert_non_null(p);
		v = p;
		assert_true(cap > n);
		v[n].a = i;
		v[n].b = i * 0.5;
		n++;
	}
	assert_int_equal(cap, 1024);   /* 16, 32, ..., 1024 */
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(v[i].a, i);
		assert_true(v[i].b == i * 0.5);
	}
	free(v);
}

static void room_enough_returns_the_same_block(void **state)
{
	int *v = NULL, *p;
	int cap = 0;

	(void)state;
	v = array_reserve_int(NULL, sizeof *v, 0, 1, &cap);
	assert_non_null(v);
	assert_int_equal(cap, ARRAY_MIN_CAP);
	p = array_reserve_int(v, sizeof *v, 3, ARRAY_MIN_CAP - 3, &cap);
	assert_ptr_equal(p, v);
	assert_int_equal(cap, ARRAY_MIN_CAP);
	free(v);
}

static void large_request_jumps_past_doubling(void **state)
{
	char *s = NULL;
	size_t cap = 0;

	(void)state;
	s = array_reserve(NULL, 1, 0, 100000, &cap);
	assert_non_null(s);
	assert_true(cap >= 100000);
	memset(s, 'x', 100000);     /* ASan checks the block's size */
	free(s);
}

static void size_overflow_is_refused(void **state)
{
	struct pair *v, *p;
	size_t cap = 0;
	int icap;

	(void)state;
	v = array_reserve(NULL, sizeof *v, 0, 4, &cap);
	assert_non_null(v);
	v[0].a = 42;
	/* n + more passes SIZE_MAX / size: the byte count would wrap */
	p = array_reserve(v, sizeof *v, SIZE_MAX / sizeof *v, 1, &cap);
	assert_null(p);
	p = array_reserve(v, sizeof *v, 1, SIZE_MAX, &cap);
	assert_null(p);
	p = array_reserve(v, sizeof *v, SIZE_MAX, SIZE_MAX, &cap);
	assert_null(p);
	assert_int_equal(cap, ARRAY_MIN_CAP);
	assert_int_equal(v[0].a, 42);   /* untouched and still ours */
	assert_null(array_reserve(v, 0, 0, 1, &cap));
	free(v);

	/* an int count cannot pass INT_MAX, nor be negative */
	icap = 0;
	assert_null(array_reserve_int(NULL, 1, INT_MAX, 1, &icap));
	assert_null(array_reserve_int(NULL, 1, 1, INT_MAX, &icap));
	assert_null(array_reserve_int(NULL, 1, -1, 2, &icap));
	assert_null(array_reserve_int(NULL, 1, 0, -1, &icap));
	assert_int_equal(icap, 0);
}

static void allocation_failure_leaves_the_array(void **state)
{
	char *s, *p;
	size_t cap = 0;
	int icap = 0;
	int *v;

	(void)state;
	s = array_reserve(NULL, 1, 0, 5, &cap);
	assert_non_null(s);
	memcpy(s, "keep", 5);
	/* fits in size_t, but no machine has it: realloc fails */
	p = array_reserve(s, 1, 5, SIZE_MAX / 2, &cap);
	assert_null(p);
	assert_int_equal(cap, ARRAY_MIN_CAP);
	assert_string_equal(s, "keep");
	free(s);

	/* 16 elements of 1 TiB: the count is fine, the memory is not */
	v = array_reserve_int(NULL, (size_t)1 << 40, 0, 1, &icap);
	assert_null(v);
	assert_int_equal(icap, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grows_from_null_and_keeps_elements),
		cmocka_unit_test(room_enough_returns_the_same_block),
		cmocka_unit_test(large_request_jumps_past_doubling),
		cmocka_unit_test(size_overflow_is_refused),
		cmocka_unit_test(allocation_failure_leaves_the_array),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
