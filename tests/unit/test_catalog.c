/* test_catalog.c — the XLIFF catalogues: the BCP 47 fallback chain, which
 * language a message came from, completeness, hostile files refused, and
 * the real locales/ loading. Run from the repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"

#define FIXTURES "tests/data/unit/locales"

static struct catalog *load_fixtures(void)
{
	struct err e = { { 0 } };
	struct catalog *c = catalog_load(FIXTURES, &e);

	if (c == NULL)
		fail_msg("catalog_load: %s", e.msg);
	return c;
}

static void test_languages_listed_sorted(void **state)
{
	struct catalog *c = load_fixtures();

	(void)state;
	assert_int_equal(catalog_n_langs(c), 4);
	assert_string_equal(catalog_lang(c, 0), "en");
	assert_string_equal(catalog_lang(c, 1), "lv");
	assert_string_equal(catalog_lang(c, 2), "sr");
	assert_string_equal(catalog_lang(c, 3), "sr-Latn");
	assert_null(catalog_lang(c, 4));
	assert_int_equal(catalog_n_files(c), 2);
	assert_string_equal(catalog_file_id(c, 0), "common");
	assert_string_equal(catalog_file_id(c, 1), "demo");
	catalog_free(c);
}

static void test_resolve_walks_the_tag(void **state)
{
	struct catalog *c = load_fixtures();

	(void)state;
	assert_string_equal(catalog_resolve(c, "sr-Latn-RS"), "sr-Latn");
	assert_string_equal(catalog_resolve(c, "sr-Cyrl-RS"), "sr");
	assert_string_equal(catalog_resolve(c, "SR-latn"), "sr-Latn");
	assert_string_equal(catalog_resolve(c, "pt-BR"), "en");
	assert_string_equal(catalog_resolve(c, "lv"), "lv");
	assert_string_equal(catalog_resolve(c, "lv-x-test"), "lv");
	assert_string_equal(catalog_resolve(c, "sr-Latn-x-a"), "sr-Latn");
	assert_string_equal(catalog_resolve(c, ""), "en");
	assert_string_equal(catalog_resolve(c, NULL), "en");
	catalog_free(c);
}

/* The chain is sized from the tag: a tag of any length and any number of
 * subtags is walked (a fixed buffer once overflowed, and tags of 64
 * characters or more skipped the chain). */
static void test_chain_of_any_tag(void **state)
{
	struct catalog *c = load_fixtures();
	char tag[4096], *chain;
	size_t n;

	(void)state;
	chain = catalog_chain(c, "sr-Latn-RS");
	assert_string_equal(chain, "sr-Latn-RS -> sr-Latn");
	free(chain);
	chain = catalog_chain(c, "pt-BR");
	assert_string_equal(chain, "pt-BR -> pt -> en");
	free(chain);
	chain = catalog_chain(c, "en-x-ab-ab-ab");
	assert_string_equal(chain, "en-x-ab-ab-ab -> en-x-ab-ab -> en-x-ab -> "
	                    "en");
	free(chain);
	/* 1,000 subtags after lv: the walk reaches lv, not en. */
	n = (size_t)snprintf(tag, sizeof tag, "lv");
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(tag + n, sizeof tag - n, "-a%d", i % 10);
	assert_string_equal(catalog_resolve(c, tag), "lv");
	chain = catalog_chain(c, tag);
	assert_non_null(chain);
	assert_int_equal(strncmp(chain, tag, n), 0);
	assert_string_equal(chain + strlen(chain) - 8, "a0 -> lv");
	free(chain);
	catalog_free(c);
}

static void test_lookup_reports_origin(void **state)
{
	struct catalog *c = load_fixtures();
	const char *from = NULL;
	const char *s;

	(void)state;
	/* In sr-Latn itself. */
	s = catalog_lookup(c, "sr-Latn-RS", "demo", "title", &from);
	assert_string_equal(s, "Izjava (latinica): {role}");
	assert_string_equal(from, "sr-Latn");
	/* Missing from sr-Latn: one step back to sr. */
	s = catalog_lookup(c, "sr-Latn-RS", "demo", "commitment.1", &from);
	assert_string_equal(s, "Prva obaveza");
	assert_string_equal(from, "sr");
	/* An empty target counts as untranslated. */
	s = catalog_lookup(c, "sr-Latn", "demo", "commitment.2", &from);
	assert_string_equal(s, "Druga obaveza");
	assert_string_equal(from, "sr");
	/* In nobody but en. */
	s = catalog_lookup(c, "sr-Latn", "demo", "only-en", &from);
	assert_string_equal(s, "Only in English");
	assert_string_equal(from, "en");
	/* No catalogue at all for pt-BR, nor pt. */
	s = catalog_lookup(c, "pt-BR", "demo", "title", &from);
	assert_string_equal(s, "Declaration of a {role}");
	assert_string_equal(from, "en");
	/* Unknown everywhere. */
	from = "x";
	assert_null(catalog_lookup(c, "lv", "demo", "nope", &from));
	assert_null(from);
	assert_null(catalog_lookup(c, "lv", "nofile", "title", NULL));
	/* No fallback in catalog_get. */
	assert_null(catalog_get(c, "sr-Latn", "demo", "commitment.1"));
	assert_string_equal(catalog_get(c, "en", "demo", "commitment.1"),
	                    "First commitment");
	catalog_free(c);
}

