/* test_rules.c — contract rules beyond the schema, and the run's id set. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rules.h"

static void lang_tags(void **state)
{
	(void)state;
	assert_true(rules_lang_ok("lv"));
	assert_true(rules_lang_ok("sr-Latn-RS"));
	assert_true(rules_lang_ok("pt-BR"));
	assert_true(rules_lang_ok("ky"));
	assert_false(rules_lang_ok("lv_LV"));
	assert_false(rules_lang_ok("x"));
	assert_false(rules_lang_ok("123"));
	assert_false(rules_lang_ok("en--US"));
	assert_false(rules_lang_ok(""));
}

static void country_codes(void **state)
{
	(void)state;
	assert_true(rules_country_ok("LV"));
	assert_true(rules_country_ok("KG"));
	assert_false(rules_country_ok("XX"));
	assert_false(rules_country_ok("lv"));
	assert_false(rules_country_ok("LVA"));
}

static void categories_per_role(void **state)
{
	(void)state;
	assert_true(rules_category_ok(ROLE_COORDINATOR, "region"));
	assert_true(rules_category_ok(ROLE_NATIONAL_COORDINATOR, "energy-agency"));
	assert_true(rules_category_ok(ROLE_SUPPORTER, "network"));
	assert_false(rules_category_ok(ROLE_SUPPORTER, "region"));
	assert_true(rules_category_ok(ROLE_ASSOCIATED_PARTNER, "other"));
	assert_false(rules_category_ok(ROLE_ASSOCIATED_PARTNER, "network"));
}

static void eligible_needs_eligibility(void **state)
{
	struct record r = { 0 };
	struct diag_list d = { 0 };
	(void)state;
	r.file = "f.xml";
	r.id = "A";
	r.role = ROLE_SUPPORTER;
	r.status = STATUS_ELIGIBLE;
	r.lang = "bg";
	r.org_category = "network";
	r.org_country = "BG";
	rules_check_record(&r, &d);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.items[0].rule, "eligibility-required");
	diag_list_clear(&d);
	r.status = STATUS_RECEIVED;
	rules_check_record(&r, &d);
	assert_int_equal(d.errors, 0);
	diag_list_clear(&d);
}

static void idset_finds_duplicates(void **state)
{
	struct idset *s = idset_new();
	const char *file = NULL;
	int line = 0;
	char id[32];
	(void)state;
	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof id, "ID-%d", i);
		assert_int_equal(idset_add(s, id, "a.xml", i + 1, &file, &line), 1);
	}
	assert_int_equal(idset_add(s, "ID-1234", "b.xml", 7, &file, &line), 0);
	assert_string_equal(file, "a.xml");
	assert_int_equal(line, 1235);
	idset_free(s);
}

/* Counts the diagnostics of rule `rule` in l. */
static int rule_count(const struct diag_list *l, const char *rule)
{
	int n = 0;

	for (int i = 0; i < l->n; i++)
		n += strcmp(l->items[i].rule, rule) == 0;
	return n;
}

static void countersignatory_positions(void **state)
{
	struct lang_text ok[] = { { NULL, "Head", 3 }, { "lv", "Vadītāja", 4 },
	                          { "sv", "Chef", 5 } };
	struct lang_text dup[] = { { NULL, "Head", 3 }, { "lv", "A", 4 },
	                           { "LV", "B", 7 } };
	struct lang_text nodef[] = { { "lv", "A", 4 }, { "sv", "B", 5 } };
	struct lang_text twodef[] = { { NULL, "A", 4 }, { NULL, "B", 6 } };
	struct lang_text badtag[] = { { NULL, "A", 4 }, { "lv_LV", "B", 6 } };
	struct batch b = { 0 };
	struct diag_list l = { 0 };

	(void)state;
	b.countersignatory.name = "Maria Rossi";
	b.positions = ok;
	b.n_positions = 3;
	rules_check_countersignatory(&b, "f.xml", 2, &l);
	assert_int_equal(l.n, 0);
	b.positions = dup;
	rules_check_countersignatory(&b, "f.xml", 2, &l);
	assert_int_equal(rule_count(&l, "position-lang"), 1);
	assert_int_equal(l.items[0].line, 7);
	assert_non_null(strstr(l.items[0].message, "'LV'"));
	assert_non_null(strstr(l.items[0].message, "line 4"));
	diag_list_clear(&l);
	b.positions = nodef;
	b.n_positions = 2;
	rules_check_countersignatory(&b, "f.xml", 2, &l);
	assert_int_equal(rule_count(&l, "position-lang"), 1);
	assert_int_equal(l.items[0].line, 2);
	diag_list_clear(&l);
	b.positions = twodef;
	rules_check_countersignatory(&b, "f.xml", 2, &l);
	assert_int_equal(rule_count(&l, "position-lang"), 1);
	assert_int_equal(l.items[0].line, 6);
	diag_list_clear(&l);
	b.positions = badtag;
	rules_check_countersignatory(&b, "f.xml", 2, &l);
	assert_int_equal(rule_count(&l, "lang"), 1);
	diag_list_clear(&l);
	b.n_positions = 0;
	b.countersignatory.name = NULL;
	rules_check_countersignatory(&b, "f.xml", 2, &l);
	assert_int_equal(rule_count(&l, "countersignatory"), 2);
	diag_list_clear(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lang_tags),
		cmocka_unit_test(country_codes),
		cmocka_unit_test(categories_per_role),
		cmocka_unit_test(eligible_needs_eligibility),
		cmocka_unit_test(idset_finds_duplicates),
		cmocka_unit_test(countersignatory_positions),
	};
	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
