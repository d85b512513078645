/* package.c — the per-applicant and countersigning packages of a generate
 * run (see package.h): grouping, the cover sheet, manifests, ZIPs. */
#include "package.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "digest.h"
#include "doc.h"
#include "fsutil.h"
#include "jsonb.h"
#include "layout.h"
#include "pages.h"
#include "pdf.h"
#include "zipw.h"

#define FORMAT_NAME "pactdoc-package 1"

/* A document checked and ready to pack. */
struct packed {
	const struct produced_doc *doc;
	char *src;               /* OUTDIR/relpath, owned */
	const char *base;        /* file name inside relpath */
	char sha256[65];
	size_t bytes;
};

/* A file that goes into a package, for the manifests. */
struct listed {
	char *name;              /* below the package's top folder, owned */
	char sha256[65];
};

struct pkg {
	struct zipw *z;
	char top[128];
	struct listed *files;
	size_t n, cap;
};

/* ---- names ------------------------------------------------------------ */

void package_countersign_name(const char *batch, const char *date,
                              char *buf, size_t size)
{
	size_t o = 0;

	if (size == 0)
		return;
	if (batch != NULL) {
		for (const char *p = batch; *p && o < 64 && o + 1 < size; p++) {
			char c = *p;
			int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			         (c >= '0' && c <= '9') || c == '.' || c == '_' ||
			         c == '-';
			buf[o++] = ok ? c : '-';
		}
	}
	buf[o] = '\0';
	/* A name of dots alone, or none, falls back to the date. */
	if (strspn(buf, ".") == o)
		snprintf(buf, size, "%s", date);
}

static int safe_id(const char *id)
{
	if (id == NULL || id[0] == '\0' || id[0] == '.' || strlen(id) > 100)
		return 0;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		      *p == '-'))
			return 0;
	return 1;
}

/* A relative path without '..', absolute parts, backslashes or control
 * characters. */
static int safe_relpath(const char *rel)
{
	const char *p = rel;

	if (rel == NULL || rel[0] == '\0' || rel[0] == '/' ||
	    strlen(rel) > 400)
		return 0;
	for (const unsigned char *c = (const unsigned char *)rel; *c; c++)
		if (*c < 0x20 || *c == 0x7f || *c == '\\')
			return 0;
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p += n;
		if (*p == '/')
			p++;
	}
	return 1;
}

/* ---- checking the documents ------------------------------------------- */

static int compare_packed(const void *a, const void *b)
{
	const struct packed *x = a, *y = b;
	int c = strcmp(x->doc->id, y->doc->id);

	return c != 0 ? c : strcmp(x->doc->relpath, y->doc->relpath);
}

/* Checks every document and reads its digest again. Returns the array
 * sorted by id then path (caller frees), or NULL with e set. */
static void free_packed(struct packed *p, size_t n)
{
	for (size_t i = 0; p != NULL && i < n; i++)
		free(p[i].src);
	free(p);
}

static struct packed *check_docs(const struct package_run *run,
                                 struct err *e)
{
	struct packed *p = calloc(run->n_docs ? run->n_docs : 1, sizeof *p);

	if (p == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < run->n_docs; i++) {
		const struct produced_doc *d = &run->docs[i];
		const char *slash;

		p[i].doc = d;
		if (!safe_id(d->id) || !safe_relpath(d->relpath) ||
		    d->kind == NULL || d->lang == NULL) {
			err_set(e, "package: document %zu (%s): bad id, kind or "
			        "path", i, d->relpath ? d->relpath : "?");
			goto fail;
		}
		slash = strrchr(d->relpath, '/');
		p[i].base = slash ? slash + 1 : d->relpath;
		if (asprintf(&p[i].src, "%s/%s", run->outdir, d->relpath) < 0) {
			p[i].src = NULL;
			err_set(e, "out of memory");
			goto fail;
		}
		if (digest_file(DIGEST_SHA256, p[i].src, p[i].sha256,
		                &p[i].bytes, e) != 0)
			goto fail;
		if (d->sha256[0] != '\0' && strcmp(d->sha256, p[i].sha256) != 0) {
			err_set(e, "%s: changed since it was written", p[i].src);
			goto fail;
		}
	}
	if (run->n_docs > 1)
		qsort(p, run->n_docs, sizeof *p, compare_packed);
	return p;
fail:
	free_packed(p, run->n_docs);
	return NULL;
}

