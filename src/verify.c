/* verify.c — checks a bundle (BagIt) or package ZIP in place (see
 * verify.h): names, duplicates, manifests, digests, Payload-Oxum. */
#include "verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "bagit.h"
#include "oom.h"
#include "zipw.h"
#include "text.h"

const struct verify_limits verify_default_limits = {
	200000, 1100, 256u << 20
};

enum { KIND_UNKNOWN, KIND_BAG, KIND_PACKAGE };
enum { ALG_SHA256 = 1, ALG_SHA512 = 2 };

struct entry {
	char *name;
	uint64_t index;
	uint64_t size;          /* declared */
	int is_dir;
	int unsafe;
	int digested;
	uint64_t actual;        /* bytes read when digested */
	unsigned char sha256[32];  /* raw digests, once digested */
	unsigned char sha512[64];
	int failed;             /* could not be read: reported once */
};

/* One line of a manifest. */
struct listing {
	char *path;             /* decoded, relative to the top folder */
	unsigned char digest[64];  /* raw; 32 bytes used for SHA-256 */
};

struct manifest {
	const struct entry *file;   /* the manifest entry itself */
	int alg;
	int tag;                    /* tagmanifest-*.txt */
	struct listing *lines;
	size_t n;
};

struct verifier {
	struct zipr *zr;
	const struct verify_limits *lim;
	verify_problem_fn problem;
	void *ctx;
	int count;
	struct entry *entries;      /* sorted by name */
	size_t n;
	char *top;                  /* "pactdoc-2026-11-23/" */
	size_t top_len;
	struct manifest *mans;
	size_t n_mans;
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

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (entry != NULL)
		printable(entry, name, sizeof name);
	v->problem(v->ctx, entry != NULL ? name : NULL, msg);
	v->count++;
}

/* Why a name is unsafe to extract, or NULL when it is safe. */
static const char *unsafe_reason(const char *name)
{
	const char *p = name;
	size_t len = strlen(name);

	if (len == 0)
		return "empty name";
	if (name[0] == '/')
		return "unsafe name: absolute path";
	if (len >= 2 && name[1] == ':' &&
	    ((name[0] >= 'A' && name[0] <= 'Z') ||
	     (name[0] >= 'a' && name[0] <= 'z')))
		return "unsafe name: drive letter";
	if (strchr(name, '\\') != NULL)
		return "unsafe name: backslash";
	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return "unsafe name: control character";
	if (!text_utf8_valid(name))
		return "unsafe name: not UTF-8";
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return "unsafe name: '..' component";
		if (n == 1 && p[0] == '.')
			return "unsafe name: '.' component";
		if (n == 0)
			return "unsafe name: empty component";
		if (slash == NULL || slash[1] == '\0')
			break;
		p = slash + 1;
	}
	return NULL;
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
		const char *name = zipr_entry(v->zr, i, &en->size, NULL, &ee);
		const char *why;
		if (name == NULL) {
			report(v, NULL, "entry %llu: %s", (unsigned long long)i,
			       ee.msg);
			continue;
		}
		if ((en->name = strdup(name)) == NULL)
			return err_set(e, "out of memory");
		en->index = i;
		en->is_dir = name[0] != '\0' && name[strlen(name) - 1] == '/';
		why = unsafe_reason(name);
		if (why != NULL) {
			en->unsafe = 1;
			report(v, name, "%s", why);
		}
		total += en->size;
		v->n++;
	}
	qsort(v->entries, v->n, sizeof *v->entries, compare_entries);
	for (size_t i = 1; i < v->n; i++)
		if (strcmp(v->entries[i - 1].name, v->entries[i].name) == 0)
			report(v, v->entries[i].name, "duplicate entry");
	budget = file_size > UINT64_MAX / v->lim->max_ratio ? UINT64_MAX :
	         file_size * v->lim->max_ratio + (16u << 20);
	v->sum->entries = v->n;
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

