/* fuzz_reader.c — libFuzzer harness for the record reader (reader.c):
 * any bytes as a records file, read with the compiled records schema.
 * Every record and file diagnostic is handed back and freed; ids are
 * forgotten after each input, so each input is read as a first file. */
#include "fuzz.h"
#include "reader.h"

static struct reader *rd;

static int on_record(void *ctx, struct record *r, const struct batch *b,
                     struct diag_list *diags)
{
	(void)ctx;
	(void)r;
	(void)b;
	(void)diags;
	return 0;
}

static int on_file(void *ctx, const char *path, struct diag_list *diags)
{
	(void)ctx;
	(void)path;
	(void)diags;
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char schema[4096];
	struct err e;

	(void)argc;
	(void)argv;
	snprintf(schema, sizeof schema, "%s/schema/records.xsd",
	         fuzz_datadir());
	rd = reader_new(schema, NULL, &e);   /* no glyph rule: fuzz_produce has it */
	if (rd == NULL) {
		fprintf(stderr, "fuzz_reader: %s\n", e.msg);
		exit(2);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader_events ev = { NULL, on_record, on_file };
	const char *path = fuzz_memfile(data, size);
	struct err e;

	if (path == NULL)
		return 0;
	reader_read_file(rd, path, &ev, &e);
	if (reader_forget_ids(rd, &e) != 0)
		abort();
	return 0;
}
