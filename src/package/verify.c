/* verify.c — checks a bundle (BagIt) or package ZIP in place (see
 * verify.h): names, duplicates, manifests, digests, Payload-Oxum. */
#include "verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "array.h"
#include "bagit.h"
#include "fsutil.h"
#include "oom.h"
#include "zipw.h"
#include "text.h"

const struct verify_limits verify_default_limits = {
	200000, 200, 64u << 20, 1u << 20, 100
};

/* Entries up to this size are not held to the ratio (a small JSON file of
 * repeated keys may deflate well beyond it). */
#define SMALL_ENTRY ((uint64_t)1 << 20)

/* The longest manifest path read (after the digest and its spaces). */
#define MAX_PATH_LINE 8192

enum { KIND_UNKNOWN, KIND_BAG, KIND_PACKAGE };
enum { ALG_SHA256 = 1, ALG_SHA512 = 2 };

struct entry {
	char *name;
	uint64_t index;
	uint64_t size;          /* declared */
	uint64_t comp_size;     /* declared compressed size */
	int is_dir;
	int unsafe;             /* unsafe name, duplicate or not a regular
	                           file: reported, never read */
	unsigned listed;        /* bit m: listed in manifest m */
	int digested;
	uint64_t actual;        /* bytes read when digested */
	unsigned char sha256[32];  /* raw digests, once digested */
	unsigned char sha512[64];
	int failed;             /* could not be read: reported once */
};

/* One line of a manifest that names an entry of the archive (lines that
 * do not are reported as they are read, and not kept). */
struct listing {
	struct entry *en;
	unsigned char digest[64];  /* raw; 32 bytes used for SHA-256 */
};

/* A manifest: at most one listing per entry, so its memory is bounded by
 * the archive's entry count, whatever the manifest's size. */
struct manifest {
	const struct entry *file;   /* the manifest entry itself */
	int alg;
	int tag;                    /* tagmanifest-*.txt */
	int decode;                 /* BagIt percent-decoding of paths */
	unsigned bit;               /* its bit in entry.listed */
	struct listing *lines;
	size_t n, cap;
};

/* At most 2 payload and 2 tag manifests (sha256, sha512) in a bag, one in
 * a package; entry names are unique, so this is never reached. */
#define MAX_MANIFESTS 8

struct verifier {
	struct zipr *zr;
	const struct verify_limits *lim;
	verify_problem_fn problem;
	void *ctx;
	int count;                  /* problems found, shown or not */
	struct entry *entries;      /* sorted by name */
	size_t n;
	char *top;                  /* "pactdoc-2026-11-23/" */
	size_t top_len;
	struct manifest *mans;
	size_t n_mans, cap_mans;
	int need;                   /* ALG_* digests the manifests call for */
	struct verify_summary *sum;
};

static void report(struct verifier *v, const char *entry, const char *fmt,
                   ...) __attribute__((format(printf, 3, 4)));

/* An entry name for a message: control bytes and invalid UTF-8 as \xNN. */
static void printable(const char *name, char *buf, size_t size)
{
	size_t o = 0;

	while (*name != '\0' && o + 5 < size) {
		uint32_t cp;
		int len = text_utf8_next(name, &cp);

		if (len == 0 || cp < 0x20 || cp == 0x7f) {
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x",
			                      (unsigned char)*name);
			name++;
		} else if (o + (size_t)len < size) {
			memcpy(buf + o, name, (size_t)len);
			o += (size_t)len;
			name += len;
		} else {
			break;
		}
	}
	buf[o] = '\0';
}

static void report(struct verifier *v, const char *entry, const char *fmt,
                   ...)
{
	char msg[1024], name[1024];
	va_list ap;

	v->count++;
	/* After memory ran out a "problem" may be only what could not be
	 * read (an entry, a line): the archive ends "not verified" instead. */
	if (oom_seen())
		return;
	if (v->count > v->lim->max_problems)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (entry != NULL)
		printable(entry, name, sizeof name);
	v->problem(v->ctx, entry != NULL ? name : NULL, msg);
}

