/* fuzz_catalog.c — libFuzzer harness for the XLIFF catalogue loader
 * (catalog.c): any bytes as locales/en.xlf, loaded from a scratch
 * directory, then looked up the way compose does. */
#include "catalog.h"
#include "fuzz.h"

static char dir[64], file[96];

static void cleanup(void)
{
	unlink(file);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir, sizeof dir, "%s", fuzz_scratch());
	snprintf(file, sizeof file, "%s/en.xlf", dir);
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct catalog *c;
	struct err e;

	if (fuzz_write(file, data, size) != 0)
		return 0;
	c = catalog_load(dir, &e);
	if (c == NULL)
		return 0;
	for (int f = 0; f < catalog_n_files(c); f++) {
		const char *id = catalog_file_id(c, f);
		int present, total;
		catalog_completeness(c, "en", id, &present, &total);
		catalog_series_len(c, id, "commitment.");
		catalog_lookup(c, "sr-Latn-RS", id, "title", NULL);
	}
	catalog_resolve(c, "en-x-ab-ab");
	catalog_free(c);
	return 0;
}
