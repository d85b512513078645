/* produce.c — from one validated record to its PDF documents (see
 * produce.h): compose -> layout -> pdf per form. */
#include "produce.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>

#include "array.h"
#include "compose.h"
#include "fsutil.h"
#include "layout.h"

/* Appends "file/unit" of each message of list to *out (*n entries, room
 * for *cap), skipping those already there. Returns 0, or -1 out of
 * memory. */
static int add_units(char ***out, int *n, int *cap,
                     const struct compose_fallback *list, int n_list)
{
	for (int i = 0; i < n_list; i++) {
		char *s = fs_path_join(list[i].file, list[i].unit), **grown;
		int seen = 0;

		if (s == NULL)
			return -1;
		for (int j = 0; j < *n && !seen; j++)
			seen = strcmp((*out)[j], s) == 0;
		if (seen) {
			free(s);
			continue;
		}
		if ((grown = array_reserve_int(*out, sizeof *grown, *n, 1,
		                               cap)) == NULL) {
			free(s);
			return -1;
		}
		*out = grown;
		(*out)[(*n)++] = s;
	}
	return 0;
}

/* Notes the language used, the fallbacks and the unreviewed messages of
 * one document. */
static int note_languages(struct produced_file *f, const struct catalog *c,
                          const struct record *r,
                          const struct compose_info *info)
{
	f->lang = info->lang;
	if (info->lang_fallback &&
	    (f->fallback = catalog_chain(c, r->lang)) == NULL)
		return -1;
	if (add_units(&f->unreviewed, &f->n_unreviewed, &f->cap_unreviewed,
	              info->unreviewed, info->n_unreviewed) != 0)
		return -1;
	if (info->n_fallbacks == 0)
		return 0;
	f->missing = calloc((size_t)info->n_fallbacks, sizeof *f->missing);
	if (f->missing == NULL)
		return -1;
	for (int i = 0; i < info->n_fallbacks; i++) {
		const struct compose_fallback *fb = &info->fallbacks[i];
		size_t n = strlen(fb->file) + strlen(fb->unit) + 2;
		if ((f->missing[i] = malloc(n)) == NULL)
			return -1;
		snprintf(f->missing[i], n, "%s/%s", fb->file, fb->unit);
		f->n_missing++;
	}
	return 0;
}

/* Composes, lays out and writes one document of form f. */
static int produce_one(const struct producer *p, const struct form *f,
                       const struct record *r, const struct batch *b,
                       struct produced_file *out,
                       struct err *e)
{
	struct compose_info info = { 0 };
	struct doc doc = { 0 };
	struct pages pages = { 0 };
	struct pdf_meta meta;
	size_t size;
	char *name = NULL;
	int rc = -1;

	if (compose_doc(f, p->catalog, r, b, p->date, &doc, &info, e) != 0)
		goto cleanup;
	out->kind = f->kind;
	out->countersign_folder = f->countersign_folder;
	if (note_languages(out, p->catalog, r, &info) != 0) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	size = 2 * strlen(r->id) + strlen(f->kind) + strlen(out->lang) + 8;
	if ((name = malloc(size)) == NULL) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	snprintf(name, size, "%s/%s-%s-%s.pdf", r->id, r->id, f->kind,
	         out->lang);
	out->relpath = name;
	out->path = fs_path_join(p->outdir, name);
	if (out->path == NULL) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	if (layout_doc(&doc, p->fonts, &pages, e) != 0)
		goto cleanup;
	meta = (struct pdf_meta){ doc.title, doc.author, doc.subject,
	                          "pactdoc " PACTDOC_VERSION, doc.lang, p->date };
	rc = pdf_write(p->fonts, &pages, &meta, out->path, &out->pdf, e);
cleanup:
	pages_clear(&pages);
	doc_clear(&doc);
	compose_info_clear(&info);
	return rc;
}

/* --require-reviewed: composes every document of the record (nothing
 * is laid out or written) and collects its unreviewed messages into out.
 * Returns 0, or -1 with e set. */
static int check_reviewed(const struct producer *p, const struct form **forms,
                          int n, const struct record *r,
                          const struct batch *b, struct production *out,
                          struct err *e)
{
	for (int i = 0; i < n; i++) {
		struct compose_info info = { 0 };
		struct doc doc = { 0 };
		int rc;

		if (compose_doc(forms[i], p->catalog, r, b, p->date, &doc, &info,
		                e) != 0)
			return -1;
		out->lang = info.lang;
		rc = add_units(&out->unreviewed, &out->n_unreviewed,
		               &out->cap_unreviewed, info.unreviewed,
		               info.n_unreviewed);
		doc_clear(&doc);
		compose_info_clear(&info);
		if (rc != 0)
			return err_set(e, "out of memory");
	}
	out->refused = out->n_unreviewed > 0;
	return 0;
}

/* The documents of one record being made, one task per form. */
struct record_work {
	const struct producer *p;
	const struct form **forms;
	const struct record *r;
	const struct batch *b;
	struct production *out;
	int rc[PRODUCE_MAX_FILES];
	struct err errs[PRODUCE_MAX_FILES];
};

/* A pipeline_parallel task: the document of form i. */
static void produce_task(void *arg, int i)
{
	struct record_work *w = arg;

	w->rc[i] = produce_one(w->p, w->forms[i], w->r, w->b,
	                       &w->out->files[i], &w->errs[i]);
}