/* ---- one package ------------------------------------------------------ */

static int pkg_list(struct pkg *k, const char *name, const char *sha256,
                    struct err *e)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 16;
		struct listed *nf = realloc(k->files, cap * sizeof *nf);
		if (nf == NULL)
			return err_set(e, "out of memory");
		k->files = nf;
		k->cap = cap;
	}
	if (strlen(name) >= 512)
		return err_set(e, "%s: name too long", name);
	if ((k->files[k->n].name = strdup(name)) == NULL)
		return err_set(e, "out of memory");
	memcpy(k->files[k->n].sha256, sha256, 65);
	k->n++;
	return 0;
}

/* Adds file src as TOP/name and lists it. */
static int pkg_add_file(struct pkg *k, const char *name, const char *src,
                        const char *sha256, struct err *e)
{
	char entry[1024];

	snprintf(entry, sizeof entry, "%s/%s", k->top, name);
	if (zipw_add_file(k->z, entry, src, e) != 0)
		return -1;
	return pkg_list(k, name, sha256, e);
}

/* Adds text as TOP/name; listed unless it is the manifest itself. */
static int pkg_add_text(struct pkg *k, const char *name, const char *text,
                        int list, struct err *e)
{
	char entry[1024], hex[65];
	size_t len = strlen(text);

	snprintf(entry, sizeof entry, "%s/%s", k->top, name);
	if (zipw_add_data(k->z, entry, text, len, e) != 0)
		return -1;
	if (!list)
		return 0;
	if (digest_buffer(DIGEST_SHA256, text, len, hex, e) != 0)
		return -1;
	return pkg_list(k, name, hex, e);
}

static int compare_listed(const void *a, const void *b)
{
	return strcmp(((const struct listed *)a)->name,
	              ((const struct listed *)b)->name);
}

/* Adds manifest-sha256.txt ("HEX  NAME" lines, sorted) and commits. */
static int pkg_finish(struct pkg *k, struct err *e)
{
	size_t cap = k->n * 600 + 1, o = 0;
	char *text = malloc(cap);
	int rc = -1;

	if (text == NULL)
		return err_set(e, "out of memory");
	text[0] = '\0';
	qsort(k->files, k->n, sizeof *k->files, compare_listed);
	for (size_t i = 0; i < k->n; i++)
		o += (size_t)snprintf(text + o, cap - o, "%s  %s\n",
		                      k->files[i].sha256, k->files[i].name);
	if (pkg_add_text(k, "manifest-sha256.txt", text, 0, e) != 0)
		goto cleanup;
	rc = zipw_commit(k->z, ZIPW_REPLACE, e);
	k->z = NULL;
cleanup:
	free(text);
	return rc;
}

static void pkg_clear(struct pkg *k)
{
	zipw_free(k->z);
	for (size_t i = 0; i < k->n; i++)
		free(k->files[i].name);
	free(k->files);
	memset(k, 0, sizeof *k);
}

static int pkg_start(struct pkg *k, const struct package_run *run,
                     const char *top, struct err *e)
{
	char path[4096];

	memset(k, 0, sizeof *k);
	snprintf(k->top, sizeof k->top, "%s", top);
	if ((size_t)snprintf(path, sizeof path, "%s/packages/%s.zip",
	                     run->outdir, top) >= sizeof path)
		return err_set(e, "%s: path too long", run->outdir);
	k->z = zipw_new(path, run->date, e);
	return k->z == NULL ? -1 : 0;
}

/* ---- manifest.json ---------------------------------------------------- */

