/* cmd_generate.c — `pactdoc generate`: reads records on the main thread,
 * produces the documents of eligible ones on worker threads, reports and
 * packs every record in input order, then writes the countersigning
 * packages. Only wiring: what happens to a record is produce.c's call,
 * what the packages hold and are named is package.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "diag.h"
#include "fontset.h"
#include "form.h"
#include "fsutil.h"
#include "inputs.h"
#include "oom.h"
#include "package.h"
#include "pipeline.h"
#include "produce.h"
#include "progress.h"
#include "reader.h"
#include "report.h"

struct job {
	enum produce_action kind;
	struct record rec;         /* owned (moved out of the reader) */
	struct batch batch;        /* a copy of the file's batch */
	struct diag_list diags;
	struct production prod;
	int failed;                /* a system error while producing */
	struct err err;
};

struct generate_run {
	const struct config *cfg;
	struct producer producer;
	struct pipeline *pipeline;
	struct report *report;
	struct progress progress;
	struct packager *packager;
	int records, generated, skipped, rejected, failed, documents;
	int unreviewed;            /* refused by --require-reviewed */
	int rejected_files, records_in_file;
	int system_error;
};

static void print_diags(struct progress *pg, const struct diag_list *diags)
{
	if (diags->n > 0)
		progress_clear(pg);
	diag_print_list(stderr, diags);
}

static void job_free(struct job *job)
{
	record_clear(&job->rec);
	batch_clear(&job->batch);
	diag_list_clear(&job->diags);
	production_clear(&job->prod);
	free(job);
}

/* Worker thread: the documents of one record. */
static void work(void *ctx, void *arg)
{
	struct generate_run *run = ctx;
	struct job *job = arg;
	int rc;

	if (job->kind != PRODUCE_WRITE)
		return;
	oom_clear();
	rc = oom_failures() != 0 ? -1 :
	     produce_record(&run->producer, &job->rec, &job->batch, &job->prod,
	                    &job->err);
	/* A library that ran out of memory may have failed quietly (a date
	 * left unformatted, a message taken as missing): the documents cannot
	 * be trusted. Nor can any made once memory ran out elsewhere in the
	 * run: a library may keep what it could not load for good (HarfBuzz
	 * an empty font table), so no record is produced after that. */
	if (oom_seen()) {
		production_discard(&job->prod);
		err_set(&job->err, "record %s: out of memory", job->rec.id);
		rc = -1;
	} else if (oom_failures() != 0) {
		production_discard(&job->prod);
		err_set(&job->err, "record %s: not produced (out of memory "
		        "earlier in the run)", job->rec.id);
		rc = -1;
	}
	if (rc != 0)
		job->failed = 1;
}

/* Packs the job's documents: its applicant package now, its
 * countersigned documents listed for the end of the run. */
static void pack_job(struct generate_run *run, const struct job *job)
{
	struct produced_doc docs[PRODUCE_MAX_FILES];
	int n = production_docs(&job->prod, &job->rec, docs);
	struct err e;

	if (run->packager == NULL || run->system_error)
		return;
	if (packager_add(run->packager, docs, (size_t)n, job->batch.name,
	                 &e) != 0) {
		progress_clear(&run->progress);
		fprintf(stderr, "pactdoc: packages: %s\n", e.msg);
		run->system_error = 1;
	}
}

static const char *job_outcome(const struct job *job)
{
	if (job->failed)
		return "failed";
	if (job->prod.refused)
		return "unreviewed";
	switch (job->kind) {
	case PRODUCE_REJECT:
		return "rejected";
	case PRODUCE_SKIP:
		return "skipped";
	default:
		return "generated";
	}
}

