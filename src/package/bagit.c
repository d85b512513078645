/* bagit.c — writes the archivists' BagIt bundle as one ZIP (see bagit.h):
 * collects the payload, digests it with SHA-512, writes the tag files and
 * hands everything to zipw in sorted order. */
#include "bagit.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "array.h"
#include "digest.h"
#include "fsutil.h"
#include "oom.h"
#include "zipw.h"

#define MAX_DEPTH 64
#define MAX_NUMBER 999

struct item {
	char *src;                  /* file on disk */
	char *dest;                 /* "data/documents/..." */
	dev_t dev;
	ino_t ino;
	unsigned long long size;
	char sha512[129];
};

struct payload {
	struct item *items;
	size_t n, cap;
};

/* A growing text buffer. */
struct text {
	char *p;
	size_t n, cap;
	int oom;
};

/* Appends printf(fmt, ...) to t, kept NUL-terminated; out of memory
 * sets t->oom and makes every later add a no-op. */
static void text_add(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	char *np;
	int need;

	if (t->oom)
		return;
	va_start(ap, fmt);
	need = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (need < 0) {
		t->oom = 1;
		return;
	}
	if ((np = array_reserve(t->p, 1, t->n, (size_t)need + 1, &t->cap)) ==
	    NULL) {
		t->oom = 1;
		return;
	}
	t->p = np;
	va_start(ap, fmt);
	vsnprintf(t->p + t->n, t->cap - t->n, fmt, ap);
	va_end(ap);
	t->n += (size_t)need;
}