static void test_text_is_nfc_and_collapsed(void **state)
{
	struct catalog *c = load_fixtures();

	(void)state;
	/* Written decomposed (a + U+0304) and across two lines. */
	assert_string_equal(catalog_get(c, "lv", "demo", "title"),
	                    "Dekl\xC4\x81" "cija: {role}");
	/* Two segments joined in order. */
	assert_string_equal(catalog_get(c, "lv", "demo", "intro"),
	                    "{organisation} apņemas. Vairāk.");
	catalog_free(c);
}

static void test_series_and_completeness(void **state)
{
	struct catalog *c = load_fixtures();
	int present = -1, total = -1;

	(void)state;
	assert_int_equal(catalog_series_len(c, "demo", "commitment."), 3);
	assert_int_equal(catalog_series_len(c, "demo", "benefit."), 0);
	assert_int_equal(catalog_completeness(c, "sr", "demo", &present, &total), 0);
	assert_int_equal(total, 7);
	assert_int_equal(present, 5);
	assert_int_equal(catalog_completeness(c, "sr-Latn", "demo", &present,
	                                      &total), 0);
	assert_int_equal(present, 1);   /* the empty target does not count */
	assert_int_equal(catalog_completeness(c, "lv", "common", &present,
	                                      &total), 0);
	assert_int_equal(present, total - 1);
	assert_int_equal(catalog_completeness(c, "en", "demo", &present, &total), 0);
	assert_int_equal(present, total);
	assert_int_equal(catalog_completeness(c, "xx", "demo", &present, &total), -1);
	assert_int_equal(catalog_completeness(c, "en", "nofile", &present, &total), -1);
	catalog_free(c);
}

/* --- hostile and broken catalogues ------------------------------------ */

static const char *const EN_OK =
	"<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.0\" "
	"srcLang=\"en\"><file id=\"common\"><unit id=\"a\"><segment>"
	"<source>A</source></segment></unit></file></xliff>";

/* Writes the named files into a new temporary directory, loads it, and
 * returns the error message (static), or NULL when it loaded. */
static const char *load_files(const char *name1, const char *text1,
                              const char *name2, const char *text2)
{
	static struct err e;
	char dir[] = "/tmp/pactdoc-test-catalog-XXXXXX";
	char path[256];
	struct catalog *c;
	const char *names[2] = { name1, name2 };
	const char *texts[2] = { text1, text2 };

	memset(&e, 0, sizeof e);
	assert_non_null(mkdtemp(dir));
	for (int i = 0; i < 2 && names[i]; i++) {
		FILE *f;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(texts[i], f);
		fclose(f);
	}
	c = catalog_load(dir, &e);
	catalog_free(c);
	for (int i = 0; i < 2 && names[i]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	return c ? NULL : e.msg;
}

static void test_external_entity_refused(void **state)
{
	const char *xxe =
		"<?xml version=\"1.0\"?>\n<!DOCTYPE xliff [<!ENTITY x SYSTEM "
		"\"file:///etc/passwd\">]>\n<xliff xmlns=\"urn:oasis:names:tc:"
		"xliff:document:2.0\" version=\"2.0\" srcLang=\"en\"><file id=\"c\">"
		"<unit id=\"a\"><segment><source>&x;</source></segment></unit>"
		"</file></xliff>";
	const char *msg;

	(void)state;
	msg = load_files("en.xlf", xxe, NULL, NULL);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "DOCTYPE"));
	assert_null(strstr(msg, "root:"));
}

