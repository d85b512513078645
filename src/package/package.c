/* package.c — the per-applicant and countersigning packages of a generate
 * run (see package.h): checking documents, manifests, ZIPs, and the list
 * of countersigned documents kept on disk until the end of the run. */
#include "package.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#include <json-c/json.h>

#include "array.h"
#include "digest.h"
#include "fsutil.h"
#include "jsonb.h"
#include "oom.h"
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

struct packager {
	char *outdir;
	char *date;
	char *batch;             /* shared by every file so far; NULL: none */
	int mixed_batches;
	struct batch cs;         /* a copy of the first batch naming a
	                            countersignatory (name, positions) */
	int has_cs;
	char *lang;              /* shared by every countersigned document */
	int mixed_langs;
	FILE *list;              /* the countersigned documents (tmpfile) */
	size_t n_listed;
	int have_dir;
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

/* A relative path that is safe to name an entry (fsutil_unsafe_name: no
 * '..', absolute parts, backslashes or control characters), of at most
 * 400 bytes. */
static int safe_relpath(const char *rel)
{
	return rel != NULL && strlen(rel) <= 400 &&
	       fsutil_unsafe_name(rel) == NULL;
}

/* ---- checking the documents ------------------------------------------- */

static int compare_packed(const void *a, const void *b)
{
	const struct packed *x = a, *y = b;
	int c = strcmp(x->doc->id, y->doc->id);

	return c != 0 ? c : strcmp(x->doc->relpath, y->doc->relpath);
}

static void free_packed(struct packed *p, size_t n)
{
	for (size_t i = 0; p != NULL && i < n; i++)
		free(p[i].src);
	free(p);
}

/* Checks one document's names and reads its digest again into p. */
static int check_doc(const char *outdir, const struct produced_doc *d,
                     struct packed *p, struct err *e)
{
	const char *slash;

	p->doc = d;
	if (!safe_id(d->id) || !safe_relpath(d->relpath) ||
	    d->kind == NULL || d->lang == NULL ||
	    (d->countersign_folder != NULL && !safe_id(d->countersign_folder)))
		return err_set(e, "package: document %s: bad id, kind, folder "
		               "or path", d->relpath ? d->relpath : "?");
	slash = strrchr(d->relpath, '/');
	p->base = slash ? slash + 1 : d->relpath;
	if (asprintf(&p->src, "%s/%s", outdir, d->relpath) < 0) {
		p->src = NULL;
		return err_set(e, "out of memory");
	}
	if (digest_file(DIGEST_SHA256, p->src, p->sha256, &p->bytes, e) != 0)
		return -1;
	if (d->sha256[0] != '\0' && strcmp(d->sha256, p->sha256) != 0)
		return err_set(e, "%s: changed since it was written", p->src);
	return 0;
}

/* Checks every document and reads its digest again. Returns the array
 * sorted by id then path (caller frees with free_packed), or NULL with e
 * set. */
static struct packed *check_docs(const char *outdir,
                                 const struct produced_doc *docs, size_t n,
                                 struct err *e)
{
	struct packed *p = calloc(n ? n : 1, sizeof *p);

	if (p == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (check_doc(outdir, &docs[i], &p[i], e) != 0) {
			free_packed(p, n);
			return NULL;
		}
	if (n > 1)
		qsort(p, n, sizeof *p, compare_packed);
	return p;
}

/* ---- one package ------------------------------------------------------ */

/* Lists name, with its SHA-256 (64 hex digits), in k's manifest.
 * Returns 0, or -1 with e set (a name of 512 bytes or more, out of
 * memory). */
static int pkg_list(struct pkg *k, const char *name, const char *sha256,
                    struct err *e)
{
	struct listed *nf;

