/* test_report.c — the JSON run report: what report_record and
 * report_file are given comes back out of the file, parsed by json-c,
 * with each diagnostic's rule and severity from the catalogue; nothing is
 * at the path before report_close, and report_abort leaves nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "report.h"

static char dir[] = "/tmp/pactdoc-test-report-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(dir);
}

/* The member key of o, which must exist. */
static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no \"%s\" in the report", key);
	return v;
}

static void records_and_files_come_back(void **state)
{
	char path[128];
	struct err e = { "" };
	char *inputs[] = { (char *)"in.xml" };
	struct record r = { 0 };
	struct diag_list d = { 0 };
	struct report *rep;
	json_object *root, *recs, *rec, *diag, *files;

	(void)state;
	snprintf(path, sizeof path, "%s/sub/report.json", dir);
	rep = report_open(path, "validate", "2026-11-23", inputs, 1, &e);
	if (rep == NULL)
		fail_msg("%s", e.msg);
	r.file = "in.xml";
	r.line = 7;
	r.id = (char *)"LV-1";
	r.role = ROLE_SUPPORTER;
	r.lang = (char *)"lv";
	r.status = STATUS_ELIGIBLE;
	diag_add(&d, "in.xml", 7, 3, RULE_COUNTRY, "record LV-1: country "
	         "'\x1b[31mXX' is not an assigned ISO 3166-1 alpha-2 code");
	assert_int_equal(report_record(rep, &r, &d, "rejected", NULL, 0, &e), 0);
	diag_list_clear(&d);
	assert_int_equal(report_file(rep, "in.xml", &d, 1, &e), 0);
	/* Not there until it is closed. */
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_equal(report_close(rep, &e), 0);

	root = json_object_from_file(path);
	assert_non_null(root);
	assert_string_equal(json_object_get_string(get(root, "command")),
	                    "validate");
	assert_string_equal(json_object_get_string(get(root, "date")),
	                    "2026-11-23");
	recs = get(root, "records");
	assert_int_equal(json_object_array_length(recs), 1);
	rec = json_object_array_get_idx(recs, 0);
	assert_string_equal(json_object_get_string(get(rec, "id")), "LV-1");
	assert_string_equal(json_object_get_string(get(rec, "role")),
	                    "supporter");
	assert_string_equal(json_object_get_string(get(rec, "outcome")),
	                    "rejected");
	assert_int_equal(json_object_get_int(get(rec, "line")), 7);
	diag = json_object_array_get_idx(get(rec, "diagnostics"), 0);
	assert_non_null(diag);
	assert_string_equal(json_object_get_string(get(diag, "rule")),
	                    "country");
	assert_string_equal(json_object_get_string(get(diag, "severity")),
	                    "error");
	assert_int_equal(json_object_get_int(get(diag, "column")), 3);
	/* The escape character is escaped, not carried into the report. */
	assert_null(strchr(json_object_get_string(get(diag, "message")),
	                   '\x1b'));
	files = get(root, "files");
	assert_int_equal(json_object_array_length(files), 1);
	assert_int_equal(json_object_get_int(get(
	                     json_object_array_get_idx(files, 0), "records")), 1);
	assert_int_equal(json_object_get_int(get(get(root, "summary"),
	                                         "rejected")), 1);
	json_object_put(root);
	unlink(path);
	snprintf(path, sizeof path, "%s/sub", dir);
	assert_int_equal(rmdir(path), 0);
}

static void abort_leaves_nothing(void **state)
{
	char path[128];
	struct err e = { "" };
	char *inputs[] = { (char *)"in.xml" };
	struct report *rep;

	(void)state;
	snprintf(path, sizeof path, "%s/aborted.json", dir);
	rep = report_open(path, "generate", "2026-11-23", inputs, 1, &e);
	assert_non_null(rep);
	report_abort(rep);
	assert_int_not_equal(access(path, F_OK), 0);
	/* The directory holds no temporary either: rmdir in teardown. */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(records_and_files_come_back),
		cmocka_unit_test(abort_leaves_nothing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
