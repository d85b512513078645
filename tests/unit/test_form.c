/* test_form.c — loading the form set: the shipped forms load, every role
 * has its forms in order, each form is found by its id; a form id used
 * twice and a missing schema are refused with a message naming the file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "form.h"

static void shipped_forms_load(void **state)
{
	static const enum role roles[] = {
		ROLE_COORDINATOR, ROLE_NATIONAL_COORDINATOR, ROLE_SUPPORTER,
		ROLE_ASSOCIATED_PARTNER
	};
	struct err e = { "" };
	struct form_set *s = form_set_load("forms", "forms/form.xsd", &e);

	(void)state;
	if (s == NULL)
		fail_msg("%s", e.msg);
	assert_true(form_set_count(s) >= 2);
	for (int i = 0; i < form_set_count(s); i++) {
		const struct form *f = form_set_get(s, i);
		assert_ptr_equal(form_set_find(s, f->id), f);
	}
	assert_null(form_set_find(s, "no-such-form"));
	for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
		const struct form *out[8];
		int n = form_set_for_role(s, roles[r], out, 8);

		assert_true(n >= 1 && n <= 8);
		for (int i = 1; i < n; i++)
			assert_true(out[i - 1]->order < out[i]->order ||
			            (out[i - 1]->order == out[i]->order &&
			             strcmp(out[i - 1]->id, out[i]->id) < 0));
	}
	form_set_free(s);
}

/* Writes text as dir/name. */
static void put(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void remove_file(const char *dir, const char *name)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
}

#define FORM(id, kind, role) \
	"<form xmlns=\"urn:pactdoc:form:1\" id=\"" id "\" kind=\"" kind "\" " \
	"catalogue=\"x\"><roles><role>" role "</role></roles>" \
	"<meta title=\"title\"><subject><part field=\"id\"/></subject></meta>" \
	"<footer reference=\"common:footer.reference\" page=\"common:" \
	"footer.page\"/><body><title text=\"title\"/></body></form>"

static void id_used_twice_refused(void **state)
{
	char dir[] = "/tmp/pactdoc-test-form-XXXXXX";
	struct err e = { "" };
	struct form_set *s;

	(void)state;
	assert_non_null(mkdtemp(dir));
	put(dir, "a.xml", FORM("same", "declaration", "supporter"));
	put(dir, "b.xml", FORM("same", "agreement", "coordinator"));
	s = form_set_load(dir, "forms/form.xsd", &e);
	form_set_free(s);
	remove_file(dir, "a.xml");
	remove_file(dir, "b.xml");
	rmdir(dir);
	assert_null(s);
	assert_non_null(strstr(e.msg, "form id 'same' is also used by"));
}

static void missing_schema_refused(void **state)
{
	struct err e = { "" };
	struct form_set *s = form_set_load("forms", "/nonexistent/form.xsd", &e);

	(void)state;
	form_set_free(s);
	assert_null(s);
	assert_non_null(strstr(e.msg, "/nonexistent/form.xsd"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_forms_load),
		cmocka_unit_test(id_used_twice_refused),
		cmocka_unit_test(missing_schema_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
