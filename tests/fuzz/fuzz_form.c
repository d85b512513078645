/* fuzz_form.c — libFuzzer harness for the form loader (form.c): any bytes
 * as one form in a scratch forms directory, validated against
 * forms/form.xsd, then checked against the shipped catalogues the way
 * generate does. */
#include "catalog.h"
#include "form.h"
#include "fuzz.h"

static char dir[64], file[96], schema[4096];
static struct catalog *catalog;

static void cleanup(void)
{
	unlink(file);
	rmdir(dir);
	catalog_free(catalog);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char locales[4096];
	struct err e;

	(void)argc;
	(void)argv;
	snprintf(schema, sizeof schema, "%s/forms/form.xsd", fuzz_datadir());
	snprintf(locales, sizeof locales, "%s/locales", fuzz_datadir());
	if ((catalog = catalog_load(locales, &e)) == NULL) {
		fprintf(stderr, "fuzz_form: %s\n", e.msg);
		exit(2);
	}
	snprintf(dir, sizeof dir, "%s", fuzz_scratch());
	snprintf(file, sizeof file, "%s/form.xml", dir);
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct form *forms[4];
	struct form_set *s;
	struct err e;

	if (fuzz_write(file, data, size) != 0)
		return 0;
	s = form_set_load(dir, schema, &e);
	if (s == NULL)
		return 0;
	for (int i = 0; i < form_set_count(s); i++)
		form_check_messages(form_set_get(s, i), catalog, &e);
	for (int r = 0; r <= ROLE_ASSOCIATED_PARTNER; r++)
		form_set_for_role(s, (enum role)r, forms, 4);
	form_set_free(s);
	return 0;
}
