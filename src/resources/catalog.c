/* catalog.c — loading the XLIFF 2.0 message catalogues and looking
 * messages up along the BCP 47 fallback chain (see catalog.h). A set
 * opened with catalog_open parses en.xlf at once and every other file on
 * first use, under the set's mutex; a parsed language never changes
 * afterwards, so lookups read it without the lock. */
#include "catalog.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "array.h"
#include "fsutil.h"
#include "text.h"
#include "xmldoc.h"

#define XLIFF_NS "urn:oasis:names:tc:xliff:document:2.0"
#define TAG_MAX 64

struct unit {
	char *id;
	char *text;
	int state;              /* enum catalog_state */
};

struct cfile {
	char *id;
	struct unit *units;     /* sorted by id */
	int n_units;
};

/* What became of a language's file. */
enum lang_state {
	LANG_UNREAD,            /* listed, not parsed yet */
	LANG_READ,              /* parsed: files and units never change again */
	LANG_BROKEN             /* could not be parsed: error says why */
};

struct lang {
	char *tag;
	char *path;             /* the .xlf it is parsed from */
	struct cfile *files;    /* in document order */
	int n_files;
	_Atomic int state;      /* enum lang_state; published by a release
	                           store after files are complete */
	char *error;            /* LANG_BROKEN: the message */
};

struct catalog {
	struct lang *langs;     /* sorted by tag */
	int n_langs;
	const struct lang *base;
	pthread_mutex_t lock;   /* serialises the parsing of languages */
};

/* --- freeing ---------------------------------------------------------- */

static void cfile_clear(struct cfile *f)
{
	for (int i = 0; i < f->n_units; i++) {
		free(f->units[i].id);
		free(f->units[i].text);
	}
	free(f->units);
	free(f->id);
}

static void lang_clear(struct lang *l)
{
	for (int i = 0; i < l->n_files; i++)
		cfile_clear(&l->files[i]);
	free(l->files);
	l->files = NULL;
	l->n_files = 0;
	free(l->tag);
	free(l->path);
	free(l->error);
}