static json_object *doc_json(int *failed, const struct packed *p,
                             const char *path)
{
	json_object *o = jb_object(failed);

	jb_add_str(failed, o, "path", path);
	jb_add_str(failed, o, "id", p->doc->id);
	jb_add_str(failed, o, "organisation", p->doc->org);
	jb_add_str(failed, o, "kind", p->doc->kind);
	jb_add_str(failed, o, "lang", p->doc->lang);
	jb_add_int(failed, o, "pages", p->doc->pages);
	jb_add_int(failed, o, "bytes", (int64_t)p->bytes);
	jb_add_str(failed, o, "sha256", p->sha256);
	return o;
}

static json_object *manifest_head(int *failed, const struct package_run *run,
                                  const char *kind, const char *top)
{
	json_object *o = jb_object(failed);

	jb_add_str(failed, o, "format", FORMAT_NAME);
	jb_add_str(failed, o, "package", kind);
	jb_add_str(failed, o, "name", top);
	jb_add_str(failed, o, "generator", "pactdoc " PACTDOC_VERSION);
	jb_add_str(failed, o, "date", run->date);
	jb_add_str(failed, o, "batch", run->batch);
	return o;
}

/* Adds manifest.json built from o (consumed); failed says whether building
 * o lost a value. */
static int add_manifest_json(struct pkg *k, json_object *o, int failed,
                             struct err *e)
{
	const char *text = NULL;
	char *copy;
	size_t len;
	int rc;

	if (!failed)
		text = jb_text(&failed, o, JSON_C_TO_STRING_PRETTY |
		                           JSON_C_TO_STRING_NOSLASHESCAPE);
	len = text ? strlen(text) : 0;
	copy = text ? malloc(len + 2) : NULL;
	if (copy == NULL) {
		json_object_put(o);
		return err_set(e, "out of memory");
	}
	memcpy(copy, text, len);
	copy[len] = '\n';
	copy[len + 1] = '\0';
	json_object_put(o);
	rc = pkg_add_text(k, "manifest.json", copy, 1, e);
	free(copy);
	return rc;
}

/* ---- per-applicant packages ------------------------------------------ */

static int write_applicant(const struct package_run *run,
                           const struct packed *p, size_t n, struct err *e)
{
	struct pkg k;
	json_object *o, *docs;
	int rc = -1, failed = 0;

	if (pkg_start(&k, run, p[0].doc->id, e) != 0)
		goto cleanup;
	o = manifest_head(&failed, run, "applicant", k.top);
	docs = jb_array(&failed);
	for (size_t i = 0; i < n; i++) {
		if (pkg_add_file(&k, p[i].base, p[i].src, p[i].sha256, e) != 0) {
			json_object_put(o);
			json_object_put(docs);
			goto cleanup;
		}
		jb_push(&failed, docs, doc_json(&failed, &p[i], p[i].base));
	}
	jb_add(&failed, o, "documents", docs);
	if (add_manifest_json(&k, o, failed, e) != 0 || pkg_finish(&k, e) != 0)
		goto cleanup;
	rc = 0;
cleanup:
	pkg_clear(&k);
	return rc;
}

/* ---- the cover sheet -------------------------------------------------- */

static const double cover_widths[] = { 0.17, 0.24, 0.28, 0.08, 0.23 };

static int add_text_block(struct doc *d, enum block_kind kind,
                          const char *label, const char *text)
{
	struct block *b = doc_add_block(d, kind);

	if (b == NULL)
		return -1;
	b->text = strdup(text);
	b->label = label ? strdup(label) : NULL;
	return b->text == NULL || (label && b->label == NULL) ? -1 : 0;
}

static int add_row(struct doc *d, const char *const cells[5], int header)
{
	struct block *b = doc_add_block(d, BLOCK_TABLE_ROW);

	if (b == NULL || (b->cells = calloc(5, sizeof *b->cells)) == NULL)
		return -1;
	b->col_widths = cover_widths;
	b->header = header;
	for (int i = 0; i < 5; i++) {
		if ((b->cells[i] = strdup(cells[i])) == NULL)
			return -1;
		b->n_cells = i + 1;
	}
	return 0;
}

/* The SHA-256 as four groups of 16, so that a narrow column wraps it. */
static void grouped_hex(const char *hex, char *out)
{
	for (int g = 0; g < 4; g++) {
		memcpy(out + g * 17, hex + g * 16, 16);
		out[g * 17 + 16] = g < 3 ? ' ' : '\0';
	}
}