/* The closing line when problems were left unshown. */
static void report_hidden(struct verifier *v)
{
	char msg[128];

	if (v->count <= v->lim->max_problems)
		return;
	snprintf(msg, sizeof msg, "%d more problems not shown (%d in all)",
	         v->count - v->lim->max_problems, v->count);
	v->problem(v->ctx, NULL, msg);
}

/* Why a name is unsafe to extract, or NULL when it is safe. */
static const char *unsafe_reason(const char *name)
{
	return fsutil_unsafe_name(name);
}

/* Why an entry's declared Unix file type makes it unsafe to extract, or
 * NULL for a regular file (a directory for a name ending in '/') or an
 * entry that declares no type. unzip creates what the type says, so a
 * symbolic link would point outside the folder it is extracted to. */
static const char *type_problem(uint32_t mode, int is_dir)
{
	uint32_t type = mode & S_IFMT;

	if (type == 0 || type == (is_dir ? S_IFDIR : S_IFREG))
		return NULL;
	switch (type) {
	case S_IFLNK:
		return "a symbolic link, not a regular file";
	case S_IFDIR:
		return "a directory whose name does not end in '/'";
	case S_IFREG:
		return "a regular file whose name ends in '/'";
	default:
		return "a device, FIFO or socket, not a regular file";
	}
}

/* Whether an entry declares more than the ratio allows (a zip bomb). */
static int too_compressed(const struct verifier *v, const struct entry *en)
{
	return en->size > SMALL_ENTRY &&
	       en->comp_size < en->size / v->lim->max_ratio;
}

static int compare_entries(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name,
	              ((const struct entry *)b)->name);
}

static struct entry *find_entry(struct verifier *v, const char *name)
{
	struct entry key = { 0 };

	key.name = (char *)name;
	if (v->n == 0)
		return NULL;
	return bsearch(&key, v->entries, v->n, sizeof *v->entries,
	               compare_entries);
}

/* Reads the central directory: names, sizes, unsafe names, duplicates,
 * the zip-bomb guard. Returns 0 to go on, 1 when the archive must not be
 * read further, -1 on out of memory. */
static int load_entries(struct verifier *v, uint64_t file_size,
                        struct err *e)
{
	uint64_t count = zipr_count(v->zr), total = 0, budget;
	int bombs = 0;

	if (count == 0) {
		report(v, NULL, "empty archive");
		return 1;
	}
	if (count > v->lim->max_entries) {
		report(v, NULL, "%llu entries, more than the %llu allowed",
		       (unsigned long long)count,
		       (unsigned long long)v->lim->max_entries);
		return 1;
	}
	v->entries = calloc((size_t)count, sizeof *v->entries);
	if (v->entries == NULL)
		return err_set(e, "out of memory");
	for (uint64_t i = 0; i < count; i++) {
		struct entry *en = &v->entries[v->n];
		struct err ee;
		const char *name = zipr_entry(v->zr, i, &en->size,
		                              &en->comp_size, &ee);
		const char *why;
		if (name == NULL) {
			if (oom_seen())   /* the entry is there, unread */
				return err_set(e, "out of memory");
			report(v, NULL, "entry %llu: %s", (unsigned long long)i,
			       ee.msg);
			continue;
		}
		if ((en->name = strdup(name)) == NULL)
			return err_set(e, "out of memory");
		en->index = i;
		en->is_dir = name[0] != '\0' && name[strlen(name) - 1] == '/';
		why = unsafe_reason(name);
		if (why == NULL)
			why = type_problem(zipr_entry_mode(v->zr, i), en->is_dir);
		if (why != NULL) {
			en->unsafe = 1;
			report(v, name, "%s", why);
		}
		if (too_compressed(v, en)) {
			report(v, name, "declares %llu bytes from %llu compressed, "
			       "more than %llu:1 (zip bomb?): not read",
			       (unsigned long long)en->size,
			       (unsigned long long)en->comp_size,
			       (unsigned long long)v->lim->max_ratio);
			bombs++;
		}
		total = total > UINT64_MAX - en->size ? UINT64_MAX :
		        total + en->size;
		v->n++;
	}
	qsort(v->entries, v->n, sizeof *v->entries, compare_entries);
	for (size_t i = 1; i < v->n; i++)
		if (strcmp(v->entries[i - 1].name, v->entries[i].name) == 0) {
			report(v, v->entries[i].name, "duplicate entry");
			v->entries[i - 1].unsafe = v->entries[i].unsafe = 1;
		}
	budget = file_size > UINT64_MAX / v->lim->max_ratio ? UINT64_MAX :
	         file_size * v->lim->max_ratio + SMALL_ENTRY;
	v->sum->entries = v->n;
	if (bombs > 0)
		return 1;
	if (total > budget) {
		report(v, NULL, "entries declare %llu bytes uncompressed, more "
		       "than an archive of %llu bytes can honestly hold "
		       "(zip bomb?)", (unsigned long long)total,
		       (unsigned long long)file_size);
		return 1;
	}
	return 0;
}