void catalog_free(struct catalog *c)
{
	if (c == NULL)
		return;
	for (int i = 0; i < c->n_langs; i++)
		lang_clear(&c->langs[i]);
	free(c->langs);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* --- text ------------------------------------------------------------- */

/* Appends the text of node, as written, to buf (grown as needed).
 * Returns 0, or -1 out of memory. */
static int append_text(char **buf, size_t *len, size_t *cap,
                       const xmlNode *node)
{
	xmlChar *raw = xmlNodeGetContent(node);
	size_t n;
	char *nb;

	if (raw == NULL)
		return 0;
	n = strlen((const char *)raw);
	if ((nb = array_reserve(*buf, 1, *len, n + 1, cap)) == NULL) {
		xmlFree(raw);
		return -1;
	}
	*buf = nb;
	memcpy(*buf + *len, raw, n + 1);
	*len += n;
	xmlFree(raw);
	return 0;
}

/* XLIFF 2.0's segment states, from least to most trusted; the index is
 * the enum catalog_state. */
static const char *const state_names[] = {
	"initial", "translated", "reviewed", "final"
};

const char *catalog_state_name(int state)
{
	return state >= 0 && state <= CATALOG_FINAL ? state_names[state] : "?";
}

/* The state of a <segment>: its state attribute, absent = initial (as
 * XLIFF 2.0 says). Returns 0 with *state set, or -1 with e set for a
 * value XLIFF does not define. */
static int segment_state(const xmlNode *seg, int *state, const char *path,
                         struct err *e)
{
	char *v = xmldoc_attr(seg, "state");
	int rc = -1;

	*state = CATALOG_INITIAL;
	if (v == NULL)
		return 0;
	for (int i = 0; i <= CATALOG_FINAL; i++)
		if (strcmp(v, state_names[i]) == 0) {
			*state = i;
			rc = 0;
		}
	if (rc != 0)
		err_set(e, "%s:%d: error: segment state \"%s\" is not one of "
		        "initial, translated, reviewed, final [xliff-state]", path,
		        (int)xmlGetLineNo(seg), v);
	free(v);
	return rc;
}

/* The unit's text: the <target>s (or, for the base language, the
 * <source>s) of its segments and ignorables, in order, white space
 * collapsed, NFC. *out is NULL when the unit has no such text. *state
 * receives the least state of its segments. Returns 0, or -1 with e set
 * (a bad state) or without (out of memory). */
static int unit_text(const xmlNode *unit, int is_base, char **out,
                     int *state, const char *path, struct err *e)
{
	const char *want = is_base ? "source" : "target";
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int found = 0;

	*out = NULL;
	*state = CATALOG_FINAL;
	for (const xmlNode *seg = unit->children; seg; seg = seg->next) {
		if (xmldoc_is(seg, XLIFF_NS, "segment")) {
			int st;
			if (segment_state(seg, &st, path, e) != 0) {
				free(buf);
				return -1;
			}
			if (st < *state)
				*state = st;
		} else if (!xmldoc_is(seg, XLIFF_NS, "ignorable")) {
			continue;
		}
		for (const xmlNode *t = seg->children; t; t = t->next) {
			if (!xmldoc_is(t, XLIFF_NS, want))
				continue;
			found = 1;
			if (append_text(&buf, &len, &cap, t) != 0) {
				free(buf);
				return -1;
			}
		}
	}
	if (!found || len == 0) {
		free(buf);
		return 0;
	}
	*out = text_clean(buf, TEXT_LINE);
	free(buf);
	if (*out != NULL && (*out)[0] == '\0') {
		free(*out);
		*out = NULL;
		return 0;
	}
	return *out == NULL ? -1 : 0;
}

/* --- loading ---------------------------------------------------------- */

static int unit_cmp(const void *a, const void *b)
{
	return strcmp(((const struct unit *)a)->id,
	              ((const struct unit *)b)->id);
}

/* Collects the units of a <file> into f->units (room for *cap), looking
 * inside <group>s too. Returns 0, or -1 with e set. */
static int collect_units(const xmlNode *parent, struct cfile *f, int is_base,
                         int *cap, const char *path, struct err *e)
{
	for (const xmlNode *n = parent->children; n; n = n->next) {
		char *id, *text = NULL;
		int state = CATALOG_INITIAL;
		struct unit *nu;

		if (xmldoc_is(n, XLIFF_NS, "group")) {
			if (collect_units(n, f, is_base, cap, path, e) != 0)
				return -1;
			continue;
		}
		if (!xmldoc_is(n, XLIFF_NS, "unit"))
			continue;
		id = xmldoc_attr(n, "id");
		if (id == NULL || *id == '\0') {
			free(id);
			return err_set(e, "%s:%d: a unit without an id", path,
			               (int)xmlGetLineNo(n));
		}
		if (e != NULL)
			e->msg[0] = '\0';
		if (unit_text(n, is_base, &text, &state, path, e) != 0) {
			if (e != NULL && e->msg[0] == '\0')
				err_set(e, "%s:%d: unit '%s': invalid text or out of "
				        "memory", path, (int)xmlGetLineNo(n), id);
			free(id);
			return -1;
		}
		if (text == NULL) {     /* untranslated: falls back */
			free(id);
			continue;
		}
		nu = array_reserve_int(f->units, sizeof *nu, f->n_units, 1, cap);
		if (nu == NULL) {
			free(id);
			free(text);
			return err_set(e, "%s: out of memory", path);
		}
		f->units = nu;
		f->units[f->n_units].id = id;
		f->units[f->n_units].text = text;
		f->units[f->n_units].state = state;
		f->n_units++;
	}
	return 0;
}

static int load_file(const xmlNode *node, struct cfile *f, int is_base,
                     const char *path, struct err *e)
{
	int cap = 0;

	f->id = xmldoc_attr(node, "id");
	if (f->id == NULL || *f->id == '\0')
		return err_set(e, "%s:%d: a <file> without an id", path,
		               (int)xmlGetLineNo(node));
	if (collect_units(node, f, is_base, &cap, path, e) != 0)
		return -1;
	if (f->n_units > 1)
		qsort(f->units, (size_t)f->n_units, sizeof *f->units, unit_cmp);
	for (int i = 1; i < f->n_units; i++)
		if (strcmp(f->units[i - 1].id, f->units[i].id) == 0)
			return err_set(e, "%s: file '%s': unit '%s' appears twice",
			               path, f->id, f->units[i].id);
	return 0;
}

/* Whether s is a plausible BCP 47 tag: alphanumeric subtags of 1-8
 * characters joined by '-', the first alphabetic. */
static int tag_ok(const char *s)
{
	size_t len = strlen(s), run = 0;

	if (len == 0 || len >= TAG_MAX || !isalpha((unsigned char)s[0]))
		return 0;
	for (size_t i = 0; i <= len; i++) {
		if (s[i] == '-' || s[i] == '\0') {
			if (run == 0 || run > 8)
				return 0;
			run = 0;
		} else if (isalnum((unsigned char)s[i])) {
			run++;
		} else {
			return 0;
		}
	}
	return 1;
}

/* Checks the root element and that the file's language agrees with tag. */
static int check_root(const xmlNode *root, const char *tag, const char *path,
                      struct err *e)
{
	int is_base = strcasecmp(tag, CATALOG_BASE_LANG) == 0;
	char *version = NULL, *src = NULL, *trg = NULL;
	int rc = -1;

	if (!xmldoc_is(root, XLIFF_NS, "xliff")) {
		err_set(e, "%s: not an XLIFF 2.0 file (root <xliff> in %s)", path,
		        XLIFF_NS);
		goto cleanup;
	}
	version = xmldoc_attr(root, "version");
	src = xmldoc_attr(root, "srcLang");
	trg = xmldoc_attr(root, "trgLang");
	if (version == NULL || strcmp(version, "2.0") != 0) {
		err_set(e, "%s: XLIFF version must be 2.0", path);
		goto cleanup;
	}
	if (src == NULL || strcasecmp(src, CATALOG_BASE_LANG) != 0) {
		err_set(e, "%s: srcLang must be \"%s\"", path, CATALOG_BASE_LANG);
		goto cleanup;
	}
	if (!is_base && (trg == NULL || strcasecmp(trg, tag) != 0)) {
		err_set(e, "%s: trgLang \"%s\" does not match the file name", path,
		        trg ? trg : "");
		goto cleanup;
	}
	if (is_base && trg != NULL && strcasecmp(trg, tag) != 0) {
		err_set(e, "%s: trgLang must be absent or \"%s\"", path, tag);
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(version);
	free(src);
	free(trg);
	return rc;
}

/* Names l after the .xlf at path (its tag is the file name without
 * ".xlf"), unparsed. Takes ownership of path (freed with l). Returns 0,
 * or -1 with e set. */
static int name_lang(char *path, struct lang *l, struct err *e)
{
	const char *base = strrchr(path, '/');
	size_t n;

	l->path = path;
	base = base ? base + 1 : path;
	n = strlen(base) - 4;   /* ".xlf" */
	l->tag = strndup(base, n);
	if (l->tag == NULL)
		return err_set(e, "%s: out of memory", path);
	if (!tag_ok(l->tag))
		return err_set(e, "%s: the file name is not a language tag", path);
	return 0;
}

/* Parses l's file into l->files. Returns 0, or -1 with e set (l->files
 * may then hold part of the file: the caller clears it). */
static int parse_lang(struct lang *l, struct err *e)
{
	const char *path = l->path;
	xmlDocPtr doc = NULL;
	const xmlNode *root;
	struct cfile *nf;
	int cap = 0, rc = -1;

	doc = xmldoc_read(path, e);
	if (doc == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	if (check_root(root, l->tag, path, e) != 0)
		goto cleanup;
	for (const xmlNode *f = root->children; f; f = f->next) {
		if (!xmldoc_is(f, XLIFF_NS, "file"))
			continue;
		nf = array_reserve_int(l->files, sizeof *nf, l->n_files, 1, &cap);
		if (nf == NULL) {
			err_set(e, "%s: out of memory", path);
			goto cleanup;
		}
		l->files = nf;
		memset(&l->files[l->n_files], 0, sizeof l->files[0]);
		l->n_files++;
		if (load_file(f, &l->files[l->n_files - 1],
		              strcasecmp(l->tag, CATALOG_BASE_LANG) == 0, path,
		              e) != 0)
			goto cleanup;
		for (int i = 0; i < l->n_files - 1; i++)
			if (strcmp(l->files[i].id, l->files[l->n_files - 1].id) == 0) {
				err_set(e, "%s: file '%s' appears twice", path,
				        l->files[i].id);
				goto cleanup;
			}
	}
	rc = 0;
cleanup:
	xmlFreeDoc(doc);
	return rc;
}

/* Parses l on first use (any thread; c's lock serialises the parsing).
 * Returns 0 when l is parsed, or -1 with e set (may be NULL) when its
 * file is broken; the message is kept, so every later call gives the
 * same one without parsing again. */
static int lang_ready(const struct catalog *c, const struct lang *cl,
                      struct err *e)
{
	/* Lazily parsed: a const set is changed here, once, under the lock. */
	struct catalog *mc = (struct catalog *)c;
	struct lang *l = (struct lang *)cl;
	int state = atomic_load_explicit(&l->state, memory_order_acquire);
	struct err pe;

	if (state == LANG_UNREAD) {
		pthread_mutex_lock(&mc->lock);
		state = atomic_load_explicit(&l->state, memory_order_relaxed);
		if (state == LANG_UNREAD) {
			if (parse_lang(l, &pe) == 0) {
				state = LANG_READ;
			} else {
				for (int i = 0; i < l->n_files; i++)
					cfile_clear(&l->files[i]);
				free(l->files);
				l->files = NULL;
				l->n_files = 0;
				l->error = strdup(pe.msg);
				state = LANG_BROKEN;
			}
			atomic_store_explicit(&l->state, state, memory_order_release);
		}
		pthread_mutex_unlock(&mc->lock);
	}
	if (state == LANG_READ)
		return 0;
	return err_set(e, "%s", l->error ? l->error : "out of memory");
}

static int lang_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lang *)a)->tag,
	              ((const struct lang *)b)->tag);
}