static int build_cover(const struct package_run *run, const char *top,
                       const struct packed *const *agr, size_t n,
                       struct doc *d)
{
	static const char *const head[5] = {
		"Applicant", "Organisation", "Document", "Pages", "SHA-256"
	};
	const struct person *cs = run->countersignatory;
	char buf[1024];

	if ((d->lang = strdup("en")) == NULL ||
	    (d->page_format = strdup("Page {page} of {pages}")) == NULL)
		return -1;
	snprintf(buf, sizeof buf, "%s · %s", top, run->date);
	if ((d->footer = strdup(buf)) == NULL)
		return -1;
	snprintf(buf, sizeof buf, "Countersigning package %s", top);
	if ((d->title = strdup(buf)) == NULL ||
	    (d->author = strdup("pactdoc")) == NULL ||
	    (d->subject = strdup("Agreement forms for countersigning")) == NULL)
		return -1;
	if (add_text_block(d, BLOCK_TITLE, NULL, "Countersigning package") ||
	    add_text_block(d, BLOCK_SUBTITLE, NULL,
	                   "Covenant of Mayors for Climate & Energy") ||
	    add_text_block(d, BLOCK_FIELD, "Batch",
	                   run->batch ? run->batch : "(none)") ||
	    add_text_block(d, BLOCK_FIELD, "Date", run->date))
		return -1;
	if (cs != NULL && cs->name != NULL)
		snprintf(buf, sizeof buf, "%s%s%s", cs->name,
		         cs->position ? ", " : "",
		         cs->position ? cs->position : "");
	else
		snprintf(buf, sizeof buf, "the representative of the European "
		         "Commission");
	if (add_text_block(d, BLOCK_FIELD, "Countersignatory", buf))
		return -1;
	snprintf(buf, sizeof buf, "%zu", n);
	if (add_text_block(d, BLOCK_FIELD, "Agreement forms", buf))
		return -1;
	snprintf(buf, sizeof buf, "%s.zip", top);
	if (add_text_block(d, BLOCK_FIELD, "Package", buf) ||
	    add_text_block(d, BLOCK_HEADING, NULL, "Agreement forms") ||
	    add_row(d, head, 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		char pages[16], hex[72];
		const char *cells[5];
		snprintf(pages, sizeof pages, "%d", agr[i]->doc->pages);
		grouped_hex(agr[i]->sha256, hex);
		cells[0] = agr[i]->doc->id;
		cells[1] = agr[i]->doc->org ? agr[i]->doc->org : "";
		cells[2] = agr[i]->base;
		cells[3] = pages;
		cells[4] = hex;
		if (add_row(d, cells, 0))
			return -1;
	}
	if (doc_add_block(d, BLOCK_SPACE) == NULL)
		return -1;
	d->blocks[d->n_blocks - 1].space = 12;
	return add_text_block(d, BLOCK_PARAGRAPH, NULL,
	                      "Each agreement form is in agreements/ of this "
	                      "package; manifest-sha256.txt lists the SHA-256 "
	                      "of every file, and \"pactdoc verify\" checks "
	                      "them.");
}

/* Lays out and writes the cover sheet to path. */
static int write_cover(const struct package_run *run, const char *top,
                       const struct packed *const *agr, size_t n,
                       const char *path, struct pdf_result *res,
                       struct err *e)
{
	struct doc d = { 0 };
	struct pages pg = { 0 };
	struct pdf_meta meta;
	int rc = -1;

