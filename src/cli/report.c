/* report.c — the JSON run report, streamed with json-c (see report.h). */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "fsutil.h"

struct report {
	char *path;
	char tmp[4096];
	FILE *out;
	int n_records;          /* written so far (for the commas) */
	json_object *files;     /* small: one entry per input file */
	json_object *counts;    /* outcome -> number */
};

static json_object *string_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* A path or value as valid UTF-8 for JSON: file names can hold any bytes. */
static json_object *printable_string(const char *s)
{
	char buf[4096];

	return json_object_new_string(diag_printable(s, buf, sizeof buf));
}

static json_object *diagnostics_json(const struct diag_list *diags)
{
	json_object *arr = json_object_new_array();

	for (int i = 0; diags != NULL && i < diags->n; i++) {
		const struct diag *d = &diags->items[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "file", json_object_new_string(d->file));
		json_object_object_add(o, "line", json_object_new_int(d->line));
		json_object_object_add(o, "column",
		                       json_object_new_int(d->col > 0 ? d->col : 1));
		json_object_object_add(o, "severity",
		                       json_object_new_string(
		                           severity_name(d->severity)));
		json_object_object_add(o, "rule", json_object_new_string(d->rule));
		json_object_object_add(o, "message",
		                       json_object_new_string(d->message));
		json_object_array_add(arr, o);
	}
	return arr;
}

static const char *json_text(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                         JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* Creates the directory the report goes into, if it has one. */
static int make_parent(const char *path, struct err *e)
{
	char dir[4096];
	char *slash;

	if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir)
		return err_set(e, "%s: path too long", path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	return fs_mkdirs(dir, e);
}

struct report *report_open(const char *path, const char *command,
                           const char *date, char *const *inputs,
                           int n_inputs, struct err *e)
{
	struct report *rep = calloc(1, sizeof *rep);
	json_object *in = NULL;
	int fd;

	if (rep == NULL || (rep->path = strdup(path)) == NULL) {
		free(rep);
		err_set(e, "out of memory");
		return NULL;
	}
	if (make_parent(path, e) != 0) {
		free(rep->path);
		free(rep);
		return NULL;
	}
	fd = fs_temp_beside(path, rep->tmp, sizeof rep->tmp, e);
	if (fd < 0 || (rep->out = fdopen(fd, "w")) == NULL) {
		if (fd >= 0) {
			close(fd);
			fs_temp_discard(rep->tmp);
		}
		free(rep->path);
		free(rep);
		return NULL;
	}
	fchmod(fd, 0644);
	rep->files = json_object_new_array();
	rep->counts = json_object_new_object();
	in = json_object_new_array();
	for (int i = 0; i < n_inputs; i++)
		json_object_array_add(in, printable_string(inputs[i]));
	fprintf(rep->out, "{\"tool\":\"pactdoc\",\"version\":\"%s\","
	        "\"command\":\"%s\",\"date\":\"%s\",\"inputs\":%s,"
	        "\"records\":[\n", PACTDOC_VERSION, command, date, json_text(in));
	json_object_put(in);
	return rep;
}

static void count_outcome(struct report *rep, const char *outcome)
{
	json_object *n = NULL;
	int v = 0;

	if (json_object_object_get_ex(rep->counts, outcome, &n))
		v = json_object_get_int(n);
	json_object_object_add(rep->counts, outcome, json_object_new_int(v + 1));
}

static json_object *doc_json(const struct report_doc *d)
{
	json_object *o = json_object_new_object();
	json_object *missing = json_object_new_array();
	json_object *unreviewed = json_object_new_array();

	json_object_object_add(o, "kind", json_object_new_string(d->kind));
	json_object_object_add(o, "path", printable_string(d->path));
	json_object_object_add(o, "sha256", json_object_new_string(d->sha256));
	json_object_object_add(o, "pages", json_object_new_int(d->pages));
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)d->bytes));
	json_object_object_add(o, "lang", json_object_new_string(d->lang));
	json_object_object_add(o, "fallback", string_or_null(d->fallback));
	for (int i = 0; i < d->n_missing; i++)
		json_object_array_add(missing, json_object_new_string(d->missing[i]));
	json_object_object_add(o, "missing_messages", missing);
	json_object_object_add(o, "reviewed",
	                       json_object_new_boolean(d->n_unreviewed == 0));
	for (int i = 0; i < d->n_unreviewed; i++)
		json_object_array_add(unreviewed,
		                      json_object_new_string(d->unreviewed[i]));
	json_object_object_add(o, "unreviewed", unreviewed);
	return o;
}

int report_record(struct report *rep, const struct record *r,
                  const struct diag_list *diags, const char *outcome,
                  const struct report_doc *docs, int n_docs, struct err *e)
{
	json_object *o = json_object_new_object();
	json_object *arr = json_object_new_array();
	int rc = 0;

	json_object_object_add(o, "id", string_or_null(r->id));
	json_object_object_add(o, "role", r->role ? json_object_new_string(
	                                               role_name(r->role)) : NULL);
	json_object_object_add(o, "lang", string_or_null(r->lang));
	json_object_object_add(o, "status", r->status ? json_object_new_string(
	                                       status_name(r->status)) : NULL);
	json_object_object_add(o, "file", printable_string(r->file));
	json_object_object_add(o, "line", json_object_new_int(r->line));
	json_object_object_add(o, "valid",
	                       json_object_new_boolean(diags->errors == 0));
	json_object_object_add(o, "outcome", json_object_new_string(outcome));
	json_object_object_add(o, "diagnostics", diagnostics_json(diags));
	for (int i = 0; i < n_docs; i++)
		json_object_array_add(arr, doc_json(&docs[i]));
	json_object_object_add(o, "documents", arr);
	if (fprintf(rep->out, "%s%s", rep->n_records ? ",\n" : "",
	            json_text(o)) < 0)
		rc = fs_err_write(e, rep->path, "write");
	rep->n_records++;
	count_outcome(rep, outcome);
	json_object_put(o);
	return rc;
}

int report_file(struct report *rep, const char *path,
                const struct diag_list *diags, int n_records, struct err *e)
{
	json_object *o = json_object_new_object();

	(void)e;
	json_object_object_add(o, "path", printable_string(path));
	json_object_object_add(o, "records", json_object_new_int(n_records));
	json_object_object_add(o, "valid",
	                       json_object_new_boolean(diags->errors == 0));
	json_object_object_add(o, "diagnostics", diagnostics_json(diags));
	json_object_array_add(rep->files, o);
	return 0;
}

static void report_free(struct report *rep)
{
	json_object_put(rep->files);
	json_object_put(rep->counts);
	free(rep->path);
	free(rep);
}

int report_close(struct report *rep, struct err *e)
{
	int rc = 0;

	fprintf(rep->out, "\n],\"files\":%s,", json_text(rep->files));
	fprintf(rep->out, "\"summary\":%s}\n", json_text(rep->counts));
	if (fflush(rep->out) != 0 || ferror(rep->out)) {
		rc = fs_err_write(e, rep->path, "write");
		fclose(rep->out);
		fs_temp_discard(rep->tmp);
	} else {
		rc = fs_commit(fileno(rep->out), rep->tmp, rep->path,
		               FS_REPLACE, e);
		fclose(rep->out);
	}
	report_free(rep);
	return rc;
}

void report_abort(struct report *rep)
{
	if (rep == NULL)
		return;
	fclose(rep->out);
	fs_temp_discard(rep->tmp);
	report_free(rep);
}