int produce_record(const struct producer *p, const struct record *r,
                   const struct batch *b, struct production *out,
                   struct err *e)
{
	const struct form *forms[PRODUCE_MAX_FILES];
	int n = form_set_for_role(p->forms, r->role, forms, PRODUCE_MAX_FILES);
	struct record_work *w;
	char *dir;

	memset(out, 0, sizeof *out);
	if (n > PRODUCE_MAX_FILES)
		n = PRODUCE_MAX_FILES;
	if (n == 0)
		return err_set(e, "record %s: no form for role %s", r->id,
		               role_name(r->role));
	if (p->require_reviewed &&
	    (check_reviewed(p, forms, n, r, b, out, e) != 0 || out->refused))
		return out->refused ? 0 : -1;
	dir = fs_path_join(p->outdir, r->id);
	if (dir == NULL)
		return err_set(e, "out of memory");
	if (fs_mkdirs(dir, e) != 0) {
		free(dir);
		return -1;
	}
	free(dir);
	if ((w = malloc(sizeof *w)) == NULL)
		return err_set(e, "out of memory");
	*w = (struct record_work){ .p = p, .forms = forms, .r = r, .b = b,
	                           .out = out };
	/* Documents are independent files: any may be written while another
	 * fails. The record's error is that of its first failed form. */
	pipeline_parallel(p->helpers, n, produce_task, w);
	out->n_files = n;
	for (int i = 0; i < n; i++)
		if (w->rc[i] != 0) {
			err_set(e, "%s", w->errs[i].msg);
			free(w);
			return -1;
		}
	free(w);
	return 0;
}

enum produce_action produce_decide(const struct record *r,
                                   const struct diag_list *diags)
{
	if (diags->errors)
		return PRODUCE_REJECT;
	if (r->status != STATUS_ELIGIBLE)
		return PRODUCE_SKIP;
	return PRODUCE_WRITE;
}

int production_docs(const struct production *out, const struct record *r,
                    struct produced_doc *docs)
{
	for (int i = 0; i < out->n_files; i++) {
		const struct produced_file *f = &out->files[i];
		docs[i] = (struct produced_doc){
			.id = r->id, .org = r->org_name, .kind = f->kind,
			.lang = f->lang, .relpath = f->relpath,
			.countersign_folder = f->countersign_folder,
			.pages = f->pdf.pages, .bytes = f->pdf.bytes,
		};
		memcpy(docs[i].sha256, f->pdf.sha256, sizeof docs[i].sha256);
	}
	return out->n_files;
}

/* The cover sheet's table rows for c (caller frees the array). */
static struct cover_row *cover_rows(const struct package_cover *c)
{
	struct cover_row *rows = calloc(c->n ? c->n : 1, sizeof *rows);

	for (size_t i = 0; rows != NULL && i < c->n; i++) {
		const struct produced_doc *d = &c->docs[i];
		const char *slash = strrchr(d->relpath, '/');
		rows[i] = (struct cover_row){ d->id, d->org,
		                              slash ? slash + 1 : d->relpath,
		                              d->sha256, d->pages };
	}
	return rows;
}

int produce_cover(void *ctx, const struct package_cover *c,
                  struct produced_doc *out, struct err *e)
{
	const struct producer *p = ctx;
	const struct form *f = form_set_cover(p->forms);
	struct cover_data cv = { c->lang, c->batch, c->countersignatory,
	                         c->file, c->part, c->parts, NULL, c->n,
	                         c->positions, c->n_positions };
	struct doc doc = { 0 };
	struct pages pages = { 0 };
	struct pdf_result res;
	struct pdf_meta meta;
	int rc = -1;

	if (f == NULL)
		return err_set(e, "no cover sheet form (purpose=\"countersign-"
		               "cover\") in the forms");
	if ((cv.rows = cover_rows(c)) == NULL)
		return err_set(e, "out of memory");
	if (compose_cover(f, p->catalog, &cv, p->date, &doc, NULL, e) != 0 ||
	    layout_doc(&doc, p->fonts, &pages, e) != 0)
		goto cleanup;
	meta = (struct pdf_meta){ doc.title, doc.author, doc.subject,
	                          "pactdoc " PACTDOC_VERSION, doc.lang, p->date };
	if (pdf_write(p->fonts, &pages, &meta, c->path, &res, e) != 0)
		goto cleanup;
	memcpy(out->sha256, res.sha256, sizeof out->sha256);
	out->pages = res.pages;
	out->bytes = res.bytes;
	rc = 0;
cleanup:
	pages_clear(&pages);
	doc_clear(&doc);
	free((void *)cv.rows);
	return rc;
}

void production_discard(struct production *out)
{
	for (int i = 0; i < out->n_files; i++)
		if (out->files[i].path != NULL && out->files[i].pdf.bytes > 0)
			unlink(out->files[i].path);
	production_clear(out);
}

void production_clear(struct production *out)
{
	for (int i = 0; i < out->n_files; i++) {
		struct produced_file *f = &out->files[i];
		free(f->path);
		free(f->relpath);
		free(f->fallback);
		for (int j = 0; j < f->n_missing; j++)
			free(f->missing[j]);
		free(f->missing);
		for (int j = 0; j < f->n_unreviewed; j++)
			free(f->unreviewed[j]);
		free(f->unreviewed);
	}
	for (int j = 0; j < out->n_unreviewed; j++)
		free(out->unreviewed[j]);
	free(out->unreviewed);
	memset(out, 0, sizeof *out);
}