/* ---- reading entries -------------------------------------------------- */

struct buffer {
	char *p;
	size_t n, cap;
};

/* A zip reading sink: appends len bytes of data to the struct buffer
 * ctx, kept NUL-terminated. Returns 0, or 1 (stop) out of memory. */
static int buffer_sink(void *ctx, const void *data, size_t len)
{
	struct buffer *b = ctx;
	char *np;

	if ((np = array_reserve(b->p, 1, b->n, len + 1, &b->cap)) == NULL)
		return 1;
	b->p = np;
	memcpy(b->p + b->n, data, len);
	b->n += len;
	b->p[b->n] = '\0';
	return 0;
}

/* Reads a tag file into a NUL-terminated buffer (caller frees), or
 * reports why it cannot and returns NULL. */
static char *read_tag(struct verifier *v, struct entry *en, size_t *len)
{
	struct buffer b = { 0 };
	struct err e;
	uint64_t got;
	int rc;

	if (en->size > v->lim->max_tag_bytes) {
		report(v, en->name, "larger than %llu bytes, not read",
		       (unsigned long long)v->lim->max_tag_bytes);
		en->failed = 1;
		return NULL;
	}
	rc = zipr_stream(v->zr, en->index, en->size, buffer_sink, &b, &got, &e);
	if (rc != 0) {
		if (rc == 1)
			oom_note();
		if (rc == 1)
			report(v, en->name, "out of memory");
		else
			report(v, en->name, "%s", e.msg);
		en->failed = 1;
		free(b.p);
		return NULL;
	}
	if (b.p == NULL && (b.p = calloc(1, 1)) == NULL)
		oom_note();        /* the tag file goes unchecked */
	*len = b.n;
	return b.p;
}

struct digests {
	EVP_MD_CTX *c256, *c512;
};

static int digest_sink(void *ctx, const void *data, size_t len)
{
	struct digests *d = ctx;

	if (d->c256 != NULL)
		EVP_DigestUpdate(d->c256, data, len);
	if (d->c512 != NULL)
		EVP_DigestUpdate(d->c512, data, len);
	return 0;
}


/* Streams an entry once through the digests the manifests need (all
 * manifests are loaded before the first entry is digested). Returns 0, or -1 when it
 * could not be read (reported once), or -2 on out of memory. */
static int digest_entry(struct verifier *v, struct entry *en)
{
	struct digests d;
	struct err e;
	int rc = -2;

	if (en->digested)
		return 0;
	if (en->failed)
		return -1;
	d.c256 = (v->need & ALG_SHA256) ? EVP_MD_CTX_new() : NULL;
	d.c512 = (v->need & ALG_SHA512) ? EVP_MD_CTX_new() : NULL;
	if (((v->need & ALG_SHA256) && (d.c256 == NULL ||
	      !EVP_DigestInit_ex(d.c256, EVP_sha256(), NULL))) ||
	    ((v->need & ALG_SHA512) && (d.c512 == NULL ||
	      !EVP_DigestInit_ex(d.c512, EVP_sha512(), NULL))))
		goto cleanup;
	if (zipr_stream(v->zr, en->index, en->size, digest_sink, &d,
	                &en->actual, &e) != 0) {
		if (oom_seen())
			goto cleanup;        /* rc -2 */
		report(v, en->name, "%s", e.msg);
		en->failed = 1;
		rc = -1;
		goto cleanup;
	}
	if (d.c256 != NULL)
		EVP_DigestFinal_ex(d.c256, en->sha256, NULL);
	if (d.c512 != NULL)
		EVP_DigestFinal_ex(d.c512, en->sha512, NULL);
	en->digested = 1;
	rc = 0;
cleanup:
	EVP_MD_CTX_free(d.c256);
	EVP_MD_CTX_free(d.c512);
	return rc;
}

