/* hyphcache.c — compiled hyphenation dictionaries (see hyphcache.h).
 * libhyphen builds its pattern automaton from the .dic text on every
 * load (hyph_de_DE.dic: 2.3 s, hyph_lv_LV.dic: 7 ms); the automaton it
 * builds is saved once, and read back by later runs in a fraction of
 * that.
 *
 * A cache file: the header (magic, a byte-order probe, the SHA-256 of
 * the .dic it was compiled from, the payload's length and SHA-256), then
 * the payload, in native byte order: the levels of the HyphenDict chain,
 * each with its options, character set and states, each state with its
 * strings and transitions. A file whose source digest or payload digest
 * does not match, or whose automaton does not check out, is ignored and
 * rewritten. */
#include "hyphcache.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "err.h"
#include "fsutil.h"
#include "nocache.h"

#define MAGIC "pactdoc-hyph-1\n"
#define MAGIC_LEN 16
#define PROBE 0x01020304u
#define HEADER_LEN (MAGIC_LEN + 4 + 32 + 8 + 32)
#define MAX_DIC (64u << 20)
#define MAX_CACHE (512u << 20)
#define MAX_LEVELS 4

/* --- digests and the cache's place ------------------------------------- */

static int sha256(const void *data, size_t len, unsigned char out[32])
{
	unsigned int n = 0;

	return EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) == 1 &&
	       n == 32 ? 0 : -1;
}

/* The cache file of dic into out: DIR/hyph/NAME.bin, DIR being
 * PACTDOC_CACHE_DIR, else $XDG_CACHE_HOME/pactdoc, else
 * $HOME/.cache/pactdoc. Returns 0, or -1 when there is no cache
 * (PACTDOC_NO_CACHE set, no home, or a path too long). */
static int cache_path(const char *dic, char *out, size_t size)
{
	const char *env = getenv("PACTDOC_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	const char *base = strrchr(dic, '/');
	size_t stem;
	int n;

	if (caches_turned_off())
		return -1;
	base = base ? base + 1 : dic;
	stem = strlen(base);
	if (stem > 4 && strcmp(base + stem - 4, ".dic") == 0)
		stem -= 4;
	if (env != NULL && *env != '\0')
		n = snprintf(out, size, "%s/hyph/%.*s.bin", env, (int)stem, base);
	else if (xdg != NULL && xdg[0] == '/')
		n = snprintf(out, size, "%s/pactdoc/hyph/%.*s.bin", xdg,
		             (int)stem, base);
	else if (home != NULL && home[0] == '/')
		n = snprintf(out, size, "%s/.cache/pactdoc/hyph/%.*s.bin", home,
		             (int)stem, base);
	else
		return -1;
	return n > 0 && (size_t)n < size ? 0 : -1;
}

/* --- writing ----------------------------------------------------------- */

struct out {
	unsigned char *buf;
	size_t len, cap;
	int failed;
};

static void put(struct out *o, const void *data, size_t n)
{
	if (o->failed)
		return;
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 65536;
		unsigned char *nb;
		while (cap < o->len + n)
			cap *= 2;
		if ((nb = realloc(o->buf, cap)) == NULL) {
			o->failed = 1;
			return;
		}
		o->buf = nb;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, data, n);
	o->len += n;
}

static void put_i32(struct out *o, int32_t v)
{
	put(o, &v, sizeof v);
}

/* A string: its length with the NUL, then its bytes; -1 for NULL. */
static void put_str(struct out *o, const char *s, size_t len)
{
	if (s == NULL) {
		put_i32(o, -1);
		return;
	}
	put_i32(o, (int32_t)len);
	put(o, s, len);
}

/* nohyphen holds nohyphenl + 1 NUL-terminated strings end to end. */
static size_t nohyphen_len(const HyphenDict *d)
{
	size_t len = 0;

	if (d->nohyphen == NULL)
		return 0;
	for (int i = 0; i <= d->nohyphenl; i++)
		len += strlen(d->nohyphen + len) + 1;
	return len;
}

static void put_level(struct out *o, const HyphenDict *d)
{
	char opts[4] = { d->lhmin, d->rhmin, d->clhmin, d->crhmin };

	put(o, opts, sizeof opts);
	put_i32(o, d->nohyphenl);
	put_str(o, d->nohyphen, nohyphen_len(d));
	put(o, d->cset, sizeof d->cset);
	put_i32(o, d->utf8);
	put_i32(o, d->num_states);
	for (int i = 0; i < d->num_states; i++) {
		const HyphenState *s = &d->states[i];
		signed char idx[2] = { s->replindex, s->replcut };
		put_str(o, s->match, s->match ? strlen(s->match) + 1 : 0);
		put_str(o, s->repl, s->repl ? strlen(s->repl) + 1 : 0);
		put(o, idx, sizeof idx);
		put_i32(o, s->fallback_state);
		put_i32(o, s->num_trans);
		for (int t = 0; t < s->num_trans; t++) {
			put(o, &s->trans[t].ch, 1);
			put_i32(o, s->trans[t].new_state);
		}
	}
}