static void report_job(struct generate_run *run, const struct job *job)
{
	struct report_doc docs[PRODUCE_MAX_FILES];
	struct err e;
	int n = 0;

	if (run->report == NULL)
		return;
	for (int i = 0; i < job->prod.n_files && !job->failed; i++) {
		const struct produced_file *f = &job->prod.files[i];
		docs[n++] = (struct report_doc){
			f->kind, f->path, f->pdf.sha256, f->pdf.pages,
			f->pdf.bytes, f->lang, f->fallback,
			(const char *const *)f->missing, f->n_missing,
			(const char *const *)f->unreviewed, f->n_unreviewed
		};
	}
	if (report_record(run->report, &job->rec, &job->diags, job_outcome(job),
	                  docs, n, &e) != 0) {
		progress_clear(&run->progress);
		fprintf(stderr, "pactdoc: %s\n", e.msg);
		run->system_error = 1;
	}
}

/* Prints the record's line on stdout: its outcome and documents. */
static void print_outcome(const struct job *job)
{
	char file[4096], id[160];

	printf("%s:%d: %s: %s", diag_printable(job->rec.file, file, sizeof file),
	       job->rec.line, diag_printable(job->rec.id, id, sizeof id),
	       job_outcome(job));
	if (job->kind == PRODUCE_SKIP)
		printf(" (status %s)", status_name(job->rec.status));
	for (int i = 0; i < job->prod.n_files && !job->failed; i++)
		printf(" %s", job->prod.files[i].path);
	for (int i = 0; i < job->prod.n_files && !job->failed; i++)
		if (job->prod.files[i].fallback != NULL) {
			printf(" (language %s)", job->prod.files[i].fallback);
			break;
		}
	putchar('\n');
}

/* The error of a record --require-reviewed refused: its language and the
 * first few unreviewed messages, with their count. */
static void note_refusal(struct job *job)
{
	const struct production *p = &job->prod;
	char list[512];
	size_t len = 0;
	int shown = p->n_unreviewed < 5 ? p->n_unreviewed : 5;

	list[0] = '\0';
	for (int i = 0; i < shown && len < sizeof list; i++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
		                        i ? ", " : "", p->unreviewed[i]);
	if (diag_add(&job->diags, job->rec.file, job->rec.line, job->rec.col,
	             RULE_UNREVIEWED, "record %s: its documents in '%s' "
	             "hold %d message%s not reviewed by a native speaker (%s%s); "
	             "--require-reviewed writes nothing for it", job->rec.id,
	             p->lang ? p->lang : "?", p->n_unreviewed,
	             p->n_unreviewed == 1 ? "" : "s", list,
	             p->n_unreviewed > shown ? ", ..." : "") != 0)
		fprintf(stderr, "pactdoc: out of memory\n");
}

/* Main thread, in input order. */
static void finish(void *ctx, void *arg)
{
	struct generate_run *run = ctx;
	struct job *job = arg;

	if (!job->failed && job->prod.refused)
		note_refusal(job);
	print_diags(&run->progress, &job->diags);
	if (job->failed) {
		progress_clear(&run->progress);
		fprintf(stderr, "pactdoc: %s\n", job->err.msg);
		run->failed++;
	} else if (job->kind == PRODUCE_REJECT) {
		run->rejected++;
	} else if (job->prod.refused) {
		run->unreviewed++;
	} else if (job->kind == PRODUCE_SKIP) {
		run->skipped++;
	} else {
		run->generated++;
		run->documents += job->prod.n_files;
		pack_job(run, job);
	}
	print_outcome(job);
	report_job(run, job);
	progress_step(&run->progress, job->failed ? 0 : job->prod.n_files);
	job_free(job);
}

static int on_record(void *ctx, struct record *r, const struct batch *b,
                     struct diag_list *diags)
{
	struct generate_run *run = ctx;
	struct job *job;
	struct err e;
	char file[4096];