	if (run->fonts == NULL) {
		err_set(e, "package: no fonts for the cover sheet");
		goto cleanup;
	}
	if (build_cover(run, top, agr, n, &d) != 0) {
		err_set(e, "package: out of memory");
		goto cleanup;
	}
	if (layout_doc(&d, run->fonts, &pg, e) != 0)
		goto cleanup;
	meta.title = d.title;
	meta.author = d.author;
	meta.subject = d.subject;
	meta.creator = "pactdoc " PACTDOC_VERSION;
	meta.lang = d.lang;
	meta.date = run->date;
	rc = pdf_write(run->fonts, &pg, &meta, path, res, e);
cleanup:
	pages_clear(&pg);
	doc_clear(&d);
	return rc;
}

/* ---- the countersigning package --------------------------------------- */

static int write_countersign(const struct package_run *run,
                             const struct packed *p, size_t n,
                             struct err *e)
{
	const struct packed **agr = calloc(n ? n : 1, sizeof *agr);
	char name[96], top[128], cover[4096], rel[600];
	struct pdf_result res;
	struct pkg k = { 0 };
	json_object *o = NULL, *docs, *cj;
	size_t na = 0;
	int rc = -1, have_cover = 0, failed = 0;

	if (agr == NULL)
		return err_set(e, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].doc->kind, "agreement") == 0)
			agr[na++] = &p[i];
	if (na == 0) {
		rc = 0;
		goto cleanup;
	}
	package_countersign_name(run->batch, run->date, name, sizeof name);
	snprintf(top, sizeof top, "countersign-%s", name);
	snprintf(cover, sizeof cover, "%s/packages/.%s.cover-sheet.pdf",
	         run->outdir, top);
	if (write_cover(run, top, agr, na, cover, &res, e) != 0)
		goto cleanup;
	have_cover = 1;
	if (pkg_start(&k, run, top, e) != 0 ||
	    pkg_add_file(&k, "cover-sheet.pdf", cover, res.sha256, e) != 0)
		goto cleanup;
	o = manifest_head(&failed, run, "countersign", top);
	if (run->countersignatory != NULL &&
	    run->countersignatory->name != NULL) {
		json_object *cs = jb_object(&failed);
		jb_add_str(&failed, cs, "name", run->countersignatory->name);
		jb_add_str(&failed, cs, "position",
		           run->countersignatory->position);
		jb_add(&failed, o, "countersignatory", cs);
	} else {
		jb_add_str(&failed, o, "countersignatory", NULL);
	}
	cj = jb_object(&failed);
	jb_add_str(&failed, cj, "path", "cover-sheet.pdf");
	jb_add_int(&failed, cj, "pages", res.pages);
	jb_add_int(&failed, cj, "bytes", (int64_t)res.bytes);
	jb_add_str(&failed, cj, "sha256", res.sha256);
	jb_add(&failed, o, "cover_sheet", cj);
	docs = jb_array(&failed);
	json_object_get(docs);
	jb_add(&failed, o, "documents", docs);
	for (size_t i = 0; i < na; i++) {
		snprintf(rel, sizeof rel, "agreements/%s", agr[i]->base);
		if (pkg_add_file(&k, rel, agr[i]->src, agr[i]->sha256, e) != 0) {
			json_object_put(docs);
			goto cleanup;
		}
		jb_push(&failed, docs, doc_json(&failed, agr[i], rel));
	}
	json_object_put(docs);
	rc = add_manifest_json(&k, o, failed, e);
	o = NULL;
	if (rc == 0)
		rc = pkg_finish(&k, e);
cleanup:
	json_object_put(o);
	pkg_clear(&k);
	if (have_cover)
		unlink(cover);
	free(agr);
	return rc;
}

int package_write(const struct package_run *run, struct err *e)
{
	struct packed *p = NULL;
	char dir[4096];
	int rc = -1;

	if (run->n_docs == 0)
		return 0;
	if ((size_t)snprintf(dir, sizeof dir, "%s/packages", run->outdir) >=
	    sizeof dir)
		return err_set(e, "%s: path too long", run->outdir);
	p = check_docs(run, e);
	if (p == NULL)
		return -1;
	if (fs_mkdirs(dir, e) != 0)
		goto cleanup;
	for (size_t i = 0, j; i < run->n_docs; i = j) {
		for (j = i + 1; j < run->n_docs &&
		     strcmp(p[j].doc->id, p[i].doc->id) == 0; j++)
			;
		if (write_applicant(run, &p[i], j - i, e) != 0)
			goto cleanup;
	}
	rc = write_countersign(run, p, run->n_docs, e);
cleanup:
	free_packed(p, run->n_docs);
	return rc;
}