/* ---- manifests -------------------------------------------------------- */

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes n hex digits into n/2 bytes; returns 0, or -1 when one is not
 * a hex digit. */
static int from_hex(const char *s, size_t n, unsigned char *out)
{
	for (size_t i = 0; i < n; i += 2) {
		int hi = hex_value(s[i]), lo = hex_value(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static const char *base_name(const char *name)
{
	const char *s = strrchr(name, '/');

	return s ? s + 1 : name;
}

static const char *alg_name(int alg)
{
	return alg == ALG_SHA512 ? "sha512" : "sha256";
}

/* Checks the path of one manifest line and, when it names an entry not
 * listed before, keeps it with its digest. Returns 0, or -1 on out of
 * memory. */
static int add_listing(struct verifier *v, struct manifest *m,
                       const char *path, const unsigned char *digest)
{
	char full[MAX_PATH_LINE + 512], shown[1024];
	const char *why = unsafe_reason(path);
	struct entry *en;
	struct listing *nl;

	printable(path, shown, sizeof shown);
	if ((size_t)snprintf(full, sizeof full, "%s%s", v->top, path) >=
	    sizeof full)
		why = "path too long";
	if (why != NULL) {
		report(v, m->file->name, "lists %s: %s", shown, why);
		return 0;
	}
	if (m->tag == 0 && v->sum->kind == KIND_BAG &&
	    strncmp(path, "data/", 5) != 0) {
		report(v, m->file->name, "lists %s, outside data/", shown);
		return 0;
	}
	en = find_entry(v, full);
	if (en == NULL || en->is_dir) {
		report(v, full, "listed in %s but missing",
		       base_name(m->file->name));
		return 0;
	}
	if (en->unsafe)             /* reported with the entry */
		return 0;
	if (en->listed & m->bit) {
		report(v, m->file->name, "lists %s twice", shown);
		return 0;
	}
	if ((nl = array_reserve(m->lines, sizeof *nl, m->n, 1, &m->cap)) == NULL)
		return -1;
	m->lines = nl;
	en->listed |= m->bit;
	m->lines[m->n].en = en;
	memcpy(m->lines[m->n].digest, digest, m->alg == ALG_SHA512 ? 64 : 32);
	m->n++;
	return 0;
}

/* Parses one "HEX  PATH" line of m (len bytes, NUL-terminated, no
 * newline); a bad line is reported. Returns 0, or -1 on out of memory. */
static int parse_line(struct verifier *v, struct manifest *m, char *line,
                      size_t len, int lineno)
{
	size_t hexlen = m->alg == ALG_SHA512 ? 128 : 64;
	unsigned char digest[64];
	char *p, *path;
	int rc;

	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (len == 0)
		return 0;
	if (strlen(line) != len) {
		report(v, m->file->name, "line %d: holds a NUL byte", lineno);
		return 0;
	}
	if (len < hexlen + 2 || (line[hexlen] != ' ' && line[hexlen] != '\t') ||
	    from_hex(line, hexlen, digest) != 0) {
		report(v, m->file->name, "line %d: not 'DIGEST PATH'", lineno);
		return 0;
	}
	p = line + hexlen;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '*')      /* sha*sum's binary-mode marker */
		p++;
	path = m->decode ? bagit_decode_path(p) : strdup(p);
	if (path == NULL)
		return -1;
	rc = add_listing(v, m, path, digest);
	free(path);
	return rc;
}

/* A manifest streamed line by line (see manifest_sink): memory is one
 * line, whatever the manifest's size. */
struct line_reader {
	struct verifier *v;
	struct manifest *m;
	char *line;             /* the line so far: max + 1 bytes */
	size_t len, max;
	int lineno;
	int overlong;           /* the current line went past max */
	int oom;
};

/* Ends the current line: parses it, or reports it too long. Returns 0,
 * or -1 on out of memory. */
static int end_line(struct line_reader *lr)
{
	int rc = 0;

	lr->lineno++;
	lr->line[lr->len] = '\0';
	if (lr->overlong)
		report(lr->v, lr->m->file->name, "line %d: longer than %zu "
		       "bytes", lr->lineno, lr->max);
	else
		rc = parse_line(lr->v, lr->m, lr->line, lr->len, lr->lineno);
	lr->len = 0;
	lr->overlong = 0;
	return rc;
}

/* zipr_sink: splits a manifest's bytes into lines. */
static int manifest_sink(void *ctx, const void *data, size_t len)
{
	struct line_reader *lr = ctx;
	const char *p = data, *end = p + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl != NULL ? nl : end) - p);
		if (!lr->overlong && lr->len + n <= lr->max) {
			memcpy(lr->line + lr->len, p, n);
			lr->len += n;
		} else {
			lr->overlong = 1;
		}
		if (nl == NULL)
			break;
		if (end_line(lr) != 0) {
			lr->oom = 1;
			return 1;
		}
		p = nl + 1;
	}
	return 0;
}

