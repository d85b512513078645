/* test_arena.c — the bump allocator behind libharu's objects: aligned,
 * disjoint allocations; large requests on blocks of their own; blocks
 * reused after a reset up to the bound; impossible sizes refused; and,
 * under AddressSanitizer, red zones and reset memory poisoned. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#endif
#ifdef TEST_ASAN
#include <sanitizer/asan_interface.h>
#endif

static void test_aligned_and_disjoint(void **state)
{
	struct arena a;
	unsigned char *p[200];

	(void)state;
	arena_init(&a, 4096, 0);
	for (int i = 0; i < 200; i++) {
		size_t n = (size_t)(i % 37) + 1;
		p[i] = arena_alloc(&a, n);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 16, 0);
		memset(p[i], i, n);
	}
	/* every allocation kept its bytes: none overlaps another */
	for (int i = 0; i < 200; i++)
		for (size_t k = 0; k < (size_t)(i % 37) + 1; k++)
			assert_int_equal(p[i][k], (unsigned char)i);
	assert_true(a.in_use >= 200 * 16);
	arena_release(&a);
}

static void test_large_request_own_block(void **state)
{
	struct arena a;
	unsigned char *small, *big, *next;

	(void)state;
	arena_init(&a, 4096, 1 << 20);
	small = arena_alloc(&a, 10);
	big = arena_alloc(&a, 100000);         /* far more than a block */
	assert_non_null(small);
	assert_non_null(big);
	assert_int_equal(a.n_malloc, 2);
	memset(big, 0xAB, 100000);
	assert_int_equal(big[99999], 0xAB);
	/* the ordinary block still serves small requests after it */
	next = arena_alloc(&a, 10);
	assert_int_equal(a.n_malloc, 2);
	assert_true(next > small && next < small + 4096);
	arena_reset(&a);
	assert_int_equal(a.spare_bytes, 4096); /* the large block is not kept */
	assert_int_equal(a.in_use, 0);
	arena_release(&a);
	assert_int_equal(a.spare_bytes, 0);
}

static void test_reset_reuses_blocks(void **state)
{
	struct arena a;
	size_t made;

	(void)state;
	arena_init(&a, 4096, 8192);
	for (int i = 0; i < 300; i++)          /* 300 * 80 bytes: 6 blocks */
		assert_non_null(arena_alloc(&a, 64));
	made = a.n_malloc;
	assert_true(made >= 5);
	arena_reset(&a);
	/* at most `keep` bytes of blocks are kept: two of 4096 */
	assert_int_equal(a.spare_bytes, 8192);
	assert_int_equal(a.in_use, 0);
	/* the next document's first two blocks cost no malloc */
	for (int i = 0; i < 60; i++)
		assert_non_null(arena_alloc(&a, 64));
	assert_int_equal(a.n_malloc, made);
	arena_release(&a);
	assert_int_equal(a.spare_bytes, 0);
	assert_int_equal(a.in_use, 0);
}

static void test_keep_zero_frees_everything(void **state)
{
	struct arena a;

	(void)state;
	arena_init(&a, 4096, 0);
	for (int i = 0; i < 100; i++)
		assert_non_null(arena_alloc(&a, 100));
	arena_reset(&a);
	assert_int_equal(a.spare_bytes, 0);
	/* still usable */
	assert_non_null(arena_alloc(&a, 1));
	arena_release(&a);
}

static void test_impossible_size_is_null(void **state)
{
	struct arena a;

	(void)state;
	arena_init(&a, 0, ARENA_KEEP);
	assert_int_equal(a.block_size, ARENA_BLOCK_SIZE);
	assert_null(arena_alloc(&a, SIZE_MAX));
	assert_null(arena_alloc(&a, SIZE_MAX / 2 + 1));
	assert_non_null(arena_alloc(&a, 0));   /* treated as 1 */
	assert_non_null(arena_alloc(&a, 100));
	arena_release(&a);
}

#ifdef TEST_ASAN
static void test_asan_sees_overflow_and_reuse(void **state)
{
	struct arena a;
	unsigned char *p, *big;

	(void)state;
	arena_init(&a, 4096, 1 << 20);
	p = arena_alloc(&a, 24);
	big = arena_alloc(&a, 5000);
	assert_false(__asan_address_is_poisoned(p));
	assert_false(__asan_address_is_poisoned(p + 23));
	assert_true(__asan_address_is_poisoned(p + 24));   /* red zone */
	assert_true(__asan_address_is_poisoned(p + 31));
	assert_false(__asan_address_is_poisoned(big + 4999));
	assert_true(__asan_address_is_poisoned(big + 5000));
	arena_reset(&a);
	assert_true(__asan_address_is_poisoned(p));        /* kept, poisoned */
	p = arena_alloc(&a, 8);
	assert_false(__asan_address_is_poisoned(p));
	arena_release(&a);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aligned_and_disjoint),
		cmocka_unit_test(test_large_request_own_block),
		cmocka_unit_test(test_reset_reuses_blocks),
		cmocka_unit_test(test_keep_zero_frees_everything),
		cmocka_unit_test(test_impossible_size_is_null),
#ifdef TEST_ASAN
		cmocka_unit_test(test_asan_sees_overflow_and_reuse),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