static const struct lang *find_lang(const struct catalog *c, const char *tag)
{
	for (int i = 0; i < c->n_langs; i++)
		if (strcasecmp(c->langs[i].tag, tag) == 0)
			return &c->langs[i];
	return NULL;
}

/* The catalogue whose tag is the first n bytes of tag (case-insensitive),
 * or NULL. */
static const struct lang *find_lang_n(const struct catalog *c,
                                      const char *tag, size_t n)
{
	for (int i = 0; i < c->n_langs; i++)
		if (strlen(c->langs[i].tag) == n &&
		    strncasecmp(c->langs[i].tag, tag, n) == 0)
			return &c->langs[i];
	return NULL;
}

struct catalog *catalog_open(const char *dir, struct err *e)
{
	struct catalog *c = NULL;
	char **paths = NULL;
	int n;

	n = fs_list_dir(dir, ".xlf", &paths, e);
	if (n < 0)
		return NULL;
	c = calloc(1, sizeof *c);
	if (c == NULL || (n > 0 && (c->langs = calloc((size_t)n,
	                                               sizeof *c->langs)) == NULL)) {
		err_set(e, "%s: out of memory", dir);
		free(c);
		c = NULL;
		goto fail;
	}
	pthread_mutex_init(&c->lock, NULL);
	for (int i = 0; i < n; i++) {
		c->n_langs++;
		if (name_lang(paths[i], &c->langs[i], e) != 0) {
			paths[i] = NULL;
			goto fail;
		}
		paths[i] = NULL;        /* owned by the language now */
	}
	qsort(c->langs, (size_t)c->n_langs, sizeof *c->langs, lang_cmp);
	for (int i = 1; i < c->n_langs; i++)
		if (strcasecmp(c->langs[i - 1].tag, c->langs[i].tag) == 0) {
			err_set(e, "%s: two catalogues for '%s'", dir, c->langs[i].tag);
			goto fail;
		}
	c->base = find_lang(c, CATALOG_BASE_LANG);
	if (c->base == NULL) {
		err_set(e, "%s: no %s.xlf (the base catalogue)", dir,
		        CATALOG_BASE_LANG);
		goto fail;
	}
	if (lang_ready(c, c->base, e) != 0)
		goto fail;
	fs_free_list(paths, n);
	return c;
fail:
	fs_free_list(paths, n);
	catalog_free(c);
	return NULL;
}