static void test_entity_expansion_refused(void **state)
{
	const char *lol =
		"<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\">"
		"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n"
		"<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" "
		"version=\"2.0\" srcLang=\"en\"/>";

	(void)state;
	assert_non_null(load_files("en.xlf", lol, NULL, NULL));
}

static void test_broken_catalogues_refused(void **state)
{
	const char *msg;

	(void)state;
	assert_null(load_files("en.xlf", EN_OK, NULL, NULL));
	/* No en.xlf. */
	msg = load_files("lv.xlf", "<xliff xmlns=\"urn:oasis:names:tc:xliff:"
	                 "document:2.0\" version=\"2.0\" srcLang=\"en\" "
	                 "trgLang=\"lv\"/>", NULL, NULL);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "en.xlf"));
	/* trgLang disagrees with the file name. */
	msg = load_files("en.xlf", EN_OK, "lv.xlf", "<xliff xmlns=\"urn:oasis:"
	                 "names:tc:xliff:document:2.0\" version=\"2.0\" "
	                 "srcLang=\"en\" trgLang=\"lt\"/>");
	assert_non_null(msg);
	assert_non_null(strstr(msg, "trgLang"));
	/* Not well-formed: the position is given. */
	msg = load_files("en.xlf", "<xliff>\n<file>\n</xliff>", NULL, NULL);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "en.xlf:3:"));
	/* XLIFF 1.2 namespace. */
	msg = load_files("en.xlf", "<xliff xmlns=\"urn:oasis:names:tc:xliff:"
	                 "document:1.2\" version=\"1.2\"/>", NULL, NULL);
	assert_non_null(msg);
	/* A unit twice. */
	msg = load_files("en.xlf", "<xliff xmlns=\"urn:oasis:names:tc:xliff:"
	                 "document:2.0\" version=\"2.0\" srcLang=\"en\"><file "
	                 "id=\"c\"><unit id=\"a\"><segment><source>A</source>"
	                 "</segment></unit><unit id=\"a\"><segment><source>B"
	                 "</source></segment></unit></file></xliff>", NULL, NULL);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "twice"));
	/* A file name that is no language tag. */
	msg = load_files("en.xlf", EN_OK, "b_d.xlf", EN_OK);
	assert_non_null(msg);
	/* Empty file. */
	assert_non_null(load_files("en.xlf", "", NULL, NULL));
}

/* A segment state XLIFF 2.0 does not define stops the load, with the
 * file and line. */
static void test_bad_state_refused(void **state)
{
	const char *msg;

	(void)state;
	msg = load_files("en.xlf", EN_OK, "lv.xlf", "<xliff xmlns=\"urn:oasis:"
	                 "names:tc:xliff:document:2.0\" version=\"2.0\" "
	                 "srcLang=\"en\" trgLang=\"lv\"><file id=\"c\">\n"
	                 "<unit id=\"a\">\n<segment state=\"approved\">"
	                 "<source>A</source><target>B</target></segment></unit>"
	                 "</file></xliff>");
	assert_non_null(msg);
	assert_non_null(strstr(msg, "lv.xlf:3: error:"));
	assert_non_null(strstr(msg, "\"approved\""));
	assert_null(load_files("en.xlf", EN_OK, "lv.xlf", "<xliff xmlns=\"urn:"
	                       "oasis:names:tc:xliff:document:2.0\" version="
	                       "\"2.0\" srcLang=\"en\" trgLang=\"lv\"><file "
	                       "id=\"c\"><unit id=\"a\"><segment state=\"final"
	                       "\"><source>A</source><target>B</target>"
	                       "</segment></unit></file></xliff>"));
}

/* --- the real catalogues ---------------------------------------------- */

/* The alias table (only the rows whose catalogue exists are checked:
 * the catalogues are written in parallel). */
