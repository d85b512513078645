/* report.c — the JSON run report, streamed with json-c (see report.h). */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "fsutil.h"
#include "jsonb.h"

struct report {
	char *path;
	char tmp[4096];
	FILE *out;
	int n_records;          /* written so far (for the commas) */
	json_object *files;     /* small: one entry per input file */
	json_object *counts;    /* outcome -> number */
	int failed;             /* memory ran out building files or counts */
};

/* A path or value as valid UTF-8 for JSON: file names can hold any bytes. */
static void add_printable(int *failed, json_object *o, const char *key,
                          const char *s)
{
	char buf[4096];

	jb_add_str(failed, o, key, diag_printable(s, buf, sizeof buf));
}

static json_object *diagnostics_json(int *failed, const struct diag_list *diags)
{
	json_object *arr = jb_array(failed);

	for (int i = 0; diags != NULL && i < diags->n && !*failed; i++) {
		const struct diag *d = &diags->items[i];
		json_object *o = jb_object(failed);
		jb_add_str(failed, o, "file", d->file);
		jb_add_int(failed, o, "line", d->line);
		jb_add_int(failed, o, "column", d->col > 0 ? d->col : 1);
		jb_add_str(failed, o, "severity", severity_name(d->severity));
		jb_add_str(failed, o, "rule", d->rule);
		jb_add_str(failed, o, "message", d->message);
		jb_push(failed, arr, o);
	}
	return arr;
}

static const char *json_text(int *failed, json_object *o)
{
	return jb_text(failed, o, JSON_C_TO_STRING_PLAIN |
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
	json_object *in = NULL, *holder;
	const char *text;
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
			err_sys(e, "%s", path);   /* ENOMEM: no FILE */
			close(fd);
			fs_temp_discard(rep->tmp);
		}
		free(rep->path);
		free(rep);
		return NULL;
	}
	fchmod(fd, 0644);
	rep->files = jb_array(&rep->failed);
	rep->counts = jb_object(&rep->failed);
	in = jb_object(&rep->failed);
	holder = jb_array(&rep->failed);
	jb_add(&rep->failed, in, "inputs", holder);
	for (int i = 0; i < n_inputs && !rep->failed; i++) {
		char buf[4096];
		jb_push(&rep->failed, holder, json_object_new_string(
		            diag_printable(inputs[i], buf, sizeof buf)));
	}
	text = rep->failed ? NULL : json_text(&rep->failed, holder);
	if (text == NULL) {
		json_object_put(in);
		err_set(e, "%s: out of memory", path);
		report_abort(rep);
		return NULL;
	}
	fprintf(rep->out, "{\"tool\":\"pactdoc\",\"version\":\"%s\","
	        "\"command\":\"%s\",\"date\":\"%s\",\"inputs\":%s,"
	        "\"records\":[\n", PACTDOC_VERSION, command, date, text);
	json_object_put(in);
	return rep;
}

static void count_outcome(struct report *rep, const char *outcome)
{
	json_object *n = NULL;
	int v = 0;

	if (rep->counts == NULL) {
		rep->failed = 1;
		return;
	}
	if (json_object_object_get_ex(rep->counts, outcome, &n))
		v = json_object_get_int(n);
	jb_add_int(&rep->failed, rep->counts, outcome, v + 1);
}

static json_object *doc_json(int *failed, const struct report_doc *d)
{
	json_object *o = jb_object(failed);
	json_object *missing = jb_array(failed);
	json_object *unreviewed = jb_array(failed);

	jb_add_str(failed, o, "kind", d->kind);
	add_printable(failed, o, "path", d->path);
	jb_add_str(failed, o, "sha256", d->sha256);
	jb_add_int(failed, o, "pages", d->pages);
	jb_add_int(failed, o, "bytes", (int64_t)d->bytes);
	jb_add_str(failed, o, "lang", d->lang);
	jb_add_str(failed, o, "fallback", d->fallback);
	for (int i = 0; i < d->n_missing && !*failed; i++)
		jb_push(failed, missing, json_object_new_string(d->missing[i]));
	jb_add(failed, o, "missing_messages", missing);
	jb_add(failed, o, "reviewed",
	       json_object_new_boolean(d->n_unreviewed == 0));
	for (int i = 0; i < d->n_unreviewed && !*failed; i++)
		jb_push(failed, unreviewed,
		        json_object_new_string(d->unreviewed[i]));
	jb_add(failed, o, "unreviewed", unreviewed);
	return o;
}

int report_record(struct report *rep, const struct record *r,
                  const struct diag_list *diags, const char *outcome,
                  const struct report_doc *docs, int n_docs, struct err *e)
{
	int failed = 0;
	json_object *o = jb_object(&failed);
	json_object *arr = jb_array(&failed);
	const char *text = NULL;
	int rc = 0;

	jb_add_str(&failed, o, "id", r->id);
	jb_add_str(&failed, o, "role", r->role ? role_name(r->role) : NULL);
	jb_add_str(&failed, o, "lang", r->lang);
	jb_add_str(&failed, o, "status", r->status ? status_name(r->status) : NULL);
	add_printable(&failed, o, "file", r->file);
	jb_add_int(&failed, o, "line", r->line);
	jb_add(&failed, o, "valid", json_object_new_boolean(diags->errors == 0));
	jb_add_str(&failed, o, "outcome", outcome);
	jb_add(&failed, o, "diagnostics", diagnostics_json(&failed, diags));
	for (int i = 0; i < n_docs && !failed; i++)
		jb_push(&failed, arr, doc_json(&failed, &docs[i]));
	jb_add(&failed, o, "documents", arr);
	if (!failed)
		text = json_text(&failed, o);
	if (failed) {
		rep->failed = 1;
		rc = err_set(e, "%s: out of memory", rep->path);
	} else if (fprintf(rep->out, "%s%s", rep->n_records ? ",\n" : "",
	                   text) < 0) {
		rc = fs_err_write(e, rep->path, "write");
	}
	rep->n_records++;
	count_outcome(rep, outcome);
	json_object_put(o);
	return rc;
}

int report_file(struct report *rep, const char *path,
                const struct diag_list *diags, int n_records, struct err *e)
{
	int failed = 0;
	json_object *o = jb_object(&failed);

	add_printable(&failed, o, "path", path);
	jb_add_int(&failed, o, "records", n_records);
	jb_add(&failed, o, "valid", json_object_new_boolean(diags->errors == 0));
	jb_add(&failed, o, "diagnostics", diagnostics_json(&failed, diags));
	if (failed) {
		json_object_put(o);
		rep->failed = 1;
		return err_set(e, "%s: out of memory", rep->path);
	}
	jb_push(&rep->failed, rep->files, o);
	return rep->failed ? err_set(e, "%s: out of memory", rep->path) : 0;
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
	const char *files = NULL, *counts = NULL;
	int rc = 0;

	if (!rep->failed)
		files = json_text(&rep->failed, rep->files);
	if (!rep->failed)
		fprintf(rep->out, "\n],\"files\":%s,", files);
	if (!rep->failed)
		counts = json_text(&rep->failed, rep->counts);
	if (!rep->failed)
		fprintf(rep->out, "\"summary\":%s}\n", counts);
	if (rep->failed) {
		rc = err_set(e, "%s: out of memory", rep->path);
		fclose(rep->out);
		fs_temp_discard(rep->tmp);
	} else if (fflush(rep->out) != 0 || ferror(rep->out)) {
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