/* Checks the digest of every entry m lists. Returns 0, or -1 on out of
 * memory. */
static int check_listed(struct verifier *v, const struct manifest *m,
                        struct err *e)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct listing *l = &m->lines[i];
		int rc = digest_entry(v, l->en);

		if (rc == -2)
			return err_set(e, "out of memory");
		if (rc != 0)
			continue;
		if (m->alg == ALG_SHA512 ?
		    memcmp(l->en->sha512, l->digest, 64) != 0 :
		    memcmp(l->en->sha256, l->digest, 32) != 0)
			report(v, l->en->name, "%s digest does not match %s",
			       alg_name(m->alg), base_name(m->file->name));
	}
	return 0;
}

/* The manifest named TOP/<prefix><alg>.txt for entry en, or 0. */
static int manifest_alg(const struct verifier *v, const struct entry *en,
                        const char *prefix)
{
	const char *rest;
	size_t plen = strlen(prefix);

	if (strncmp(en->name, v->top, v->top_len) != 0)
		return 0;
	rest = en->name + v->top_len;
	if (strncmp(rest, prefix, plen) != 0)
		return 0;
	rest += plen;
	if (strcmp(rest, "sha512.txt") == 0)
		return ALG_SHA512;
	if (strcmp(rest, "sha256.txt") == 0)
		return ALG_SHA256;
	return -1;
}

/* Streams manifest entry en into a new manifest of v. A manifest too
 * large or unreadable is reported. Returns 0, or -1 on out of memory. */
static int load_manifest(struct verifier *v, struct entry *en, int alg,
                         int tag, int decode, struct err *e)
{
	struct line_reader lr = { 0 };
	struct manifest *m;
	struct err ze;
	uint64_t got;
	int rc = -1;

	if (v->n_mans == MAX_MANIFESTS)
		return 0;
	m = array_reserve(v->mans, sizeof *m, v->n_mans, 1, &v->cap_mans);
	if (m == NULL)
		return err_set(e, "out of memory");
	v->mans = m;
	m = &v->mans[v->n_mans];
	memset(m, 0, sizeof *m);
	m->file = en;
	m->alg = alg;
	m->tag = tag;
	m->decode = decode;
	m->bit = 1u << v->n_mans;
	v->n_mans++;
	v->need |= alg;
	if (en->size > v->lim->max_manifest_bytes) {
		report(v, en->name, "larger than %llu bytes, not read",
		       (unsigned long long)v->lim->max_manifest_bytes);
		en->failed = 1;
		return 0;
	}
	lr.v = v;
	lr.m = m;
	lr.max = (alg == ALG_SHA512 ? 128 : 64) + 2 + MAX_PATH_LINE;
	if ((lr.line = malloc(lr.max + 1)) == NULL)
		return err_set(e, "out of memory");
	switch (zipr_stream(v->zr, en->index, en->size, manifest_sink, &lr,
	                    &got, &ze)) {
	case 0:
		if (lr.len > 0 && end_line(&lr) != 0)
			lr.oom = 1;
		break;
	case 1:
		break;
	default:
		if (oom_seen()) {        /* its lines were not all read */
			lr.oom = 1;
			break;
		}
		report(v, en->name, "%s", ze.msg);
		en->failed = 1;
		break;
	}
	if (lr.oom) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(lr.line);
	return rc;
}

