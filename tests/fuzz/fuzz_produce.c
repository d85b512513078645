/* fuzz_produce.c — libFuzzer harness for a record's way to documents:
 * any bytes as a records file, read by the reader; each valid, eligible
 * record (at most two per input) goes through produce_record, that is
 * compose -> layout -> PDF, with the shipped forms, catalogues and fonts,
 * into a scratch directory emptied after each input. */
#include <sys/stat.h>

#include "catalog.h"
#include "fontset.h"
#include "form.h"
#include "fuzz.h"
#include "produce.h"
#include "reader.h"

#define MAX_PRODUCED 2

static struct reader *rd;
static struct producer prod;
static struct catalog *catalog;
static struct form_set *forms;
static struct fontset *fonts;
static char outdir[64];

struct fuzz_run {
	int produced;
};

/* Removes what produce_record wrote for record r. */
static void remove_output(const struct record *r, struct production *pr)
{
	char dir[4096];

	for (int i = 0; i < pr->n_files; i++)
		if (pr->files[i].path != NULL)
			unlink(pr->files[i].path);
	snprintf(dir, sizeof dir, "%s/%s", outdir, r->id);
	rmdir(dir);
}

static int on_record(void *ctx, struct record *r, const struct batch *b,
                     struct diag_list *diags)
{
	struct fuzz_run *run = ctx;
	struct production pr;
	struct err e;

	if (diags->errors > 0 || r->status != STATUS_ELIGIBLE ||
	    run->produced == MAX_PRODUCED)
		return 0;
	run->produced++;
	produce_record(&prod, r, b, &pr, &e);
	remove_output(r, &pr);
	production_clear(&pr);
	return 0;
}

static int on_file(void *ctx, const char *path, struct diag_list *diags)
{
	(void)ctx;
	(void)path;
	(void)diags;
	return 0;
}

static void cleanup(void)
{
	rmdir(outdir);
	reader_free(rd);
	catalog_free(catalog);
	form_set_free(forms);
	fontset_free(fonts);
}

static void need(const void *p, const struct err *e)
{
	if (p == NULL) {
		fprintf(stderr, "fuzz_produce: %s\n", e->msg);
		exit(2);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *data = fuzz_datadir();
	char path[4096], schema[4096];
	struct err e;

	(void)argc;
	(void)argv;
	snprintf(schema, sizeof schema, "%s/schema/records.xsd", data);
	snprintf(path, sizeof path, "%s/fonts", data);
	need(fonts = fontset_load(path, &e), &e);
	need(rd = reader_new(schema, fonts, &e), &e);
	snprintf(path, sizeof path, "%s/locales", data);
	need(catalog = catalog_load(path, &e), &e);
	snprintf(path, sizeof path, "%s/forms", data);
	snprintf(schema, sizeof schema, "%s/forms/form.xsd", data);
	need(forms = form_set_load(path, schema, &e), &e);
	snprintf(outdir, sizeof outdir, "%s", fuzz_scratch());
	prod = (struct producer){ .forms = forms, .catalog = catalog,
	                          .fonts = fonts, .outdir = outdir,
	                          .date = "2026-11-23" };
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_run run = { 0 };
	struct reader_events ev = { &run, on_record, on_file };
	const char *path = fuzz_memfile(data, size);
	struct err e;

	if (path == NULL)
		return 0;
	reader_read_file(rd, path, &ev, &e);
	if (reader_forget_ids(rd, &e) != 0)
		abort();
	return 0;
}