struct catalog *catalog_load(const char *dir, struct err *e)
{
	struct catalog *c = catalog_open(dir, e);

	for (int i = 0; c != NULL && i < c->n_langs; i++)
		if (lang_ready(c, &c->langs[i], e) != 0) {
			catalog_free(c);
			return NULL;
		}
	return c;
}

/* --- lookup ----------------------------------------------------------- */

/* Shortens a tag by one step of RFC 4647 lookup ("sr-Latn-RS" ->
 * "sr-Latn", "de-x-foo" -> "de"). Returns 0, or -1 when nothing is left. */
/* The length of the next prefix of tag[0..n) along the RFC 4647 lookup
 * chain: the last subtag goes, and a singleton left before it goes with
 * it ("en-x-ab" -> "en"). 0 when there is none. Works on lengths, so a
 * tag of any length is walked without a copy. */
static size_t tag_shorter(const char *tag, size_t n)
{
	size_t i = n;

	while (i > 0 && tag[i - 1] != '-')
		i--;
	if (i == 0)
		return 0;
	n = i - 1;
	i = n;
	while (i > 0 && tag[i - 1] != '-')
		i--;
	if (i > 0 && n - i == 1)
		n = i - 1;
	return n;
}

static const struct cfile *find_file(const struct lang *l, const char *id)
{
	for (int i = 0; i < l->n_files; i++)
		if (strcmp(l->files[i].id, id) == 0)
			return &l->files[i];
	return NULL;
}