/* ---- bags ------------------------------------------------------------- */

static int is_payload(const struct verifier *v, const struct entry *en)
{
	return !en->unsafe && !en->is_dir &&
	       strncmp(en->name, v->top, v->top_len) == 0 &&
	       strncmp(en->name + v->top_len, "data/", 5) == 0;
}

static void check_bagit_txt(struct verifier *v)
{
	char name[4096];
	struct entry *en;
	size_t len;
	char *text;
	int major, minor;
	char enc[64];

	snprintf(name, sizeof name, "%sbagit.txt", v->top);
	en = find_entry(v, name);
	if (en == NULL)
		return;
	text = read_tag(v, en, &len);
	if (text == NULL)
		return;
	if (sscanf(text, "BagIt-Version: %d.%d\nTag-File-Character-Encoding: "
	           "%63[^\r\n]", &major, &minor, enc) != 3)
		report(v, en->name, "not 'BagIt-Version: M.N' then "
		       "'Tag-File-Character-Encoding: ENCODING'");
	else if (strcmp(enc, "UTF-8") != 0)
		report(v, en->name, "tag files in %s, only UTF-8 is read", enc);
	free(text);
}

/* Finds "Label: value" in bag-info.txt text; returns a pointer to the
 * value (ending at a line end) or NULL. */
