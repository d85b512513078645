/* test_hyph.c — hyphenation points from Debian's dictionaries: the right
 * points in lv, sv, bg and en, the 2/3 minimums, no dictionary for ky. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <unicode/ustring.h>

#include "hyph.h"

/* The word with '-' at each hyphenation point, into out. */
static void hyphenated(const char *lang, const char *word, char *out,
                       size_t size)
{
	UChar u[128], o[256];
	unsigned char ok[128];
	int32_t n, k = 0;
	UErrorCode st = U_ZERO_ERROR;

	u_strFromUTF8(u, 128, &n, word, -1, &st);
	assert_true(U_SUCCESS(st));
	hyph_word(lang, u, n, ok);
	for (int32_t i = 0; i < n; i++) {
		if (ok[i])
			o[k++] = '-';
		o[k++] = u[i];
	}
	st = U_ZERO_ERROR;
	u_strToUTF8(out, (int32_t)size, NULL, o, k, &st);
	assert_true(U_SUCCESS(st));
}

static void check(const char *lang, const char *word, const char *expect)
{
	char got[512];

	hyphenated(lang, word, got, sizeof got);
	assert_string_equal(got, expect);
}

static void test_latvian(void **state)
{
	(void)state;
	check("lv", "organizācija", "or-ga-ni-zā-cija");
	check("lv", "enerģētikas", "ener-ģē-ti-kas");
	check("lv-LV", "apņemšanās", "apņem-ša-nās");
}

static void test_swedish(void **state)
{
	(void)state;
	check("sv", "kommunfullmäktige", "kom-mun-full-mäk-tige");
	check("sv-SE", "undertecknande", "un-der-teck-nande");
}

static void test_bulgarian(void **state)
{
	(void)state;
	check("bg", "организация", "ор-га-ни-за-ция");
	check("bg", "споразумение", "спо-ра-зу-ме-ние");
}

static void test_english(void **state)
{
	(void)state;
	check("en", "hyphenation", "hy-phen-ation");
	check("en-GB", "representative", "rep-re-sen-ta-tive");
	/* Capitals are looked up in lower case. */
	check("en", "Representative", "Rep-re-sen-ta-tive");
}

/* The breaks the patterns get wrong in the samples (issue 9) come from
 * the exception table: only the stem's own points, the patterns' after
 * it. */
static void test_exceptions(void **state)
{
	char got[512];

	(void)state;
	hyphenated("sv", "borgmästaravtalets", got, sizeof got);
	assert_null(strstr(got, "borgmästa-ravtalets"));
	assert_non_null(strstr(got, "borg-mäs-tar-av-ta"));
	hyphenated("sv", "energiprestandakontrakt", got, sizeof got);
	assert_null(strstr(got, "energip-"));
	assert_non_null(strstr(got, "ener-gi-pre-stan-da"));
	hyphenated("sv", "laddinfrastruktur", got, sizeof got);
	assert_null(strstr(got, "lad-d"));
	hyphenated("lv", "energoefektivitātes", got, sizeof got);
	assert_null(strstr(got, "energoe-"));
	assert_non_null(strstr(got, "ener-go-efek-ti"));
	hyphenated("en", "Coordinator", got, sizeof got);
	assert_null(strstr(got, "Co-o"));
	assert_non_null(strstr(got, "Coor-di"));
	/* the stem applies in its own language only */
	hyphenated("en", "borgmästaravtalets", got, sizeof got);
	assert_null(strstr(got, "borg-mäs-tar-av"));
}

static void test_minimums(void **state)
{
	const char *words[] = { "organisation", "communication", "administratīvā",
	                        "электроэнергия", "sustainability" };
	const char *langs[] = { "en", "en", "lv", "bg", "en" };
	(void)state;
	for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
		UChar u[64];
		unsigned char ok[64];
		int32_t n;
		UErrorCode st = U_ZERO_ERROR;
		u_strFromUTF8(u, 64, &n, words[w], -1, &st);
		hyph_word(langs[w], u, n, ok);
		for (int32_t i = 0; i < n; i++)
			if (ok[i]) {
				assert_true(i >= HYPH_MIN_LEFT);
				assert_true(n - i >= HYPH_MIN_RIGHT);
			}
	}
	/* Short words and words with digits are left alone. */
	check("en", "able", "able");
	check("en", "CO2emissions", "CO2emissions");
}