/* The unit `unit` of `file` in l, or NULL. */
static const struct unit *lang_unit(const struct catalog *c,
                                    const struct lang *l, const char *file,
                                    const char *unit)
{
	const struct cfile *f;
	struct unit key = { (char *)unit, NULL, 0 };

	if (lang_ready(c, l, NULL) != 0)
		return NULL;    /* broken: catalog_prepare reports it */
	f = find_file(l, file);
	if (f == NULL || f->n_units == 0)
		return NULL;
	return bsearch(&key, f->units, (size_t)f->n_units, sizeof *f->units,
	               unit_cmp);
}

static const char *lang_get(const struct catalog *c,
                            const struct lang *l, const char *file,
                            const char *unit)
{
	const struct unit *u = lang_unit(c, l, file, unit);

	return u ? u->text : NULL;
}

const char *catalog_get(const struct catalog *c, const char *lang,
                        const char *file, const char *unit)
{
	const struct lang *l = find_lang(c, lang);

	return l ? lang_get(c, l, file, unit) : NULL;
}

/* Where a requested tag goes when no catalogue has it: deprecated codes,
 * macrolanguages, and the script a tag implies (CLDR's likely subtags).
 * Tried at each step of the lookup chain before the tag is shortened; a
 * target without a catalogue is passed over. "en" as target ends the
 * chain: a catalogue in another script would be the wrong text, English
 * is at least legible. One table: add a row to add a mapping. */