static const char *info_value(const char *text, const char *label)
{
	size_t n = strlen(label);
	const char *line = text;

	while (line != NULL && *line) {
		if (strncmp(line, label, n) == 0 && line[n] == ':') {
			const char *v = line + n + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			return v;
		}
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	return NULL;
}

static void check_oxum(struct verifier *v, uint64_t bytes, uint64_t files)
{
	char name[4096], tail = 0;
	unsigned long long ob, of;
	struct entry *en;
	const char *oxum;
	size_t len;
	char *text;

	snprintf(name, sizeof name, "%sbag-info.txt", v->top);
	en = find_entry(v, name);
	if (en == NULL) {
		report(v, NULL, "no bag-info.txt: Payload-Oxum cannot be "
		       "checked");
		return;
	}
	text = read_tag(v, en, &len);
	if (text == NULL)
		return;
	oxum = info_value(text, "Payload-Oxum");
	if (oxum == NULL) {
		report(v, en->name, "no Payload-Oxum");
	} else if (sscanf(oxum, "%llu.%llu%c", &ob, &of, &tail) < 2 ||
	           (tail != '\n' && tail != '\r' && tail != 0)) {
		report(v, en->name, "Payload-Oxum is not OCTETS.FILES");
	} else if (ob != bytes || of != files) {
		report(v, en->name, "Payload-Oxum %llu.%llu, the payload is "
		       "%llu.%llu", ob, of, (unsigned long long)bytes,
		       (unsigned long long)files);
	}
	free(text);
}

static int check_bag(struct verifier *v, struct err *e)
{
	uint64_t bytes = 0, files = 0;
	int payload_manifests = 0, tag_manifests = 0, has_data = 0;

	check_bagit_txt(v);
	for (size_t i = 0; i < v->n; i++) {
		struct entry *en = &v->entries[i];
		int alg, tag = 0;
		if (en->unsafe || en->is_dir)
			continue;
		alg = manifest_alg(v, en, "manifest-");
		if (alg == 0) {
			alg = manifest_alg(v, en, "tagmanifest-");
			tag = 1;
		}
		if (alg == 0)
			continue;
		if (alg < 0) {
			report(v, en->name, "algorithm not supported, not "
			       "checked (sha256 and sha512 are)");
			continue;
		}
		if (load_manifest(v, en, alg, tag, 1, e) != 0)
			return -1;
		if (tag)
			tag_manifests++;
		else
			payload_manifests++;
	}
	if (payload_manifests == 0)
		report(v, NULL, "no payload manifest (%smanifest-sha512.txt)",
		       v->top);
	if (tag_manifests == 0)
		report(v, NULL, "no tag manifest (%stagmanifest-sha512.txt)",
		       v->top);
	for (size_t m = 0; m < v->n_mans; m++)
		if (check_listed(v, &v->mans[m], e) != 0)
			return -1;
	/* Nothing extra: every payload file in every payload manifest, every
	 * other tag file in every tag manifest. */
	for (size_t i = 0; i < v->n; i++) {
		struct entry *en = &v->entries[i];
		int payload = is_payload(v, en);
		const char *rel;
		if (strncmp(en->name, v->top, v->top_len) != 0)
			continue;
		rel = en->name + v->top_len;
		if (strncmp(rel, "data/", 5) == 0)
			has_data = 1;
		if (en->unsafe || en->is_dir)
			continue;
		if (!payload && strncmp(rel, "tagmanifest-", 12) == 0)
			continue;
		for (size_t m = 0; m < v->n_mans; m++) {
			if (v->mans[m].tag == payload)
				continue;
			if (!(en->listed & v->mans[m].bit))
				report(v, en->name, "not listed in %s",
				       base_name(v->mans[m].file->name));
		}
		if (payload) {
			int rc = digest_entry(v, en);
			if (rc == -2)
				return err_set(e, "out of memory");
			bytes += en->digested ? en->actual : en->size;
			files++;
		}
	}
	if (!has_data)
		report(v, NULL, "no payload directory %sdata/", v->top);
	v->sum->payload_files = files;
	v->sum->payload_bytes = bytes;
	check_oxum(v, bytes, files);
	return 0;
}

/* ---- packages --------------------------------------------------------- */

static int check_package(struct verifier *v, struct entry *man,
                         struct err *e)
{
	uint64_t bytes = 0, files = 0;

	if (load_manifest(v, man, ALG_SHA256, 0, 0, e) != 0)
		return -1;
	if (check_listed(v, &v->mans[0], e) != 0)
		return -1;
	for (size_t i = 0; i < v->n; i++) {
		struct entry *en = &v->entries[i];
		if (en->unsafe || en->is_dir || en == man ||
		    strncmp(en->name, v->top, v->top_len) != 0)
			continue;
		if (v->n_mans == 0 || !(en->listed & v->mans[0].bit))
			report(v, en->name, "not listed in manifest-sha256.txt");
		else {
			bytes += en->digested ? en->actual : en->size;
			files++;
		}
	}
	v->sum->payload_files = files;
	v->sum->payload_bytes = bytes;
	return 0;
}

/* ---- the whole archive ------------------------------------------------ */

/* Finds the top folder: the one holding bagit.txt (a bag) or
 * manifest-sha256.txt (a package). */
static struct entry *find_top(struct verifier *v, int *kind)
{
	static const char *const marks[] = { "bagit.txt", "manifest-sha256.txt" };

	for (int k = 0; k < 2; k++) {
		struct entry *found = NULL;
		int n = 0;
		for (size_t i = 0; i < v->n; i++) {
			const char *name = v->entries[i].name;
			const char *slash = strchr(name, '/');
			if (v->entries[i].unsafe || slash == NULL ||
			    slash == name || strcmp(slash + 1, marks[k]) != 0)
				continue;
			found = &v->entries[i];
			n++;
		}
		if (n > 1) {
			report(v, NULL, "more than one top folder holds %s",
			       marks[k]);
			return NULL;
		}
		if (found != NULL) {
			*kind = k == 0 ? KIND_BAG : KIND_PACKAGE;
			return found;
		}
	}
	report(v, NULL, "neither a BagIt bundle (TOP/bagit.txt) nor a "
	       "pactdoc package (TOP/manifest-sha256.txt)");
	return NULL;
}

static void free_verifier(struct verifier *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->entries[i].name);
	free(v->entries);
	for (size_t m = 0; m < v->n_mans; m++)
		free(v->mans[m].lines);
	free(v->mans);
	free(v->top);
	zipr_close(v->zr);
}