static void test_real_aliases(void **state)
{
	static const struct { const char *tag, *lang, *chain; } rows[] = {
		{ "sr", "sr-Cyrl", "sr -> sr-Cyrl" },
		{ "sr-RS", "sr-Cyrl", "sr-RS -> sr-Cyrl" },
		{ "sr-Latn-RS", "sr-Latn", "sr-Latn-RS -> sr-Latn" },
		{ "sr-ME", "sr-Latn", "sr-ME -> sr-Latn" },
		{ "no", "nb", "no -> nb" },
		{ "nn-NO", "nb", "nn-NO -> nn -> nb" },
		{ "mo", "ro", "mo -> ro" },
		{ "ro-MD", "ro", "ro-MD -> ro" },
		{ "pt-BR", "pt", "pt-BR -> pt" },
		{ "iw", "he", "iw -> he" },
		{ "uz-Latn", "uz", "uz-Latn -> uz" },
	};
	struct err e = { { 0 } };
	struct catalog *c = catalog_load("locales", &e);
	char *chain;

	(void)state;
	if (c == NULL)
		fail_msg("locales/: %s", e.msg);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		if (strcmp(catalog_resolve(c, rows[i].lang), rows[i].lang) != 0)
			continue;       /* that catalogue is not merged yet */
		assert_string_equal(catalog_resolve(c, rows[i].tag), rows[i].lang);
		chain = catalog_chain(c, rows[i].tag);
		assert_non_null(chain);
		assert_string_equal(chain, rows[i].chain);
		free(chain);
	}
	/* a catalogue in the other script is never used */
	assert_string_equal(catalog_resolve(c, "uz-Cyrl"), "en");
	chain = catalog_chain(c, "uz-Cyrl-UZ");
	assert_string_equal(chain, "uz-Cyrl-UZ -> uz-Cyrl -> en");
	free(chain);
	assert_string_equal(catalog_resolve(c, "bs-Cyrl"), "en");
	assert_string_equal(catalog_resolve(c, "zh-Hans"), "en");
	catalog_free(c);
}

/* States as the lookup reports them, and the review share. */
static void test_real_states(void **state)
{
	struct err e = { { 0 } };
	struct catalog *c = catalog_load("locales", &e);
	const char *from = NULL;
	int st = -1, rev = -1, total = -1;

	(void)state;
	if (c == NULL)
		fail_msg("locales/: %s", e.msg);
	assert_non_null(catalog_lookup_state(c, "lv", "common", "covenant.name",
	                                     &from, &st));
	assert_string_equal(from, "lv");
	assert_int_equal(st, CATALOG_TRANSLATED);
	assert_non_null(catalog_lookup_state(c, "lv", "coordinator-agreement",
	                                     "commitment.1", &from, &st));
	assert_int_equal(st, CATALOG_FINAL);   /* the seed's own words */
	assert_non_null(catalog_lookup_state(c, "en", "common", "covenant.name",
	                                     &from, &st));
	assert_int_equal(st, CATALOG_FINAL);
	assert_int_equal(catalog_review(c, "en", &rev, &total), 0);
	assert_int_equal(rev, total);
	assert_int_equal(catalog_review(c, "lv", &rev, &total), 0);
	assert_true(rev > 0 && rev < total);
	assert_int_equal(catalog_review(c, "xx", &rev, &total), -1);
	assert_string_equal(catalog_state_name(CATALOG_REVIEWED), "reviewed");
	catalog_free(c);
}

static void test_real_locales(void **state)
{
	static const char *const complete[] = { "en", "lv", "sv", "bg", "ky" };
	struct err e = { { 0 } };
	struct catalog *c = catalog_load("locales", &e);

	(void)state;
	if (c == NULL)
		fail_msg("locales/: %s", e.msg);
	assert_string_equal(catalog_lang(c, 0) ? catalog_resolve(c, "en") : "",
	                    "en");
	assert_true(catalog_n_files(c) >= 6);
	assert_non_null(catalog_get(c, "en", "common", "footer.page"));
	for (size_t i = 0; i < sizeof complete / sizeof complete[0]; i++) {
		if (strcmp(catalog_resolve(c, complete[i]), complete[i]) != 0)
			continue;       /* not written yet */
		for (int f = 0; f < catalog_n_files(c); f++) {
			int present, total;
			const char *id = catalog_file_id(c, f);
			assert_int_equal(catalog_completeness(c, complete[i], id,
			                                      &present, &total), 0);
			if (present != total)
				fail_msg("%s: file %s has %d of %d units", complete[i],
				         id, present, total);
		}
	}
	catalog_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_languages_listed_sorted),
		cmocka_unit_test(test_resolve_walks_the_tag),
		cmocka_unit_test(test_chain_of_any_tag),
		cmocka_unit_test(test_lookup_reports_origin),
		cmocka_unit_test(test_text_is_nfc_and_collapsed),
		cmocka_unit_test(test_series_and_completeness),
		cmocka_unit_test(test_external_entity_refused),
		cmocka_unit_test(test_entity_expansion_refused),
		cmocka_unit_test(test_broken_catalogues_refused),
		cmocka_unit_test(test_real_locales),
		cmocka_unit_test(test_bad_state_refused),
		cmocka_unit_test(test_real_aliases),
		cmocka_unit_test(test_real_states),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