static const struct { const char *from, *to; } tag_aliases[] = {
	{ "sr",      "sr-Cyrl" },   /* Serbian: Cyrillic is the official script */
	{ "sr-RS",   "sr-Cyrl" },
	{ "sr-BA",   "sr-Cyrl" },
	{ "sr-ME",   "sr-Latn" },   /* Montenegro writes Serbian in Latin (CLDR) */
	{ "sr-XK",   "sr-Cyrl" },
	{ "no",      "nb" },        /* Norwegian: Bokmål catalogue */
	{ "nn",      "nb" },        /* Nynorsk readers read Bokmål; no nn catalogue */
	{ "mo",      "ro" },        /* Moldavian, deprecated for ro */
	{ "iw",      "he" },        /* Hebrew, deprecated code */
	{ "uz-Cyrl", "en" },        /* our uz is Latin */
	{ "uz-Arab", "en" },
	{ "bs-Cyrl", "en" },        /* our bs is Latin */
	{ "az-Cyrl", "en" },        /* our az is Latin */
	{ "az-Arab", "en" },
	{ "kk-Latn", "en" },        /* our kk is Cyrillic */
	{ "kk-Arab", "en" },
	{ "ky-Latn", "en" },        /* our ky is Cyrillic */
	{ "ky-Arab", "en" },
	{ "tg-Latn", "en" },        /* our tg is Cyrillic */
	{ "tg-Arab", "en" },
	{ "ru-Latn", "en" },
	{ "uk-Latn", "en" },
	{ "mk-Latn", "en" },
	{ "bg-Latn", "en" },
	{ "el-Latn", "en" },
};

/* The alias target of the first n bytes of tag, or NULL. */
static const char *tag_alias(const char *tag, size_t n)
{
	for (size_t i = 0; i < sizeof tag_aliases / sizeof tag_aliases[0]; i++)
		if (strlen(tag_aliases[i].from) == n &&
		    strncasecmp(tag_aliases[i].from, tag, n) == 0)
			return tag_aliases[i].to;
	return NULL;
}

/* A walk along the lookup chain of a tag. */
struct walk {
	const char *tag;
	size_t n;               /* length of the next prefix to try; 0: done */
	int ended;              /* the base language has been given */
};

/* The next catalogue of the chain: the prefix's own, or its alias's;
 * the base catalogue last. *tried (may be NULL) receives the length of
 * the prefix that led to it (0 for the base at the end), *via the alias
 * target or NULL. Returns NULL when the walk is over. */
static const struct lang *walk_next(const struct catalog *c, struct walk *w,
                                    size_t *tried, const char **via)
{
	while (w->n > 0) {
		size_t n = w->n;
		const struct lang *l = find_lang_n(c, w->tag, n);
		const char *to;

		w->n = tag_shorter(w->tag, n);
		if (tried != NULL)
			*tried = n;
		if (via != NULL)
			*via = NULL;
		if (l != NULL)
			return l;
		to = tag_alias(w->tag, n);
		if (to == NULL)
			continue;
		if (via != NULL)
			*via = to;
		if (strcasecmp(to, CATALOG_BASE_LANG) == 0) {
			w->n = 0;
			w->ended = 1;
			return c->base;
		}
		if ((l = find_lang(c, to)) != NULL)
			return l;
	}
	if (w->ended)
		return NULL;
	w->ended = 1;
	if (tried != NULL)
		*tried = 0;
	if (via != NULL)
		*via = NULL;
	return c->base;
}

int catalog_prepare(const struct catalog *c, const char *tag, struct err *e)
{
	struct walk w = { tag, tag ? strlen(tag) : 0, 0 };
	const struct lang *l;

	while ((l = walk_next(c, &w, NULL, NULL)) != NULL)
		if (lang_ready(c, l, e) != 0)
			return -1;
	return 0;
}

const char *catalog_resolve(const struct catalog *c, const char *tag)
{
	struct walk w = { tag, tag ? strlen(tag) : 0, 0 };

	return walk_next(c, &w, NULL, NULL)->tag;
}