char *bagit_encode_path(const char *path)
{
	size_t len = 0;
	char *out, *o;

	for (const char *s = path; *s; s++)
		len += (*s == '\r' || *s == '\n' || *s == '%') ? 3 : 1;
	out = malloc(len + 1);
	if (out == NULL)
		return NULL;
	o = out;
	for (const char *s = path; *s; s++) {
		const char *rep = *s == '\r' ? "%0D" : *s == '\n' ? "%0A" :
		                  *s == '%' ? "%25" : NULL;
		if (rep != NULL) {
			memcpy(o, rep, 3);
			o += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

char *bagit_decode_path(const char *path)
{
	char *out = malloc(strlen(path) + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (const char *s = path; *s; s++) {
		if (s[0] == '%' && s[1] != '\0' && s[2] != '\0') {
			if (strncasecmp(s, "%0D", 3) == 0) {
				*o++ = '\r';
				s += 2;
				continue;
			}
			if (strncasecmp(s, "%0A", 3) == 0) {
				*o++ = '\n';
				s += 2;
				continue;
			}
			if (strncmp(s, "%25", 3) == 0) {
				*o++ = '%';
				s += 2;
				continue;
			}
		}
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* The data/ subfolder a file goes to, or NULL when it is not bagged. */
static const char *payload_folder(const char *name)
{
	size_t n = strlen(name);

	if (n > 4 && strcasecmp(name + n - 4, ".pdf") == 0)
		return "documents";
	if (n > 4 && strcasecmp(name + n - 4, ".xml") == 0)
		return "records";
	if (n > 5 && strcasecmp(name + n - 5, ".json") == 0)
		return "reports";
	return NULL;
}

static void payload_free(struct payload *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		free(pl->items[i].src);
		free(pl->items[i].dest);
	}
	free(pl->items);
	memset(pl, 0, sizeof *pl);
}

/* Adds src (already stat'ed) as data/FOLDER/rel. Returns 0, or -1 with e
 * set (an unsafe name, out of memory). */
static int payload_add(struct payload *pl, const char *src, const char *rel,
                       const struct stat *st, struct err *e)
{
	const char *folder = payload_folder(rel);
	struct item *it;
	const char *why = fsutil_unsafe_name(rel);
	size_t len;

	if (why != NULL)
		return err_set(e, "%s: %s; file names in a bag have no control "
		               "characters, backslashes, invalid UTF-8, absolute "
		               "parts or '.' and '..' components", src, why);
	if ((it = array_reserve(pl->items, sizeof *it, pl->n, 1, &pl->cap)) ==
	    NULL)
		return err_set(e, "out of memory");
	pl->items = it;
	it = &pl->items[pl->n];
	memset(it, 0, sizeof *it);
	len = strlen("data/") + strlen(folder) + 1 + strlen(rel) + 1;
	it->src = strdup(src);
	it->dest = malloc(len);
	if (it->src == NULL || it->dest == NULL) {
		free(it->src);
		free(it->dest);
		return err_set(e, "out of memory");
	}
	snprintf(it->dest, len, "data/%s/%s", folder, rel);
	it->dev = st->st_dev;
	it->ino = st->st_ino;
	pl->n++;
	return 0;
}

/* Collects the bagged files below dir (rel is its path below the PATH
 * named by the user, "" at the top), in byte order of their names:
 * regular files that payload_folder places; hidden names, symbolic links
 * and special files are skipped. Returns 0, or -1 with e set. */
static int walk(struct payload *pl, const char *dir, const char *rel,
                int depth, struct err *e)
{
	struct dirent **entries;
	int n, rc = -1;

	if (depth > MAX_DEPTH)
		return err_set(e, "%s: directories nested too deep", dir);
	if ((n = fs_scan_dir(dir, &entries, e)) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		const char *name = entries[i]->d_name;
		char path[4096], sub[4096];
		struct stat st;

		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir,
		                     name) >= sizeof path ||
		    (size_t)snprintf(sub, sizeof sub, "%s%s%s", rel,
		                     *rel ? "/" : "", name) >= sizeof sub) {
			err_set(e, "%s/%s: path too long", dir, name);
			goto cleanup;
		}
		if (lstat(path, &st) != 0) {
			err_sys(e, "%s", path);
			goto cleanup;
		}
		if (S_ISDIR(st.st_mode)) {
			if (walk(pl, path, sub, depth + 1, e) != 0)
				goto cleanup;
		} else if (S_ISREG(st.st_mode) &&
		           payload_folder(name) != NULL) {
			if (payload_add(pl, path, sub, &st, e) != 0)
				goto cleanup;
		}
	}
	rc = 0;
cleanup:
	fs_free_entries(entries, n);
	return rc;
}

static int collect(struct payload *pl, char *const *paths, int n_paths,
                   struct err *e)
{
	for (int i = 0; i < n_paths; i++) {
		struct stat st;
		const char *base;

		if (stat(paths[i], &st) != 0)
			return err_sys(e, "%s", paths[i]);
		if (S_ISDIR(st.st_mode)) {
			char dir[4096];
			size_t len = strlen(paths[i]);
			if (len >= sizeof dir)
				return err_set(e, "%s: path too long", paths[i]);
			memcpy(dir, paths[i], len + 1);
			while (len > 1 && dir[len - 1] == '/')
				dir[--len] = '\0';
			if (walk(pl, dir, "", 0, e) != 0)
				return -1;
			continue;
		}
		base = strrchr(paths[i], '/');
		base = base ? base + 1 : paths[i];
		if (!S_ISREG(st.st_mode) || payload_folder(base) == NULL)
			return err_set(e, "%s: not a document (.pdf), record "
			               "(.xml) or run report (.json)", paths[i]);
		if (payload_add(pl, paths[i], base, &st, e) != 0)
			return -1;
	}
	if (pl->n == 0)
		return err_set(e, "no documents, records or reports found");
	return 0;
}

static int compare_items(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->dest,
	              ((const struct item *)b)->dest);
}

/* Sorts by destination; drops the same file named twice; refuses two
 * different files with one destination. */
static int sort_payload(struct payload *pl, struct err *e)
{
	size_t out = 0;

	qsort(pl->items, pl->n, sizeof *pl->items, compare_items);
	for (size_t i = 0; i < pl->n; i++) {
		struct item *it = &pl->items[i];
		if (out > 0 && strcmp(pl->items[out - 1].dest, it->dest) == 0) {
			struct item *prev = &pl->items[out - 1];
			if (prev->dev != it->dev || prev->ino != it->ino)
				return err_set(e, "%s and %s would both be %s",
				               prev->src, it->src, it->dest);
			free(it->src);
			free(it->dest);
			continue;
		}
		pl->items[out++] = *it;
	}
	pl->n = out;
	return 0;
}

static int digest_payload(struct payload *pl, unsigned long long *total,
                          struct err *e)
{
	*total = 0;
	for (size_t i = 0; i < pl->n; i++) {
		size_t size = 0;
		if (digest_file(DIGEST_SHA512, pl->items[i].src,
		                pl->items[i].sha512, &size, e) != 0)
			return -1;
		pl->items[i].size = size;
		*total += size;
	}
	return 0;
}

/* One tag file: its name below the top folder and its text. */
struct tagfile {
	const char *name;
	struct text text;
};

static int build_tags(const struct bag_options *opt, const char *bag_name,
                      const struct payload *pl, unsigned long long bytes,
                      struct tagfile tags[4], struct err *e)
{
	struct text *bagit = &tags[0].text, *info = &tags[1].text;
	struct text *manifest = &tags[2].text, *tagman = &tags[3].text;

	tags[0].name = "bagit.txt";
	tags[1].name = "bag-info.txt";
	tags[2].name = "manifest-sha512.txt";
	tags[3].name = "tagmanifest-sha512.txt";
	text_add(bagit, "BagIt-Version: 1.0\n"
	         "Tag-File-Character-Encoding: UTF-8\n");
	text_add(info, "Bag-Software-Agent: %s\n", opt->software_agent);
	text_add(info, "Bagging-Date: %s\n", opt->date);
	text_add(info, "External-Identifier: %s\n", bag_name);
	text_add(info, "Payload-Oxum: %llu.%zu\n", bytes, pl->n);
	text_add(info, "Source-Organization: %s\n", opt->organization);
	for (size_t i = 0; i < pl->n; i++) {
		char *enc = bagit_encode_path(pl->items[i].dest);
		if (enc == NULL)
			return err_set(e, "out of memory");
		text_add(manifest, "%s  %s\n", pl->items[i].sha512, enc);
		free(enc);
	}
	for (int i = 0; i < 3; i++) {
		char hex[129];
		if (tags[i].text.oom)
			return err_set(e, "out of memory");
		if (digest_buffer(DIGEST_SHA512, tags[i].text.p, tags[i].text.n,
		                  hex, e) != 0)
			return -1;
		text_add(tagman, "%s  %s\n", hex, tags[i].name);
	}
	if (tagman->oom)
		return err_set(e, "out of memory");
	return 0;
}

static void free_tags(struct tagfile tags[4])
{
	for (int i = 0; i < 4; i++) {
		free(tags[i].text.p);
		memset(&tags[i].text, 0, sizeof tags[i].text);
	}
}

/* Writes the bag named bag_name to zip_path. Returns 0, -2 when the path
 * appeared meanwhile, or -1 with e set. */
static int write_bag(const struct bag_options *opt, const char *bag_name,
                     const char *zip_path, const struct payload *pl,
                     unsigned long long bytes, struct err *e)
{
	struct tagfile tags[4];
	struct zipw *z = NULL;
	char name[4352];
	int rc = -1;

	memset(tags, 0, sizeof tags);
	if (build_tags(opt, bag_name, pl, bytes, tags, e) != 0)
		goto cleanup;
	z = zipw_new(zip_path, opt->date, e);
	if (z == NULL)
		goto cleanup;
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof name, "%s/%s", bag_name, tags[i].name);
		if (zipw_add_data(z, name, tags[i].text.p, tags[i].text.n,
		                  e) != 0)
			goto cleanup;
	}
	for (size_t i = 0; i < pl->n; i++) {
		if ((size_t)snprintf(name, sizeof name, "%s/%s", bag_name,
		                     pl->items[i].dest) >= sizeof name) {
			err_set(e, "%s: name too long", pl->items[i].src);
			goto cleanup;
		}
		if (zipw_add_file(z, name, pl->items[i].src, e) != 0)
			goto cleanup;
	}
	/* A library may have recovered quietly from a failed allocation
	 * since bagit_write began: the bundle is not written. */
	if (oom_seen()) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	rc = zipw_commit(z, ZIPW_NO_REPLACE, e);
	z = NULL;
cleanup:
	zipw_free(z);
	free_tags(tags);
	return rc;
}