	/* Memory ran out while this record was read: its verdict ("not valid
	 * UTF-8", a schema error) and its values cannot be trusted. */
	job = oom_seen() ? NULL : calloc(1, sizeof *job);
	if (job == NULL) {
		progress_clear(&run->progress);
		fprintf(stderr, "pactdoc: %s:%d: out of memory reading a record\n",
		        diag_printable(r->file, file, sizeof file), r->line);
		run->system_error = 1;
		return -1;
	}
	job->rec = *r;
	memset(r, 0, sizeof *r);
	diag_move(&job->diags, diags);
	job->kind = produce_decide(&job->rec, &job->diags);
	if (batch_copy(&job->batch, b) != 0 ||
	    packager_note_batch(run->packager, b, &e) != 0) {
		fprintf(stderr, "pactdoc: out of memory\n");
		run->system_error = 1;
		job_free(job);
		return -1;
	}
	run->records++;
	run->records_in_file++;
	pipeline_push(run->pipeline, job);
	return 0;
}

static int on_file(void *ctx, const char *path, struct diag_list *diags)
{
	struct generate_run *run = ctx;
	struct err e;
	char file[4096];

	if (oom_seen()) {
		progress_clear(&run->progress);
		fprintf(stderr, "pactdoc: %s: out of memory reading the file\n",
		        diag_printable(path, file, sizeof file));
		run->system_error = 1;
		return -1;
	}
	print_diags(&run->progress, diags);
	if (diags->errors)
		run->rejected_files++;
	if (run->report != NULL &&
	    report_file(run->report, path, diags, run->records_in_file, &e) != 0) {
		fprintf(stderr, "pactdoc: %s\n", e.msg);
		run->system_error = 1;
		return -1;
	}
	run->records_in_file = 0;
	/* a finished job may have failed (finish): no next file */
	return run->system_error ? -1 : 0;
}

/* Loads the forms, catalogues and fonts the workers share. */
struct resources {
	struct form_set *forms;
	struct catalog *catalog;
	struct fontset *fonts;
	struct reader *reader;
};

static int load_resources(const char *datadir, struct resources *res,
                          struct err *e)
{
	char path[4096], schema[4096];

