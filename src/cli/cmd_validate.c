/* cmd_validate.c — `pactdoc validate`: reads every record, prints one line
 * per record on stdout and one per problem on stderr, optionally writes
 * the JSON run report. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "fontset.h"
#include "inputs.h"
#include "oom.h"
#include "reader.h"
#include "report.h"

struct validate_run {
	const struct config *cfg;
	struct report *report;
	int records, valid, rejected_records;
	int files, rejected_files;
	int records_in_file;
	int system_error;
};

static int on_record(void *ctx, struct record *r, const struct batch *b,
                     struct diag_list *diags)
{
	struct validate_run *run = ctx;
	const char *outcome = diags->errors ? "rejected" : "valid";
	char id[160], file[4096];
	struct err e;

	(void)b;
	/* Memory ran out while the record was read: its verdict cannot be
	 * trusted (a failed copy looks like bad UTF-8, a schema error). */
	if (oom_seen()) {
		fprintf(stderr, "pactdoc: %s:%d: out of memory reading a record\n",
		        diag_printable(r->file, file, sizeof file), r->line);
		run->system_error = 1;
		return -1;
	}
	diag_print_list(stderr, diags);
	printf("%s:%d: %s: %s\n", diag_printable(r->file, file, sizeof file),
	       r->line, diag_printable(r->id, id, sizeof id), outcome);
	run->records++;
	run->records_in_file++;
	if (diags->errors)
		run->rejected_records++;
	else
		run->valid++;
	if (run->report != NULL &&
	    report_record(run->report, r, diags, outcome, NULL, 0, &e) != 0) {
		fprintf(stderr, "pactdoc: %s\n", e.msg);
		run->system_error = 1;
		return -1;
	}
	return 0;
}

static int on_file(void *ctx, const char *path, struct diag_list *diags)
{
	struct validate_run *run = ctx;
	struct err e;
	char file[4096];

	if (oom_seen()) {
		fprintf(stderr, "pactdoc: %s: out of memory reading the file\n",
		        diag_printable(path, file, sizeof file));
		run->system_error = 1;
		return -1;
	}
	diag_print_list(stderr, diags);
	run->files++;
	if (diags->errors)
		run->rejected_files++;
	if (run->report != NULL &&
	    report_file(run->report, path, diags, run->records_in_file, &e) != 0) {
		fprintf(stderr, "pactdoc: %s\n", e.msg);
		run->system_error = 1;
		return -1;
	}
	run->records_in_file = 0;
	return 0;
}

/* Closes the report and prints the summary. Returns the exit status: the
 * worst of the inputs' own problems (diag_exit_status: a missing input is
 * a failure) and of the records and files read. */
static int finish(struct validate_run *run, const struct diag_list *problems)
{
	int status = diag_exit_status(problems);
	struct err e;

	if (run->report != NULL && report_close(run->report, &e) != 0) {
		fprintf(stderr, "pactdoc: %s\n", e.msg);
		run->system_error = 1;
	}
	run->report = NULL;
	if (!run->cfg->quiet)
		fprintf(stderr, "pactdoc: %d record%s: %d valid, %d rejected; "
		        "%d file%s, %d with errors of its own\n", run->records,
		        run->records == 1 ? "" : "s", run->valid,
		        run->rejected_records, run->files,
		        run->files == 1 ? "" : "s", run->rejected_files);
	if (run->system_error)
		return PD_EXIT_FAILURE;
	if ((run->rejected_records || run->rejected_files) &&
	    status < PD_EXIT_REJECTED)
		return PD_EXIT_REJECTED;
	return status;
}

int cmd_validate(const struct config *cfg)
{
	struct validate_run run = { 0 };
	struct reader_events ev = { &run, on_record, on_file };
	struct input_list inputs = { 0 };
	struct diag_list problems = { 0 };
	struct reader *rd = NULL;
	struct fontset *fonts = NULL;
	struct err e;
	int status;

	run.cfg = cfg;
	if ((rd = reader_open(cfg->datadir, &fonts, &e)) == NULL) {
		fprintf(stderr, "pactdoc: %s\n", e.msg);
		return PD_EXIT_FAILURE;
	}
	if (inputs_expand(cfg->inputs, cfg->n_inputs, &inputs, &problems) != 0) {
		fprintf(stderr, "pactdoc: out of memory\n");
		reader_free(rd);
		fontset_free(fonts);
		return PD_EXIT_FAILURE;
	}
	diag_print_list(stderr, &problems);
	if (cfg->report != NULL) {
		run.report = report_open(cfg->report, "validate", cfg->date,
		                         cfg->inputs, cfg->n_inputs, &e);
		if (run.report == NULL) {
			fprintf(stderr, "pactdoc: %s\n", e.msg);
			run.system_error = 1;
		}
	}
	if (!run.system_error &&
	    reader_read_files(rd, inputs.files, inputs.n, &ev, &e) != 0 &&
	    !run.system_error) {
		fprintf(stderr, "pactdoc: %s\n", e.msg);
		run.system_error = 1;
	}
	if (run.system_error && run.report != NULL) {
		report_abort(run.report);
		run.report = NULL;
	}
	status = finish(&run, &problems);
	diag_list_clear(&problems);
	inputs_clear(&inputs);
	reader_free(rd);
	fontset_free(fonts);
	return status;
}
