/* test_diag.c — the catalogue of rules (src/model/diag.c): every rule has a
 * name, a severity and a summary; names are unique; and README.md's rule
 * table lists exactly the catalogue's rules with the same severities. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diag.h"

/* The word README uses for a severity. */
static const char *readme_severity(enum severity s)
{
	return s == SEV_WARNING ? "warning" : s == SEV_ERROR ? "error" :
	       "failure";
}

static void every_rule_is_complete_and_unique(void **state)
{
	(void)state;
	for (int r = 0; r < RULE__COUNT; r++) {
		const char *name = diag_rule_name((enum diag_rule)r);

		assert_non_null(name);
		assert_true(name[0] != '\0');
		assert_true(strlen(name) < 32);
		assert_non_null(diag_rule_summary((enum diag_rule)r));
		for (int q = 0; q < r; q++)
			assert_string_not_equal(name,
			                        diag_rule_name((enum diag_rule)q));
	}
}

/* The catalogue's index of a rule name, or -1. */
static int find_rule(const char *name)
{
	for (int r = 0; r < RULE__COUNT; r++)
		if (strcmp(diag_rule_name((enum diag_rule)r), name) == 0)
			return r;
	return -1;
}

/* Reads README.md's rule table (rows "| `NAME` | SEVERITY | ... |" under
 * the header "| rule | severity | what it checks |") and checks it
 * against the catalogue, both ways. */
static void readme_lists_every_rule(void **state)
{
	FILE *f = fopen("README.md", "r");
	char line[1024];
	int in_table = 0, rows = 0;
	int seen[RULE__COUNT] = { 0 };

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		char name[64], sev[16];
		int r;

		if (strncmp(line, "| rule | severity | what it checks |", 36) == 0) {
			in_table = 1;
			continue;
		}
		if (!in_table || strncmp(line, "|---", 4) == 0)
			continue;
		if (line[0] != '|')
			break;
		if (sscanf(line, "| `%63[^`]` | %15[a-z] |", name, sev) != 2)
			fail_msg("README rule row not understood: %s", line);
		r = find_rule(name);
		if (r < 0)
			fail_msg("README lists rule '%s', which src/model/diag.c has not",
			         name);
		assert_string_equal(sev,
		                    readme_severity(diag_rule_severity(
		                        (enum diag_rule)r)));
		seen[r]++;
		rows++;
	}
	fclose(f);
	for (int r = 0; r < RULE__COUNT; r++)
		if (seen[r] != 1)
			fail_msg("rule '%s' is listed %d times in README's table",
			         diag_rule_name((enum diag_rule)r), seen[r]);
	assert_int_equal(rows, RULE__COUNT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_rule_is_complete_and_unique),
		cmocka_unit_test(readme_lists_every_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