	if ((res->reader = reader_open(datadir, &res->fonts, e)) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/locales", datadir);
	if ((res->catalog = catalog_open(path, e)) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/forms", datadir);
	snprintf(schema, sizeof schema, "%s/forms/form.xsd", datadir);
	if (!oom_seen() && (res->forms = form_set_load(path, schema, e)) == NULL)
		return -1;
	for (int i = 0; !oom_seen() && i < form_set_count(res->forms); i++)
		if (form_check_messages(form_set_get(res->forms, i),
		                        res->catalog, e) != 0)
			return -1;
	/* A library (or a copy) that ran out of memory may have left a value
	 * out quietly: an attribute taken as absent, a message as missing. */
	if (oom_seen())
		return err_set(e, "out of memory loading %s", datadir);
	return 0;
}

static void free_resources(struct resources *res)
{
	reader_free(res->reader);
	catalog_free(res->catalog);
	form_set_free(res->forms);
	fontset_free(res->fonts);
}

static long count_records(const struct input_list *inputs)
{
	long total = 0;

	for (int i = 0; i < inputs->n; i++) {
		long n = reader_count(inputs->files[i]);
		if (n > 0)
			total += n;
	}
	return total;
}

/* The countersigning packages, their cover sheets made by produce.c. */
static void write_packages(struct generate_run *run)
{
	struct err e;

	/* The countersigning package holds every agreement of the run: one
	 * that failed would be missing from a package that looks complete. */
	if (run->failed) {
		progress_clear(&run->progress);
		fprintf(stderr, "pactdoc: packages not written: %d record%s "
		        "failed\n", run->failed, run->failed == 1 ? "" : "s");
		return;
	}
	if (packager_finish(run->packager, produce_cover, &run->producer,
	                    &e) != 0) {
		progress_clear(&run->progress);
		fprintf(stderr, "pactdoc: packages: %s\n", e.msg);
		run->system_error = 1;
	}
}

static void print_summary(struct generate_run *run)
{
	double secs = progress_elapsed(&run->progress);

	progress_clear(&run->progress);
	if (run->cfg->quiet)
		return;
	fprintf(stderr, "pactdoc: %d record%s: %d generated (%d documents), "
	        "%d skipped, %d rejected, %d failed; %d file%s with errors of "
	        "its own; "
	        "%.2f s, %.0f documents/s\n", run->records,
	        run->records == 1 ? "" : "s", run->generated, run->documents,
	        run->skipped, run->rejected + run->unreviewed, run->failed,
	        run->rejected_files,
	        run->rejected_files == 1 ? "" : "s", secs,
	        secs > 0 ? run->documents / secs : 0.0);
}

static int exit_status(const struct generate_run *run, int input_errors)
{
	if (run->system_error || run->failed || input_errors)
		return PD_EXIT_FAILURE;
	if (run->rejected || run->rejected_files || run->unreviewed)
		return PD_EXIT_REJECTED;
	return PD_EXIT_OK;
}

int cmd_generate(const struct config *cfg)
{
	struct generate_run run = { 0 };
	struct resources res = { 0 };
	struct reader_events ev = { &run, on_record, on_file };
	struct pipeline_ops ops = { &run, work, finish };
	struct input_list inputs = { 0 };
	struct diag_list problems = { 0 };
	struct err e;
	int status;

	run.cfg = cfg;
	if (load_resources(cfg->datadir, &res, &e) != 0 ||
	    fs_mkdirs(cfg->outdir, &e) != 0) {
		fprintf(stderr, "pactdoc: %s\n", e.msg);
		free_resources(&res);
		return PD_EXIT_FAILURE;
	}
	run.producer = (struct producer){ res.forms, res.catalog, res.fonts,
	                                  cfg->outdir, cfg->date,
	                                  cfg->require_reviewed, NULL };
	run.packager = packager_new(cfg->outdir, cfg->date, &e);
	if (run.packager == NULL) {
		fprintf(stderr, "pactdoc: %s\n", e.msg);
		free_resources(&res);
		return PD_EXIT_FAILURE;
	}
	if (inputs_expand(cfg->inputs, cfg->n_inputs, &inputs, &problems) != 0) {
		fprintf(stderr, "pactdoc: out of memory listing the inputs\n");
		run.system_error = 1;
	}
	print_diags(&run.progress, &problems);
	if (cfg->report != NULL) {
		run.report = report_open(cfg->report, "generate", cfg->date,
		                         cfg->inputs, cfg->n_inputs, &e);
		if (run.report == NULL) {
			fprintf(stderr, "pactdoc: %s\n", e.msg);
			run.system_error = 1;
		}
	}
	progress_start(&run.progress, 0, cfg->quiet);
	if (run.progress.enabled)
		run.progress.total = count_records(&inputs);
	run.pipeline = pipeline_start(cfg->jobs, &ops, &e);
	if (run.pipeline == NULL) {
		fprintf(stderr, "pactdoc: %s\n", e.msg);
		run.system_error = 1;
	}
	run.producer.helpers = run.pipeline;
	if (!run.system_error &&
	    reader_read_files(res.reader, inputs.files, inputs.n, &ev, &e) != 0 &&
	    !run.system_error) {
		fprintf(stderr, "pactdoc: %s\n", e.msg);
		run.system_error = 1;
	}
	pipeline_finish(run.pipeline);
	if (!run.system_error)
		write_packages(&run);
	if (run.report != NULL) {
		if (run.system_error)
			report_abort(run.report);
		else if (report_close(run.report, &e) != 0) {
			fprintf(stderr, "pactdoc: %s\n", e.msg);
			run.system_error = 1;
		}
	}
	print_summary(&run);
	status = exit_status(&run, problems.errors);
	packager_free(run.packager);
	diag_list_clear(&problems);
	inputs_clear(&inputs);
	free_resources(&res);
	return status;
}