char *catalog_chain(const struct catalog *c, const char *tag)
{
	const char *used = catalog_resolve(c, tag);
	size_t n = tag ? strlen(tag) : 0, size = strlen(used) + 1, len = 0;
	char *chain;

	/* Each prefix is tried once, with at most one alias: the chain is at
	 * most the sum of their lengths and arrows, then the base. */
	for (size_t k = n; k > 0; k = tag_shorter(tag, k))
		size += k + 4 + TAG_MAX + 4;
	if ((chain = malloc(size)) == NULL)
		return NULL;
	for (; n > 0; n = tag_shorter(tag, n)) {
		const char *to;
		len += (size_t)snprintf(chain + len, size - len, "%s%.*s",
		                        len ? " -> " : "", (int)n, tag);
		if (find_lang_n(c, tag, n) != NULL)
			return chain;
		to = tag_alias(tag, n);
		if (to != NULL && (strcasecmp(to, CATALOG_BASE_LANG) == 0 ||
		                   find_lang(c, to) != NULL)) {
			snprintf(chain + len, size - len, " -> %s", to);
			return chain;
		}
	}
	snprintf(chain + len, size - len, "%s%s", len ? " -> " : "", used);
	return chain;
}

const char *catalog_lookup(const struct catalog *c, const char *tag,
                           const char *file, const char *unit,
                           const char **from)
{
	return catalog_lookup_state(c, tag, file, unit, from, NULL);
}

const char *catalog_lookup_state(const struct catalog *c, const char *tag,
                                 const char *file, const char *unit,
                                 const char **from, int *state)
{
	struct walk w = { tag, tag ? strlen(tag) : 0, 0 };
	const struct lang *l;

	if (from != NULL)
		*from = NULL;
	while ((l = walk_next(c, &w, NULL, NULL)) != NULL) {
		const struct unit *u = lang_unit(c, l, file, unit);
		if (u == NULL)
			continue;
		if (from != NULL)
			*from = l->tag;
		if (state != NULL)
			*state = l == c->base ? CATALOG_FINAL : u->state;
		return u->text;
	}
	return NULL;
}

int catalog_series_len(const struct catalog *c, const char *file,
                       const char *prefix)
{
	char id[256];
	int n = 0;

	for (;;) {
		if (snprintf(id, sizeof id, "%s%d", prefix, n + 1) >= (int)sizeof id)
			return n;
		if (lang_get(c, c->base, file, id) == NULL)
			return n;
		n++;
	}
}

/* --- listing ---------------------------------------------------------- */

int catalog_n_langs(const struct catalog *c)
{
	return c->n_langs;
}

const char *catalog_lang(const struct catalog *c, int i)
{
	return i >= 0 && i < c->n_langs ? c->langs[i].tag : NULL;
}

int catalog_n_files(const struct catalog *c)
{
	return c->base->n_files;
}

const char *catalog_file_id(const struct catalog *c, int i)
{
	return i >= 0 && i < c->base->n_files ? c->base->files[i].id : NULL;
}

int catalog_completeness(const struct catalog *c, const char *lang,
                         const char *file, int *present, int *total)
{
	const struct lang *l = find_lang(c, lang);
	const struct cfile *bf = find_file(c->base, file);

	if (l == NULL || bf == NULL)
		return -1;
	*total = bf->n_units;
	*present = 0;
	for (int i = 0; i < bf->n_units; i++)
		if (lang_get(c, l, file, bf->units[i].id) != NULL)
			(*present)++;
	return 0;
}

int catalog_review(const struct catalog *c, const char *lang, int *reviewed,
                   int *total)
{
	const struct lang *l = find_lang(c, lang);

	if (l == NULL)
		return -1;
	*reviewed = *total = 0;
	for (int f = 0; f < c->base->n_files; f++) {
		const struct cfile *bf = &c->base->files[f];
		for (int i = 0; i < bf->n_units; i++) {
			const struct unit *u = lang_unit(c, l, bf->id, bf->units[i].id);
			(*total)++;
			if (u != NULL && (l == c->base || u->state >= CATALOG_REVIEWED))
				(*reviewed)++;
		}
	}
	return 0;
}