int bagit_write(const struct bag_options *opt, char *const *paths,
                int n_paths, struct bag_result *res, struct err *e)
{
	struct payload pl = { 0 };
	unsigned long long bytes = 0;
	int rc = -1;

	memset(res, 0, sizeof *res);
	oom_clear();
	if (strchr(opt->date, '/') != NULL || strlen(opt->date) != 10) {
		err_set(e, "%s: not a date", opt->date);
		goto cleanup;
	}
	if (collect(&pl, paths, n_paths, e) != 0 || sort_payload(&pl, e) != 0)
		goto cleanup;
	if (opt->max_files > 0 && pl.n > opt->max_files) {
		err_set(e, "%zu files, more than the %zu one bundle may hold: "
		        "bundle them in parts", pl.n, opt->max_files);
		goto cleanup;
	}
	if (digest_payload(&pl, &bytes, e) != 0)
		goto cleanup;
	if (fs_mkdirs(opt->outdir, e) != 0)
		goto cleanup;
	for (int number = 1; number <= MAX_NUMBER; number++) {
		int w;
		if (number == 1)
			snprintf(res->name, sizeof res->name, "pactdoc-%s",
			         opt->date);
		else
			snprintf(res->name, sizeof res->name, "pactdoc-%s-%d",
			         opt->date, number);
		if ((size_t)snprintf(res->path, sizeof res->path, "%s/%s.zip",
		                     opt->outdir, res->name) >= sizeof res->path) {
			err_set(e, "%s: path too long", opt->outdir);
			goto cleanup;
		}
		w = write_bag(opt, res->name, res->path, &pl, bytes, e);
		if (w == 0) {
			res->number = number;
			res->files = pl.n;
			res->bytes = bytes;
			rc = 0;
			goto cleanup;
		}
		if (w != -2)
			goto cleanup;
	}
	err_set(e, "%s: %d bundles for %s already exist", opt->outdir,
	        MAX_NUMBER, opt->date);
cleanup:
	if (rc != 0)
		res->path[0] = '\0';
	payload_free(&pl);
	return rc;
}