static int buffer_sink(void *ctx, const void *data, size_t len)
{
	struct buffer *b = ctx;

	if (b->n + len + 1 > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 4096) + len;
		char *np = realloc(b->p, cap);
		if (np == NULL)
			return 1;
		b->p = np;
		b->cap = cap;
	}
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
	if (b.p == NULL)
		b.p = calloc(1, 1);
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

static int compare_listings(const void *a, const void *b)
{
	return strcmp(((const struct listing *)a)->path,
	              ((const struct listing *)b)->path);
}

/* Parses "HEX  PATH" lines into m; bad lines are reported. `decode`
 * applies BagIt's percent-decoding. Returns 0, or -1 on out of memory. */
static int parse_manifest(struct verifier *v, struct manifest *m,
                          char *text, int decode, struct err *e)
{
	size_t hexlen = m->alg == ALG_SHA512 ? 128 : 64, cap = 0;
	int lineno = 0;
	char *line = text;

	while (line != NULL && *line != '\0') {
		char *nl = strchr(line, '\n'), *p;
		unsigned char digest[64];
		size_t len;
		lineno++;
		if (nl != NULL)
			*nl = '\0';
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len < hexlen + 2 || (line[hexlen] != ' ' &&
		                         line[hexlen] != '\t') ||
		    from_hex(line, hexlen, digest) != 0) {
			report(v, m->file->name, "line %d: not 'DIGEST PATH'",
			       lineno);
			goto next;
		}
		p = line + hexlen;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '*')      /* sha*sum's binary-mode marker */
			p++;
		if (m->n == cap) {
			struct listing *nl2;
			cap = cap ? cap * 2 : 64;
			nl2 = realloc(m->lines, cap * sizeof *nl2);
			if (nl2 == NULL)
				return err_set(e, "out of memory");
			m->lines = nl2;
		}
		m->lines[m->n].path = decode ? bagit_decode_path(p) : strdup(p);
		if (m->lines[m->n].path == NULL)
			return err_set(e, "out of memory");
		memcpy(m->lines[m->n].digest, digest, hexlen / 2);
		m->n++;
next:
		line = nl != NULL ? nl + 1 : NULL;
	}
	if (m->n > 0)
		qsort(m->lines, m->n, sizeof *m->lines, compare_listings);
	for (size_t i = 1; i < m->n; i++)
		if (strcmp(m->lines[i - 1].path, m->lines[i].path) == 0)
			report(v, m->file->name, "lists %s twice",
			       m->lines[i].path);
	return 0;
}