/* Sets v up for one archive; sum may be NULL (local is used instead). */
static void start(struct verifier *v, const struct verify_limits *lim,
                  verify_problem_fn problem, void *ctx,
                  struct verify_summary *sum, struct verify_summary *local)
{
	memset(v, 0, sizeof *v);
	v->sum = sum != NULL ? sum : local;
	memset(v->sum, 0, sizeof *v->sum);
	v->lim = lim != NULL ? lim : &verify_default_limits;
	v->problem = problem;
	v->ctx = ctx;
}

/* Checks the archive v->zr opened (or could not open: is_zip and ze say
 * why) from `size` bytes, frees v. Returns as verify_zip. */
static int check_archive(struct verifier *v, uint64_t size, int is_zip,
                         const struct err *ze, struct err *e)
{
	struct entry *mark;
	int kind = KIND_UNKNOWN, rc = -1;

	if (v->zr == NULL) {
		if (is_zip < 0)
			return err_set(e, "%s", ze->msg);
		report(v, NULL, "%s", is_zip == 0 ?
		       "not a ZIP archive, or truncated" : ze->msg);
		return v->count;
	}
	switch (load_entries(v, size, e)) {
	case -1:
		goto cleanup;
	case 1:
		rc = v->count;
		goto cleanup;
	}
	mark = find_top(v, &kind);
	if (mark == NULL) {
		rc = v->count;
		goto cleanup;
	}
	v->top_len = (size_t)(strchr(mark->name, '/') - mark->name) + 1;
	v->top = strndup(mark->name, v->top_len);
	if (v->top == NULL) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	v->sum->kind = kind;
	for (size_t i = 0; i < v->n; i++)
		if (!v->entries[i].unsafe &&
		    strncmp(v->entries[i].name, v->top, v->top_len) != 0)
			report(v, v->entries[i].name,
			       "outside the top folder %s", v->top);
	if ((kind == KIND_BAG ? check_bag(v, e) :
	     check_package(v, mark, e)) != 0)
		goto cleanup;
	rc = v->count;
cleanup:
	if (rc > 0)
		report_hidden(v);
	free_verifier(v);
	return rc;
}

int verify_zip(const char *path, const struct verify_limits *lim,
               verify_problem_fn problem, void *ctx,
               struct verify_summary *sum, struct err *e)
{
	struct verify_summary local;
	struct verifier v;
	struct stat st;
	struct err ze;
	int is_zip = 0, rc;

	start(&v, lim, problem, ctx, sum, &local);
	oom_clear();
	if (stat(path, &st) != 0)
		return err_sys(e, "%s", path);
	if (!S_ISREG(st.st_mode))
		return err_set(e, "%s: not a regular file", path);
	v.zr = zipr_open(path, &is_zip, &ze);
	rc = check_archive(&v, (uint64_t)st.st_size, is_zip, &ze, e);
	if (rc < 0 && is_zip < 0)
		err_set(e, "%s: %s", path, ze.msg);
	/* Memory ran out on the way: "intact" or a problem may be wrong. */
	if (oom_seen() && rc >= 0)
		rc = err_set(e, "%s: out of memory; not verified", path);
	return rc;
}

int verify_zip_mem(const void *data, size_t len,
                   const struct verify_limits *lim,
                   verify_problem_fn problem, void *ctx,
                   struct verify_summary *sum, struct err *e)
{
	struct verify_summary local;
	struct verifier v;
	struct err ze;
	int is_zip = 0, rc;

	start(&v, lim, problem, ctx, sum, &local);
	oom_clear();
	v.zr = zipr_open_mem(data, len, &is_zip, &ze);
	rc = check_archive(&v, len, is_zip, &ze, e);
	if (oom_seen() && rc >= 0)
		rc = err_set(e, "out of memory; not verified");
	return rc;
}
