/* test_reader.c — the record reader: a good file gives every record valid
 * with its batch; a bad id and a reused id are reported with their rule
 * and line and cost no other record; a file that is not well-formed is
 * rejected whole before any record is handed out; a missing file is an
 * io problem of the file. Uses schema/records.xsd from the source tree. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "reader.h"

#define SCHEMA "schema/records.xsd"

struct seen {
	int records, rejected, files;
	char ids[16][80];
	char rules[16][32];             /* first rule of each record, or "" */
	int lines[16];
	char file_rule[32];             /* first rule of the file, or "" */
	char countersignatory[80];
};

static int on_record(void *ctx, struct record *r, const struct batch *b,
                     struct diag_list *diags)
{
	struct seen *s = ctx;
	int i = s->records++;

	if (i < 16) {
		snprintf(s->ids[i], sizeof s->ids[i], "%s", r->id ? r->id : "");
		snprintf(s->rules[i], sizeof s->rules[i], "%s",
		         diags->n ? diags->items[0].rule : "");
		s->lines[i] = diags->n ? diags->items[0].line : r->line;
	}
	s->rejected += diags->errors > 0;
	if (b->countersignatory.name != NULL)
		snprintf(s->countersignatory, sizeof s->countersignatory, "%s",
		         b->countersignatory.name);
	return 0;
}

static int on_file(void *ctx, const char *path, struct diag_list *diags)
{
	struct seen *s = ctx;

	(void)path;
	s->files++;
	if (diags->n > 0 && s->file_rule[0] == '\0')
		snprintf(s->file_rule, sizeof s->file_rule, "%s",
		         diags->items[0].rule);
	return 0;
}

/* Reads path with a fresh reader (no fonts: no glyph rule) into s. */
static void read_one(const char *path, struct seen *s)
{
	struct err e = { "" };
	struct reader *rd = reader_new(SCHEMA, NULL, &e);
	struct reader_events ev = { s, on_record, on_file };

	if (rd == NULL)
		fail_msg("%s", e.msg);
	memset(s, 0, sizeof *s);
	if (reader_read_file(rd, path, &ev, &e) != 0)
		fail_msg("%s", e.msg);
	reader_free(rd);
}

/* Writes text into a new temporary file; its name into path (64). */
static void write_temp(const char *text, char *path)
{
	FILE *f;
	int fd;

	snprintf(path, 64, "/tmp/pactdoc-test-reader-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void good_file_every_record_valid(void **state)
{
	const char *path = "tests/data/samples/01-coordinators.xml";
	struct seen s;

	(void)state;
	read_one(path, &s);
	assert_int_equal(s.records, reader_count(path));
	assert_true(s.records > 1);
	assert_int_equal(s.rejected, 0);
	assert_int_equal(s.files, 1);
	assert_string_equal(s.file_rule, "");
	assert_string_equal(s.ids[0], "LV-COORD-0042");
	assert_string_equal(s.countersignatory, "Elena Moretti");
}

#define APP(id, line) \
	"<application id=\"" id "\" role=\"supporter\" lang=\"lv\" " \
	"status=\"received\">" line \
	"<organisation><name>Org</name><category>network</category>" \
	"<country>LV</country><address><line>Iela 1</line>" \
	"<city>Rīga</city></address></organisation>" \
	"<signatory><name>A B</name><position>P</position>" \
	"<email>a@example.lv</email></signatory>" \
	"<contact><name>C D</name><email>c@example.lv</email></contact>" \
	"</application>\n"

static void bad_and_reused_ids_cost_no_other_record(void **state)
{
	char path[64];
	struct seen s;

	(void)state;
	write_temp("<applications xmlns=\"urn:eumayors:applications:1\">\n"
	           APP("LV-1", "") APP("../x", "") APP("LV-2", "")
	           APP("LV-1", "") "</applications>\n", path);
	read_one(path, &s);
	unlink(path);
	assert_int_equal(s.records, 4);
	assert_int_equal(s.rejected, 2);
	assert_string_equal(s.rules[0], "");
	assert_string_equal(s.rules[1], "id");
	assert_int_equal(s.lines[1], 3);
	assert_string_equal(s.rules[2], "");
	assert_string_equal(s.rules[3], "id-unique");
	assert_int_equal(s.lines[3], 5);
	assert_string_equal(s.file_rule, "");
}

static void not_well_formed_rejected_whole(void **state)
{
	char path[64];
	struct seen s;

	(void)state;
	write_temp("<applications xmlns=\"urn:eumayors:applications:1\">\n"
	           APP("LV-1", "") "<application id=\"LV-2\"\n"
	           "</applications>\n", path);
	read_one(path, &s);
	unlink(path);
	assert_int_equal(s.records, 0);
	assert_int_equal(s.files, 1);
	assert_string_equal(s.file_rule, "not-well-formed");
}

static void missing_file_is_an_io_problem(void **state)
{
	struct seen s;

	(void)state;
	read_one("/nonexistent/pactdoc/records.xml", &s);
	assert_int_equal(s.records, 0);
	assert_int_equal(s.files, 1);
	assert_string_equal(s.file_rule, "io");
	assert_int_equal(reader_count("/nonexistent/pactdoc/records.xml"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_file_every_record_valid),
		cmocka_unit_test(bad_and_reused_ids_cost_no_other_record),
		cmocka_unit_test(not_well_formed_rejected_whole),
		cmocka_unit_test(missing_file_is_an_io_problem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