/* Saves d, compiled from a .dic whose digest is src, at path. Failing to
 * save is not an error: the next run parses the .dic again. */
static void save(const char *path, const HyphenDict *d,
                 const unsigned char src[32])
{
	struct out o = { 0 };
	uint32_t probe = PROBE;
	uint64_t len;
	unsigned char digest[32];
	char dir[4096];
	int32_t levels = 0;
	struct err e;

	for (const HyphenDict *l = d; l != NULL; l = l->nextlevel)
		levels++;
	if (levels > MAX_LEVELS)
		return;
	put(&o, MAGIC, MAGIC_LEN);
	put(&o, &probe, sizeof probe);
	put(&o, src, 32);
	put(&o, (uint64_t[1]){ 0 }, 8);         /* payload length, below */
	put(&o, digest, 32);                    /* payload digest, below */
	put_i32(&o, levels);
	for (const HyphenDict *l = d; l != NULL; l = l->nextlevel)
		put_level(&o, l);
	if (o.failed)
		goto cleanup;
	len = o.len - HEADER_LEN;
	memcpy(o.buf + MAGIC_LEN + 4 + 32, &len, 8);
	if (sha256(o.buf + HEADER_LEN, len, digest) != 0)
		goto cleanup;
	memcpy(o.buf + MAGIC_LEN + 4 + 32 + 8, digest, 32);
	snprintf(dir, sizeof dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	if (fs_mkdirs(dir, &e) == 0)
		(void)fs_write_atomic(path, o.buf, o.len, &e);
cleanup:
	free(o.buf);
}

/* --- reading ----------------------------------------------------------- */

struct in {
	const unsigned char *p, *end;
	int failed;
};

static const void *take(struct in *in, size_t n)
{
	const unsigned char *p = in->p;

	if (in->failed || (size_t)(in->end - in->p) < n) {
		in->failed = 1;
		return NULL;
	}
	in->p += n;
	return p;
}

static int32_t take_i32(struct in *in)
{
	const void *p = take(in, 4);
	int32_t v = 0;

	if (p != NULL)
		memcpy(&v, p, 4);
	return v;
}

/* A string of put_str, pointing into the buffer; NULL for none. A string
 * must end in a NUL; with `segments` > 0 it must hold that many NULs
 * (nohyphen). */
static char *take_str(struct in *in, int segments)
{
	int32_t len = take_i32(in);
	const char *s;
	int nuls = 0;

	if (in->failed || len == -1)
		return NULL;
	if (len <= 0 || (s = take(in, (size_t)len)) == NULL) {
		in->failed = 1;
		return NULL;
	}
	if (s[len - 1] != '\0')
		in->failed = 1;
	for (int32_t i = 0; i < len; i++)
		nuls += s[i] == '\0';
	if (segments > 0 ? nuls != segments : nuls != 1)
		in->failed = 1;
	return (char *)s;
}

/* Reads one level into d (states and transitions allocated; strings in
 * the buffer). Returns 0, or -1 on a malformed payload or out of
 * memory. */
static int take_level(struct in *in, HyphenDict *d)
{
	const char *opts = take(in, 4);
	const char *cset;

	memset(d, 0, sizeof *d);
	if (opts == NULL)
		return -1;
	d->lhmin = opts[0];
	d->rhmin = opts[1];
	d->clhmin = opts[2];
	d->crhmin = opts[3];
	d->nohyphenl = take_i32(in);
	if (d->nohyphenl < 0 || d->nohyphenl > 4096)
		return -1;
	d->nohyphen = take_str(in, d->nohyphenl + 1);
	if ((cset = take(in, sizeof d->cset)) == NULL)
		return -1;
	memcpy(d->cset, cset, sizeof d->cset);
	d->cset[sizeof d->cset - 1] = '\0';
	d->utf8 = take_i32(in);
	d->num_states = take_i32(in);
	if (in->failed || d->num_states <= 0 ||
	    (size_t)d->num_states > (size_t)(in->end - in->p) / 14)
		return -1;
	d->states = calloc((size_t)d->num_states, sizeof *d->states);
	if (d->states == NULL)
		return -1;
	for (int i = 0; i < d->num_states && !in->failed; i++) {
		HyphenState *s = &d->states[i];
		const signed char *idx;
		s->match = take_str(in, 0);
		s->repl = take_str(in, 0);
		if ((idx = take(in, 2)) == NULL)
			break;
		s->replindex = idx[0];
		s->replcut = idx[1];
		s->fallback_state = take_i32(in);
		s->num_trans = take_i32(in);
		if (s->fallback_state < -1 || s->fallback_state >= d->num_states ||
		    s->num_trans < 0 ||
		    (size_t)s->num_trans > (size_t)(in->end - in->p) / 5) {
			in->failed = 1;
			break;
		}
		if (s->num_trans == 0)
			continue;
		s->trans = malloc((size_t)s->num_trans * sizeof *s->trans);
		if (s->trans == NULL) {
			in->failed = 1;
			break;
		}
		for (int t = 0; t < s->num_trans; t++) {
			const char *ch = take(in, 1);
			s->trans[t].ch = ch ? *ch : 0;
			s->trans[t].new_state = take_i32(in);
			if (s->trans[t].new_state < 0 ||
			    s->trans[t].new_state >= d->num_states)
				in->failed = 1;
		}
	}
	return in->failed ? -1 : 0;
}

static void free_levels(HyphenDict *levels, int n)
{
	for (int k = 0; k < n; k++) {
		for (int i = 0; levels[k].states && i < levels[k].num_states; i++)
			free(levels[k].states[i].trans);
		free(levels[k].states);
	}
	free(levels);
}

/* The dictionary in a cache file's bytes (buf, len), if it was compiled
 * from a .dic whose digest is src. Returns it (levels in one array,
 * strings in buf), or NULL. */
static HyphenDict *parse(const unsigned char *buf, size_t len,
                         const unsigned char src[32])
{
	struct in in = { buf + HEADER_LEN, buf + len, 0 };
	unsigned char digest[32];
	uint32_t probe;
	uint64_t plen;
	HyphenDict *levels;
	int32_t n;

	if (len < HEADER_LEN + 4 || memcmp(buf, MAGIC, MAGIC_LEN) != 0)
		return NULL;
	memcpy(&probe, buf + MAGIC_LEN, 4);
	memcpy(&plen, buf + MAGIC_LEN + 4 + 32, 8);
	if (probe != PROBE || memcmp(buf + MAGIC_LEN + 4, src, 32) != 0 ||
	    plen != len - HEADER_LEN ||
	    sha256(buf + HEADER_LEN, (size_t)plen, digest) != 0 ||
	    memcmp(digest, buf + MAGIC_LEN + 4 + 32 + 8, 32) != 0)
		return NULL;
	n = take_i32(&in);
	if (n < 1 || n > MAX_LEVELS)
		return NULL;
	if ((levels = calloc((size_t)n, sizeof *levels)) == NULL)
		return NULL;
	for (int k = 0; k < n; k++) {
		if (take_level(&in, &levels[k]) != 0) {
			free_levels(levels, k + 1);
			return NULL;
		}
		if (k > 0)
			levels[k - 1].nextlevel = &levels[k];
	}
	if (in.p != in.end) {
		free_levels(levels, n);
		return NULL;
	}
	return levels;
}

/* --- the interface ------------------------------------------------------ */

HyphenDict *hyphcache_load(const char *dic, struct hyphcache *mem)
{
	char path[4096];
	size_t dlen = 0, clen = 0;
	char *text = NULL, *cached = NULL;
	unsigned char src[32];
	HyphenDict *d = NULL;
	FILE *f;

	memset(mem, 0, sizeof *mem);
	if ((text = fs_read_file(dic, MAX_DIC, &dlen, NULL)) == NULL)
		return NULL;
	if (sha256(text, dlen, src) != 0)
		goto cleanup;
	if (cache_path(dic, path, sizeof path) == 0 &&
	    (cached = fs_read_file(path, MAX_CACHE, &clen, NULL)) != NULL &&
	    (d = parse((unsigned char *)cached, clen, src)) != NULL) {
		mem->levels = d;
		mem->bytes = cached;
		cached = NULL;
		goto cleanup;
	}
	/* No cache, or not this .dic's: parse the text, then save. */
	if ((f = fmemopen(text, dlen, "r")) == NULL)
		goto cleanup;
	d = hnj_hyphen_load_file(f);
	fclose(f);
	if (d != NULL && cache_path(dic, path, sizeof path) == 0)
		save(path, d, src);
cleanup:
	free(text);
	free(cached);
	return d;
}

void hyphcache_free(HyphenDict *d, struct hyphcache *mem)
{
	int n = 0;

	if (d == NULL)
		return;
	if (mem->levels == NULL) {
		hnj_hyphen_free(d);
		return;
	}
	for (const HyphenDict *l = mem->levels; l != NULL; l = l->nextlevel)
		n++;
	free_levels(mem->levels, n);
	free(mem->bytes);
	memset(mem, 0, sizeof *mem);
}