static void test_available(void **state)
{
	(void)state;
	assert_true(hyph_available("en"));
	assert_true(hyph_available("lv"));
	assert_true(hyph_available("sv"));
	assert_true(hyph_available("bg"));
	assert_false(hyph_available("ky"));
	assert_false(hyph_available(""));
	assert_null(hyph_dict_path("ky"));
	assert_non_null(strstr(hyph_dict_path("lv"), "hyph_lv_LV.dic"));
	check("ky", "уюмдардын", "уюмдардын");
}

static void *hyphenate_many(void *arg)
{
	char got[256];

	(void)arg;
	for (int i = 0; i < 2000; i++) {
		hyphenated("lv", "organizācija", got, sizeof got);
		if (strcmp(got, "or-ga-ni-zā-cija") != 0)
			return (void *)1;
		hyphenated("bg", "организация", got, sizeof got);
		if (strcmp(got, "ор-га-ни-за-ция") != 0)
			return (void *)1;
	}
	return NULL;
}

/* The dictionaries are shared: concurrent use gives the same answers. */
static void test_threads(void **state)
{
	pthread_t t[4];
	void *rc;

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hyphenate_many, NULL), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &rc), 0);
		assert_null(rc);
	}
}

/* A synthetic word number i: syllables picked by its digits. */
static int32_t synth_word(int i, UChar *u, int32_t cap)
{
	static const char *syl[] = { "or", "ga", "ni", "zā", "ci", "ja", "ener",
	                             "ģē", "ti", "kas", "mun", "full", "mäk",
	                             "tige", "ra", "zu" };
	char w[128] = "";
	int32_t n;
	UErrorCode st = U_ZERO_ERROR;

	for (int k = 0; k < 4 || i > 0; k++) {
		strcat(w, syl[i % 16]);
		i /= 16;
	}
	u_strFromUTF8(u, cap, &n, w, -1, &st);
	assert_true(U_SUCCESS(st));
	return n;
}

/* The cache gives exactly the points of an uncached run: for 10,000
 * words (more than its slots, so words evict each other), three
 * languages and capitalised forms, asked twice; and words asked again
 * are served from it. */
static void test_cache_same_points(void **state)
{
	static const char *langs[] = { "lv", "sv-SE", "en" };
	static unsigned char want[3][10000][64];
	static int want_n[3][10000];
	unsigned long hits, misses, hits0, misses0;
	UChar u[64];
	unsigned char ok[64];

	(void)state;
	hyph_cache_enable(0);
	for (int l = 0; l < 3; l++)
		for (int i = 0; i < 10000; i++) {
			int32_t n = synth_word(i, u, 64);
			if (i % 7 == 0)
				u[0] = (UChar)(u[0] - 32);  /* "Orga..." */
			want_n[l][i] = hyph_word(langs[l], u, n, want[l][i]);
		}
	hyph_cache_enable(1);
	hyph_cache_stats(&hits0, &misses0);
	for (int pass = 0; pass < 2; pass++)
		for (int l = 0; l < 3; l++)
			for (int i = 0; i < 10000; i++) {
				int32_t n = synth_word(i, u, 64);
				if (i % 7 == 0)
					u[0] = (UChar)(u[0] - 32);
				memset(ok, 0xEE, sizeof ok);
				assert_int_equal(hyph_word(langs[l], u, n, ok),
				                 want_n[l][i]);
				assert_memory_equal(ok, want[l][i], (size_t)n);
			}
	hyph_cache_stats(&hits, &misses);
	assert_true(misses - misses0 > 0);
	/* 500 words asked again are (nearly all) served from the cache */
	for (int pass = 0; pass < 2; pass++) {
		hyph_cache_stats(&hits0, &misses0);
		for (int i = 0; i < 500; i++) {
			int32_t n = synth_word(i, u, 64);
			if (i % 7 == 0)
				u[0] = (UChar)(u[0] - 32);
			assert_int_equal(hyph_word("lv", u, n, ok), want_n[0][i]);
			assert_memory_equal(ok, want[0][i], (size_t)n);
		}
	}
	hyph_cache_stats(&hits, &misses);
	assert_true(hits - hits0 >= 450);
	/* a repeated word is a hit */
	hyph_cache_stats(&hits0, &misses0);
	check("lv", "organizācija", "or-ga-ni-zā-cija");
	check("lv", "organizācija", "or-ga-ni-zā-cija");
	hyph_cache_stats(&hits, &misses);
	assert_true(hits > hits0);
	hyph_thread_cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_latvian),
		cmocka_unit_test(test_swedish),
		cmocka_unit_test(test_bulgarian),
		cmocka_unit_test(test_english),
		cmocka_unit_test(test_exceptions),
		cmocka_unit_test(test_minimums),
		cmocka_unit_test(test_available),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_cache_same_points),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