	if ((nf = array_reserve(k->files, sizeof *nf, k->n, 1, &k->cap)) == NULL)
		return err_set(e, "out of memory");
	k->files = nf;
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
	/* A library that ran out of memory on the way (libzip, libcrypto,
	 * or libharu and ICU for a cover sheet) may have recovered quietly:
	 * the package is not written (see oom_enter). */
	if (oom_seen()) {
		err_set(e, "out of memory");
		goto cleanup;
	}
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

static int pkg_start(struct pkg *k, const struct packager *pk,
                     const char *top, struct err *e)
{
	char path[4096];

	memset(k, 0, sizeof *k);
	snprintf(k->top, sizeof k->top, "%s", top);
	if ((size_t)snprintf(path, sizeof path, "%s/packages/%s.zip",
	                     pk->outdir, top) >= sizeof path)
		return err_set(e, "%s: path too long", pk->outdir);
	k->z = zipw_new(path, pk->date, e);
	return k->z == NULL ? -1 : 0;
}

/* ---- manifest.json ---------------------------------------------------- */

static json_object *json_str(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

/* Adds key: val to o; val NULL is a JSON null when allowed (only for a
 * value absent by design: a value that could not be made is NULL too,
 * see put_text). Returns 0, or -1 when an object could not be made (val
 * is released). */
static int put(json_object *o, const char *key, json_object *val,
               int null_ok)
{
	if (o == NULL || (val == NULL && !null_ok) ||
	    json_object_object_add(o, key, val) != 0) {
		json_object_put(val);
		return -1;
	}
	return 0;
}

/* Adds key: s to o, JSON null when s is NULL. Returns 0, or -1 when the
 * string could not be made. */
static int put_text(json_object *o, const char *key, const char *s)
{
	json_object *v = NULL;

	if (s != NULL && (v = json_object_new_string(s)) == NULL)
		return -1;
	return put(o, key, v, 1);
}

/* One document's manifest entry, or NULL when out of memory. */
static json_object *doc_json(const struct produced_doc *d, const char *path,
                             const char *sha256, size_t bytes)
{
	json_object *o = json_object_new_object();

	if (put(o, "path", json_str(path), 0) ||
	    put(o, "id", json_str(d->id), 0) ||
	    put_text(o, "organisation", d->org) ||
	    put(o, "kind", json_str(d->kind), 0) ||
	    put(o, "lang", json_str(d->lang), 0) ||
	    put(o, "pages", json_object_new_int(d->pages), 0) ||
	    put(o, "bytes", json_object_new_int64((int64_t)bytes), 0) ||
	    put(o, "sha256", json_str(sha256), 0)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* Appends doc (consumed) to array a. */
static int append(json_object *a, json_object *doc)
{
	if (a == NULL || doc == NULL || json_object_array_add(a, doc) != 0) {
		json_object_put(doc);
		return -1;
	}
	return 0;
}

static json_object *manifest_head(const struct packager *pk,
                                  const char *kind, const char *top,
                                  const char *batch)
{
	json_object *o = json_object_new_object();

	if (put(o, "format", json_str(FORMAT_NAME), 0) ||
	    put(o, "package", json_str(kind), 0) ||
	    put(o, "name", json_str(top), 0) ||
	    put(o, "generator", json_str("pactdoc " PACTDOC_VERSION), 0) ||
	    put(o, "date", json_str(pk->date), 0) ||
	    put_text(o, "batch", batch)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* Adds manifest.json built from o (consumed). */
static int add_manifest_json(struct pkg *k, json_object *o, struct err *e)
{
	const char *text;
	char *copy;
	size_t len;
	int rc, failed = 0;

	if (o == NULL)
		return err_set(e, "out of memory");
	/* jb_text: json-c leaves out what it could not append, silently. */
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

/* Puts the "documents" array docs into the manifest o, adds
 * manifest.json and manifest-sha256.txt and writes the package. Consumes
 * o and docs whatever the outcome. Returns 0, or -1 with e set. */
static int pkg_close(struct pkg *k, json_object *o, json_object *docs,
                     struct err *e)
{
	if (put(o, "documents", docs, 0) != 0) {
		json_object_put(o);
		return err_set(e, "out of memory");
	}
	if (add_manifest_json(k, o, e) != 0)
		return -1;
	return pkg_finish(k, e);
}

/* Adds document p to package k under `name` and its row to docs (the
 * manifest's "documents"). Returns 0, or -1 with e set. */
static int pkg_add_doc(struct pkg *k, json_object *docs,
                       const struct packed *p, const char *name,
                       struct err *e)
{
	if (pkg_add_file(k, name, p->src, p->sha256, e) != 0)
		return -1;
	if (append(docs, doc_json(p->doc, name, p->sha256, p->bytes)) != 0)
		return err_set(e, "out of memory");
	return 0;
}

/* ---- per-applicant packages ------------------------------------------ */

static int write_applicant(const struct packager *pk, const struct packed *p,
                           size_t n, const char *batch, struct err *e)
{
	struct pkg k;
	json_object *o = NULL, *docs = NULL;
	int rc = -1;

	if (pkg_start(&k, pk, p[0].doc->id, e) != 0)
		goto cleanup;
	o = manifest_head(pk, "applicant", k.top, batch);
	docs = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		if (pkg_add_doc(&k, docs, &p[i], p[i].base, e) != 0)
			goto cleanup;
	rc = pkg_close(&k, o, docs, e);
	o = docs = NULL;
cleanup:
	json_object_put(docs);
	json_object_put(o);
	pkg_clear(&k);
	return rc;
}

/* ---- the list of countersigned documents, on disk --------------------- */

/* Writes s (may be NULL) as a 4-byte length and its bytes. Returns 0, or
 * -1 on a write error. */
static int put_str(FILE *f, const char *s)
{
	uint32_t len = s ? (uint32_t)strlen(s) : UINT32_MAX;

	if (fwrite(&len, sizeof len, 1, f) != 1)
		return -1;
	return s == NULL || len == 0 || fwrite(s, len, 1, f) == 1 ? 0 : -1;
}

/* A string written by put_str, as a new string (*s NULL for NULL).
 * Returns 0, -1 on a read error, or -2 when out of memory. */
static int get_str(FILE *f, char **s)
{
	uint32_t len;

	*s = NULL;
	if (fread(&len, sizeof len, 1, f) != 1)
		return -1;
	if (len == UINT32_MAX)
		return 0;
	if (len > (1u << 20))
		return -1;
	if ((*s = malloc((size_t)len + 1)) == NULL)
		return -2;
	if (len > 0 && fread(*s, len, 1, f) != 1)
		return -1;
	(*s)[len] = '\0';
	return 0;
}

/* Appends a checked document to the list on disk (created on first use)
 * and notes whether every listed document shares one language. Returns
 * 0, or -1 with e set. */
static int list_doc(struct packager *pk, const struct packed *p,
                    struct err *e)
{
	const struct produced_doc *d = p->doc;
	uint64_t bytes = p->bytes;
	int32_t pages = d->pages;

	if (pk->list == NULL && (pk->list = tmpfile()) == NULL)
		return err_set(e, "cannot create a temporary file: %s",
		               strerror(errno));
	if (put_str(pk->list, d->id) || put_str(pk->list, d->org) ||
	    put_str(pk->list, d->kind) || put_str(pk->list, d->lang) ||
	    put_str(pk->list, d->relpath) ||
	    put_str(pk->list, d->countersign_folder) ||
	    fwrite(p->sha256, 64, 1, pk->list) != 1 ||
	    fwrite(&pages, sizeof pages, 1, pk->list) != 1 ||
	    fwrite(&bytes, sizeof bytes, 1, pk->list) != 1)
		return err_set(e, "temporary file: %s", strerror(errno));
	pk->n_listed++;
	if (pk->lang == NULL && !pk->mixed_langs) {
		if ((pk->lang = strdup(d->lang)) == NULL)
			return err_set(e, "out of memory");
	} else if (pk->lang != NULL && strcmp(pk->lang, d->lang) != 0) {
		free(pk->lang);
		pk->lang = NULL;
		pk->mixed_langs = 1;
	}
	return 0;
}

/* Frees the strings of a document read back by unlist_doc. */
static void doc_free_strings(struct produced_doc *d)
{
	free((char *)d->id);
	free((char *)d->org);
	free((char *)d->kind);
	free((char *)d->lang);
	free((char *)d->relpath);
	free((char *)d->countersign_folder);
}

/* Reads the next document of the list into d (strings owned). */
static int unlist_doc(FILE *f, struct produced_doc *d, struct err *e)
{
	char *str[6] = { 0 };
	uint64_t bytes;
	int32_t pages;
	int bad = 0;

	memset(d, 0, sizeof *d);
	for (int i = 0; i < 6 && !bad; i++)
		bad = get_str(f, &str[i]);
	d->id = str[0];
	d->org = str[1];
	d->kind = str[2];
	d->lang = str[3];
	d->relpath = str[4];
	d->countersign_folder = str[5];
	if (bad == -2) {
		doc_free_strings(d);
		return err_set(e, "out of memory");
	}
	if (bad || fread(d->sha256, 64, 1, f) != 1 ||
	    fread(&pages, sizeof pages, 1, f) != 1 ||
	    fread(&bytes, sizeof bytes, 1, f) != 1) {
		doc_free_strings(d);
		return err_set(e, "temporary file: cannot read it back");
	}
	d->sha256[64] = '\0';
	d->pages = pages;
	d->bytes = (size_t)bytes;
	return 0;
}

/* ---- the applicant's packages and the run's batch ---------------------- */

/* Lowers this thread's out-of-memory flag for the work of one call, so
 * that pkg_finish sees only what ran out since. Returns the flag as it
 * was, for oom_leave. */
static int oom_enter(void)
{
	int had = oom_seen();

	oom_clear();
	return had;
}

/* Raises the flag again if it was raised before oom_enter. */
static void oom_leave(int had)
{
	if (had)
		oom_note();
}

struct packager *packager_new(const char *outdir, const char *date,
                              struct err *e)
{
	struct packager *pk = calloc(1, sizeof *pk);

	if (pk == NULL || (pk->outdir = strdup(outdir)) == NULL ||
	    (pk->date = strdup(date)) == NULL) {
		packager_free(pk);
		err_set(e, "out of memory");
		return NULL;
	}
	return pk;
}

void packager_free(struct packager *pk)
{
	if (pk == NULL)
		return;
	if (pk->list != NULL)
		fclose(pk->list);
	free(pk->outdir);
	free(pk->date);
	free(pk->batch);
	free(pk->lang);
	batch_clear(&pk->cs);
	free(pk);
}

int packager_note_batch(struct packager *pk, const struct batch *b,
                        struct err *e)
{
	if (b->name != NULL && !pk->mixed_batches) {
		if (pk->batch == NULL) {
			if ((pk->batch = strdup(b->name)) == NULL)
				return err_set(e, "out of memory");
		} else if (strcmp(b->name, pk->batch) != 0) {
			free(pk->batch);
			pk->batch = NULL;
			pk->mixed_batches = 1;
		}
	}
	if (!pk->has_cs && b->has_countersignatory &&
	    b->countersignatory.name != NULL) {
		if (batch_copy(&pk->cs, b) != 0) {
			batch_clear(&pk->cs);
			return err_set(e, "out of memory");
		}
		pk->has_cs = 1;
	}
	return 0;
}

/* Creates OUTDIR/packages once. Returns 0, or -1 with e set. */
static int make_dir(struct packager *pk, struct err *e)
{
	char dir[4096];

	if (pk->have_dir)
		return 0;
	if ((size_t)snprintf(dir, sizeof dir, "%s/packages", pk->outdir) >=
	    sizeof dir)
		return err_set(e, "%s: path too long", pk->outdir);
	if (fs_mkdirs(dir, e) != 0)
		return -1;
	pk->have_dir = 1;
	return 0;
}

int packager_add(struct packager *pk, const struct produced_doc *docs,
                 size_t n, const char *batch, struct err *e)
{
	struct packed *p;
	int rc = -1, had;

	if (n == 0)
		return 0;
	for (size_t i = 1; i < n; i++)
		if (docs[i].id == NULL || docs[0].id == NULL ||
		    strcmp(docs[i].id, docs[0].id) != 0)
			return err_set(e, "package: documents of different "
			               "applicants");
	had = oom_enter();
	if ((p = check_docs(pk->outdir, docs, n, e)) == NULL) {
		oom_leave(had);
		return -1;
	}
	if (make_dir(pk, e) != 0 || write_applicant(pk, p, n, batch, e) != 0)
		goto cleanup;
	for (size_t i = 0; i < n; i++)
		if (p[i].doc->countersign_folder != NULL &&
		    list_doc(pk, &p[i], e) != 0)
			goto cleanup;
	rc = 0;
cleanup:
	free_packed(p, n);
	oom_leave(had);
	return rc;
}

/* ---- the countersigning packages -------------------------------------- */

/* One part being written: its documents (strings owned) and names. */
struct part {
	struct produced_doc *docs;
	char **names;            /* <folder>/<file name> */
	struct packed *packed;   /* docs checked again */
	size_t n;
};

/* Frees what pt owns and zeroes it; accepts a part read only in part. */
static void part_clear(struct part *pt)
{
	for (size_t i = 0; i < pt->n; i++) {
		doc_free_strings(&pt->docs[i]);
		free(pt->names != NULL ? pt->names[i] : NULL);
	}
	free(pt->docs);
	free(pt->names);
	free_packed(pt->packed, pt->n);
	memset(pt, 0, sizeof *pt);
}

/* Orders a part's documents by id, then path. */
static int compare_docs(const void *a, const void *b)
{
	const struct produced_doc *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c != 0 ? c : strcmp(x->relpath, y->relpath);
}

/* Reads the next n documents of the list, sorts them, checks them again
 * and names them. */
static int part_read(struct packager *pk, size_t n, struct part *pt,
                     struct err *e)
{
	memset(pt, 0, sizeof *pt);
	if ((pt->docs = calloc(n, sizeof *pt->docs)) == NULL)
		return err_set(e, "out of memory");
	for (; pt->n < n; pt->n++)
		if (unlist_doc(pk->list, &pt->docs[pt->n], e) != 0)
			return -1;
	qsort(pt->docs, n, sizeof *pt->docs, compare_docs);
	pt->names = calloc(n, sizeof *pt->names);
	pt->packed = calloc(n, sizeof *pt->packed);
	if (pt->names == NULL || pt->packed == NULL)
		return err_set(e, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (check_doc(pk->outdir, &pt->docs[i], &pt->packed[i], e) != 0)
			return -1;
		if (asprintf(&pt->names[i], "%s/%s",
		             pt->docs[i].countersign_folder,
		             pt->packed[i].base) < 0) {
			pt->names[i] = NULL;
			return err_set(e, "out of memory");
		}
	}
	return 0;
}

/* The countersigning manifest without its documents: head,
 * countersignatory, part and parts when split, the cover sheet. NULL when
 * an object could not be made. */
static json_object *countersign_head(const struct packager *pk,
                                     const struct package_cover *c,
                                     const struct produced_doc *cover)
{
	json_object *o = manifest_head(pk, "countersign", c->top, pk->batch);
	json_object *cs = NULL, *cj;

	if (o == NULL)
		return NULL;
	if (pk->has_cs) {
		cs = json_object_new_object();
		if (cs == NULL ||
		    put(cs, "name", json_str(pk->cs.countersignatory.name), 0) ||
		    put_text(cs, "position",
		             pk->cs.countersignatory.position)) {
			json_object_put(cs);
			goto fail;
		}
	}
	if (put(o, "countersignatory", cs, 1) != 0)
		goto fail;
	if (c->parts > 1 &&
	    (put(o, "part", json_object_new_int(c->part), 0) ||
	     put(o, "parts", json_object_new_int(c->parts), 0)))
		goto fail;
	cj = json_object_new_object();
	if (put(cj, "path", json_str("cover-sheet.pdf"), 0) ||
	    put(cj, "pages", json_object_new_int(cover->pages), 0) ||
	    put(cj, "bytes", json_object_new_int64((int64_t)cover->bytes), 0) ||
	    put(cj, "sha256", json_str(cover->sha256), 0) ||
	    put(o, "cover_sheet", cj, 0))
		goto fail;
	return o;
fail:
	json_object_put(o);
	return NULL;
}

/* Writes one countersigning package from part pt; c describes it. */
static int write_part(struct packager *pk, struct package_cover *c,
                      const struct part *pt, package_cover_fn cover_fn,
                      void *ctx, struct err *e)
{
	struct produced_doc cover = { 0 };
	struct pkg k = { 0 };
	json_object *o = NULL, *docs = NULL;
	char path[4096];
	int rc = -1, have_cover = 0;

	if ((size_t)snprintf(path, sizeof path, "%s/packages/.%s.cover-sheet.pdf",
	                     pk->outdir, c->top) >= sizeof path)
		return err_set(e, "%s: path too long", pk->outdir);
	c->path = path;
	c->docs = pt->docs;
	c->names = (const char *const *)pt->names;
	c->n = pt->n;
	/* Registered before it exists: an interrupted run removes it. */
	if (fs_temp_track(path, e) != 0)
		goto cleanup;
	have_cover = 1;
	if (cover_fn(ctx, c, &cover, e) != 0)
		goto cleanup;
	if (pkg_start(&k, pk, c->top, e) != 0 ||
	    pkg_add_file(&k, "cover-sheet.pdf", path, cover.sha256, e) != 0)
		goto cleanup;
	o = countersign_head(pk, c, &cover);
	docs = json_object_new_array();
	for (size_t i = 0; i < pt->n; i++)
		if (pkg_add_doc(&k, docs, &pt->packed[i], pt->names[i], e) != 0)
			goto cleanup;
	rc = pkg_close(&k, o, docs, e);
	o = docs = NULL;
cleanup:
	json_object_put(docs);
	json_object_put(o);
	pkg_clear(&k);
	if (have_cover)
		fs_temp_discard(path);
	return rc;
}

/* Removes countersign packages of this NAME that the run did not write:
 * the unsplit one when there are parts, parts beyond the last. */
static void remove_stale(const struct packager *pk, const char *name,
                         int parts)
{
	char path[4096];

	if (parts > 1) {
		snprintf(path, sizeof path, "%s/packages/countersign-%s.zip",
		         pk->outdir, name);
		unlink(path);
	}
	for (int i = parts > 1 ? parts + 1 : 1; i < 100000; i++) {
		snprintf(path, sizeof path,
		         "%s/packages/countersign-%s-part-%04d.zip", pk->outdir,
		         name, i);
		if (unlink(path) != 0)
			break;
	}
}

int packager_finish(struct packager *pk, package_cover_fn cover_fn,
                    void *ctx, struct err *e)
{
	char name[96], top[128], file[140];
	size_t left = pk->n_listed;
	int parts = (int)((left + PACKAGE_PART_MAX - 1) / PACKAGE_PART_MAX);
	int rc = 0, had;

	if (left == 0)
		return 0;
	if (fflush(pk->list) != 0 || fseek(pk->list, 0, SEEK_SET) != 0)
		return err_set(e, "temporary file: %s", strerror(errno));
	had = oom_enter();
	package_countersign_name(pk->batch, pk->date, name, sizeof name);
	for (int i = 1; left > 0; i++) {
		size_t n = left < PACKAGE_PART_MAX ? left : PACKAGE_PART_MAX;
		struct package_cover c = { 0 };
		struct part pt;

		if (parts > 1)
			snprintf(top, sizeof top, "countersign-%s-part-%04d", name, i);
		else
			snprintf(top, sizeof top, "countersign-%s", name);
		snprintf(file, sizeof file, "%s.zip", top);
		c = (struct package_cover){ NULL, top, file, pk->batch,
		                            pk->has_cs ? &pk->cs.countersignatory
		                                       : NULL, pk->lang,
		                            i, parts, NULL, NULL, 0,
		                            pk->cs.positions, pk->cs.n_positions };
		rc = part_read(pk, n, &pt, e);
		if (rc == 0)
			rc = write_part(pk, &c, &pt, cover_fn, ctx, e);
		part_clear(&pt);
		if (rc != 0)
			goto cleanup;
		left -= n;
	}
	remove_stale(pk, name, parts);
cleanup:
	oom_leave(had);
	return rc != 0 ? -1 : 0;
}