static const struct listing *find_listing(const struct manifest *m,
                                          const char *path)
{
	struct listing key;

	key.path = (char *)path;
	if (m->n == 0)
		return NULL;
	return bsearch(&key, m->lines, m->n, sizeof *m->lines,
	               compare_listings);
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

/* Checks every line of m: the entry exists, is safe and has the digest.
 * Returns 0, or -1 on out of memory. */
static int check_listed(struct verifier *v, const struct manifest *m,
                        struct err *e)
{
	char full[8192];

	for (size_t i = 0; i < m->n; i++) {
		const struct listing *l = &m->lines[i];
		struct entry *en;
		const char *why = unsafe_reason(l->path);
		int rc;

		if ((size_t)snprintf(full, sizeof full, "%s%s", v->top,
		                     l->path) >= sizeof full)
			why = "path too long";
		if (why != NULL) {
			report(v, m->file->name, "lists %s: %s", l->path, why);
			continue;
		}
		if (m->tag == 0 && v->sum->kind == KIND_BAG &&
		    strncmp(l->path, "data/", 5) != 0) {
			report(v, m->file->name, "lists %s, outside data/",
			       l->path);
			continue;
		}
		en = find_entry(v, full);
		if (en == NULL || en->is_dir) {
			report(v, full, "listed in %s but missing",
			       base_name(m->file->name));
			continue;
		}
		rc = digest_entry(v, en);
		if (rc == -2)
			return err_set(e, "out of memory");
		if (rc != 0)
			continue;
		if (m->alg == ALG_SHA512 ?
		    memcmp(en->sha512, l->digest, 64) != 0 :
		    memcmp(en->sha256, l->digest, 32) != 0)
			report(v, full, "%s digest does not match %s",
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

static int load_manifest(struct verifier *v, struct entry *en, int alg,
                         int tag, int decode, struct err *e)
{
	struct manifest *m;
	size_t len;
	char *text;
	int rc;

	m = realloc(v->mans, (v->n_mans + 1) * sizeof *m);
	if (m == NULL)
		return err_set(e, "out of memory");
	v->mans = m;
	m = &v->mans[v->n_mans++];
	memset(m, 0, sizeof *m);
	m->file = en;
	m->alg = alg;
	m->tag = tag;
	v->need |= alg;
	text = read_tag(v, en, &len);
	/* Without this manifest, every file it lists would look extra. */
	if (text == NULL && oom_seen())
		return err_set(e, "%s: out of memory", en->name);
	if (text == NULL)
		return 0;
	if (strlen(text) != len)
		report(v, en->name, "holds a NUL byte");
	rc = parse_manifest(v, m, text, decode, e);
	free(text);
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
			if (find_listing(&v->mans[m], rel) == NULL)
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
		if (find_listing(&v->mans[0], en->name + v->top_len) == NULL)
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
	for (size_t m = 0; m < v->n_mans; m++) {
		for (size_t i = 0; i < v->mans[m].n; i++)
			free(v->mans[m].lines[i].path);
		free(v->mans[m].lines);
	}
	free(v->mans);
	free(v->top);
	zipr_close(v->zr);
}

int verify_zip(const char *path, const struct verify_limits *lim,
               verify_problem_fn problem, void *ctx,
               struct verify_summary *sum, struct err *e)
{
	struct verifier v = { 0 };
	struct verify_summary local;
	struct entry *mark;
	struct stat st;
	struct err ze;
	int is_zip = 0, kind = KIND_UNKNOWN, rc = -1;

	if (sum == NULL)
		sum = &local;
	memset(sum, 0, sizeof *sum);
	oom_clear();
	v.lim = lim != NULL ? lim : &verify_default_limits;
	v.problem = problem;
	v.ctx = ctx;
	v.sum = sum;
	if (stat(path, &st) != 0)
		return err_sys(e, "%s", path);
	if (!S_ISREG(st.st_mode))
		return err_set(e, "%s: not a regular file", path);
	v.zr = zipr_open(path, &is_zip, &ze);
	if (v.zr == NULL) {
		if (is_zip < 0)
			return err_set(e, "%s: %s", path, ze.msg);
		report(&v, NULL, "%s", is_zip == 0 ? "not a ZIP archive, or truncated" :
		       ze.msg);
		return v.count;
	}
	switch (load_entries(&v, (uint64_t)st.st_size, e)) {
	case -1:
		goto cleanup;
	case 1:
		rc = v.count;
		goto cleanup;
	}
	mark = find_top(&v, &kind);
	if (mark == NULL) {
		rc = v.count;
		goto cleanup;
	}
	v.top_len = (size_t)(strchr(mark->name, '/') - mark->name) + 1;
	v.top = strndup(mark->name, v.top_len);
	if (v.top == NULL) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	sum->kind = kind;
	for (size_t i = 0; i < v.n; i++)
		if (!v.entries[i].unsafe &&
		    strncmp(v.entries[i].name, v.top, v.top_len) != 0)
			report(&v, v.entries[i].name, "outside the top folder %s",
			       v.top);
	if ((kind == KIND_BAG ? check_bag(&v, e) :
	     check_package(&v, mark, e)) != 0)
		goto cleanup;
	rc = v.count;
cleanup:
	free_verifier(&v);
	/* Memory ran out on the way: "intact" or a problem may be wrong. */
	if (oom_seen() && rc >= 0)
		rc = err_set(e, "%s: out of memory; not verified", path);
	return rc;
}
