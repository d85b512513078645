/* hyph.c — hyphenation points from libhyphen dictionaries (see hyph.h).
 * Each language's dictionary is loaded on first use under a mutex (through
 * the compiled cache of hyphcache.c) and never changed afterwards;
 * hnj_hyphen_hyphenate2 only reads it. The points of recent words are
 * kept in a small cache per thread: documents repeat the same catalogue
 * text, and a hit skips the dictionary lookup, the encoding and libhyphen.
 *
 * libhyphen 2.8.8 calls exit(1) when an allocation fails, both while
 * loading a dictionary and while hyphenating a word (hnj_malloc). Our own
 * loader would not remove the second, and a copy of its hyphenation code
 * would have to match libhyphen's results exactly; so every call into
 * libhyphen is guarded instead: an atexit handler that sees the exit come
 * from inside libhyphen says memory ran out, removes the temporary files
 * being written (fs_remove_temps) and ends the process with status 2, so
 * nothing half-written is left and no record is called rejected. */
#include "hyph.h"

#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <hyphen.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/utf8.h>
#include <unistd.h>

#include "fsutil.h"
#include "nocache.h"
#include "oom.h"

#include "hyphcache.h"

#define HYPH_DIR "/usr/share/hyphen"
#define MAX_LANGS 64
#define MAX_WORD 64

/* One language: its dictionary (NULL when none) and, for 8-bit
 * dictionaries, the code point of each byte 0x80..0xFF. */
struct hyph_lang {
	char lang[12];
	char path[300];
	HyphenDict *dict;
	struct hyphcache mem;   /* what dict owns when read from the cache */
	int utf8;
	UChar high[128];
};

static struct hyph_lang langs[MAX_LANGS];
/* Entries [0, n_langs) are complete and never change: readers scan them
 * without the lock; a new entry is published by a release store. */
static _Atomic int n_langs;
static pthread_mutex_t langs_lock = PTHREAD_MUTEX_INITIALIZER;

/* Set while this thread is inside libhyphen. */
static __thread int in_libhyphen;
static pthread_once_t guard_once = PTHREAD_ONCE_INIT;

/* Runs at exit: if libhyphen called exit (its allocator failed), ends the
 * run as pactdoc does for any lack of memory. Async-signal-safe calls
 * only: the process may be in any state. */
static void libhyphen_exit_guard(void)
{
	static const char msg[] = "pactdoc: out of memory (libhyphen, "
	                          "hyphenation patterns); temporary files "
	                          "removed\n";

	if (!in_libhyphen)
		return;
	fs_remove_temps();
	if (write(2, msg, sizeof msg - 1) < 0) {
		/* nothing more to do */
	}
	_exit(2);
}

static void install_guard(void)
{
	atexit(libhyphen_exit_guard);
}

/* The dictionary of each language the Covenant works in, and the Debian
 * package it comes from (scripts/install-deps.sh installs them). A tag
 * takes the row of its longest prefix (sr-Latn-RS -> sr-Latn); a language
 * without a row takes any hyph_<lang>*.dic installed. Languages Debian has
 * no libhyphen patterns for (fi ga mt sq mk tr ka hy az kk ky uz tg ar he)
 * have no row: their text is set ragged right (hyph_justify). */
static const struct { const char *lang, *file, *package; } dicts[] = {
	{ "bg",      "hyph_bg_BG.dic",      "hyphen-bg" },
	{ "bs",      "hyph_hr_HR.dic",      "hyphen-hr" },  /* same rules, Latin */
	{ "ca",      "hyph_ca_ES.dic",      "hyphen-ca" },
	{ "cs",      "hyph_cs_CZ.dic",      "hyphen-cs" },
	{ "da",      "hyph_da_DK.dic",      "hyphen-da" },
	{ "de",      "hyph_de_DE.dic",      "hyphen-de" },
	{ "el",      "hyph_el_GR.dic",      "hyphen-el" },
	{ "en",      "hyph_en_US.dic",      "hyphen-en-us" },
	{ "es",      "hyph_es_ES.dic",      "hyphen-es" },
	{ "et",      "hyph_et_EE.dic",      "myspell-et" },
	{ "fr",      "hyph_fr_FR.dic",      "hyphen-fr" },
	{ "hr",      "hyph_hr_HR.dic",      "hyphen-hr" },
	{ "hu",      "hyph_hu_HU.dic",      "hyphen-hu" },
	{ "is",      "hyph_is_IS.dic",      "hyphen-is" },
	{ "it",      "hyph_it_IT.dic",      "hyphen-it" },
	{ "lt",      "hyph_lt_LT.dic",      "hyphen-lt" },
	{ "lv",      "hyph_lv_LV.dic",      "hyphen-lv" },
	{ "nb",      "hyph_nb_NO.dic",      "hyphen-no" },
	{ "nl",      "hyph_nl_NL.dic",      "hyphen-nl" },
	{ "nn",      "hyph_nn_NO.dic",      "hyphen-no" },
	{ "no",      "hyph_nb_NO.dic",      "hyphen-no" },
	{ "pl",      "hyph_pl_PL.dic",      "hyphen-pl" },
	{ "pt",      "hyph_pt_PT.dic",      "hyphen-pt-pt" },
	{ "ro",      "hyph_ro_RO.dic",      "hyphen-ro" },
	{ "ru",      "hyph_ru_RU.dic",      "hyphen-ru" },
	{ "sk",      "hyph_sk_SK.dic",      "hyphen-sk" },
	{ "sl",      "hyph_sl_SI.dic",      "hyphen-sl" },
	{ "sr",      "hyph_sr_RS.dic",      "hyphen-sr" },  /* Cyrillic */
	{ "sr-Cyrl", "hyph_sr_RS.dic",      "hyphen-sr" },
	{ "sr-Latn", "hyph_sr-Latn_RS.dic", "hyphen-sr" },
	{ "sv",      "hyph_sv_SE.dic",      "hyphen-sv" },
	{ "uk",      "hyph_uk_UA.dic",      "hyphen-uk" },
};

/* The row of dicts for a BCP 47 tag (its longest prefix ending at a
 * subtag boundary, case-insensitive), or -1. */
static int dict_row(const char *tag)
{
	int best = -1;
	size_t best_n = 0;

	for (size_t i = 0; tag && i < sizeof dicts / sizeof dicts[0]; i++) {
		size_t n = strlen(dicts[i].lang);
		if (strncasecmp(tag, dicts[i].lang, n) == 0 &&
		    (tag[n] == '\0' || tag[n] == '-' || tag[n] == '_') &&
		    n > best_n) {
			best = (int)i;
			best_n = n;
		}
	}
	return best;
}

static void primary_subtag(const char *tag, char *out, size_t size);

/* The key a tag's dictionary is cached under, into out: its row's
 * language, else its primary subtag, lower-cased. */
static void dict_key(const char *tag, char *out, size_t size)
{
	int row = dict_row(tag);

	if (row >= 0)
		snprintf(out, size, "%s", dicts[row].lang);
	else
		primary_subtag(tag, out, size);
}


/* The primary language subtag of a BCP 47 tag, lower-cased, into out. */
static void primary_subtag(const char *tag, char *out, size_t size)
{
	size_t i = 0;

	while (tag && tag[i] && tag[i] != '-' && tag[i] != '_' && i + 1 < size) {
		out[i] = (char)tolower((unsigned char)tag[i]);
		i++;
	}
	out[i] = '\0';
}

static int file_exists(const char *path)
{
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return 0;
	fclose(f);
	return 1;
}

/* Finds the dictionary file for a key of dict_key; 0 and path set, or
 * -1. */
static int find_dict(const char *lang, char *path, size_t size)
{
	DIR *dir;
	struct dirent *de;
	char best[256] = "";
	size_t n = strlen(lang);
	int row = dict_row(lang);

	if (row >= 0) {
		snprintf(path, size, "%s/%s", HYPH_DIR, dicts[row].file);
		return file_exists(path) ? 0 : -1;
	}
	dir = opendir(HYPH_DIR);
	if (dir == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		const char *name = de->d_name;
		if (strncmp(name, "hyph_", 5) != 0 || strncmp(name + 5, lang, n) != 0)
			continue;
		if (name[5 + n] != '_' && name[5 + n] != '.')
			continue;
		if (strlen(name) < 4 || strcmp(name + strlen(name) - 4, ".dic") != 0)
			continue;
		if (strlen(name) < sizeof best && (best[0] == '\0' || strcmp(name, best) < 0))
			strcpy(best, name);
	}
	closedir(dir);
	if (best[0] == '\0')
		return -1;
	snprintf(path, size, "%s/%s", HYPH_DIR, best);
	return 0;
}

/* Fills l->high with the code points of bytes 0x80..0xFF in the
 * dictionary's 8-bit charset. Returns 0 or -1 (unknown charset). */
static int map_charset(struct hyph_lang *l, const char *cset)
{
	UErrorCode status = U_ZERO_ERROR;
	UConverter *cnv = ucnv_open(cset, &status);
	char bytes[128];
	UChar out[256];
	int32_t n;

	if (U_FAILURE(status))
		return -1;
	for (int i = 0; i < 128; i++)
		bytes[i] = (char)(0x80 + i);
	ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_SUBSTITUTE, NULL, NULL,
	                    NULL, &status);
	n = ucnv_toUChars(cnv, out, 256, bytes, 128, &status);
	ucnv_close(cnv);
	if (U_FAILURE(status) || n != 128)
		return -1;
	memcpy(l->high, out, sizeof l->high);
	return 0;
}

/* Loads the entry of one language; called with langs_lock held. */
static void load_lang(struct hyph_lang *l, const char *lang)
{
	memset(l, 0, sizeof *l);
	snprintf(l->lang, sizeof l->lang, "%s", lang);
	if (lang[0] == '\0' || find_dict(lang, l->path, sizeof l->path) != 0) {
		l->path[0] = '\0';
		return;
	}
	pthread_once(&guard_once, install_guard);
	errno = 0;
	in_libhyphen = 1;
	l->dict = hyphcache_load(l->path, &l->mem);
	in_libhyphen = 0;
	if (l->dict == NULL && errno == ENOMEM)
		oom_note();
	if (l->dict == NULL) {
		l->path[0] = '\0';
		return;
	}
	if (l->dict->utf8) {
		l->utf8 = 1;
	} else if (map_charset(l, l->dict->cset) != 0) {
		hyphcache_free(l->dict, &l->mem);
		l->dict = NULL;
		l->path[0] = '\0';
	}
}

/* The entry for a tag, loading it on first use; NULL when the table is
 * full. Entries are never removed, so the pointer stays valid. */
static const struct hyph_lang *lookup(const char *tag)
{
	char lang[12];
	const struct hyph_lang *found = NULL;
	int n;

	dict_key(tag, lang, sizeof lang);
	n = atomic_load_explicit(&n_langs, memory_order_acquire);
	for (int i = 0; i < n; i++)
		if (strcmp(langs[i].lang, lang) == 0)
			return &langs[i];
	pthread_mutex_lock(&langs_lock);
	n = atomic_load_explicit(&n_langs, memory_order_relaxed);
	for (int i = 0; i < n; i++) {
		if (strcmp(langs[i].lang, lang) == 0) {
			found = &langs[i];
			break;
		}
	}
	if (found == NULL && n < MAX_LANGS) {
		int had_oom = oom_seen();
		oom_clear();
		load_lang(&langs[n], lang);
		found = &langs[n];
		/* Memory ran out while loading (fopen, ICU's converter): the
		 * entry may say "no dictionary" wrongly, so it is not kept; the
		 * flag makes the caller's work fail. */
		if (oom_seen()) {
			hyphcache_free(langs[n].dict, &langs[n].mem);
			found = NULL;
		} else {
			atomic_store_explicit(&n_langs, n + 1, memory_order_release);
		}
		if (had_oom)
			oom_note();
	}
	pthread_mutex_unlock(&langs_lock);
	return found;
}

int hyph_available(const char *lang)
{
	const struct hyph_lang *l = lookup(lang);

	return l != NULL && l->dict != NULL;
}

const char *hyph_dict_path(const char *lang)
{
	const struct hyph_lang *l = lookup(lang);

	return l != NULL && l->dict != NULL ? l->path : NULL;
}

/* Encodes the lower-cased word in the dictionary's charset. Returns the
 * byte length, or -1 when a character has no encoding. */
static int encode_word(const struct hyph_lang *l, const UChar *word, int n,
                       char *out, int size)
{
	int len = 0;

	for (int i = 0; i < n; i++) {
		UChar32 c = u_tolower(word[i]);
		if (U16_IS_SURROGATE(word[i]) || c > 0xFFFF)
			return -1;
		if (l->utf8) {
			if (len + 3 >= size)
				return -1;
			if (c < 0x80) {
				out[len++] = (char)c;
			} else if (c < 0x800) {
				out[len++] = (char)(0xC0 | (c >> 6));
				out[len++] = (char)(0x80 | (c & 0x3F));
			} else {
				out[len++] = (char)(0xE0 | (c >> 12));
				out[len++] = (char)(0x80 | ((c >> 6) & 0x3F));
				out[len++] = (char)(0x80 | (c & 0x3F));
			}
			continue;
		}
		if (len + 1 >= size)
			return -1;
		if (c < 0x80) {
			out[len++] = (char)c;
			continue;
		}
		int b;
		for (b = 0; b < 128 && l->high[b] != c; b++)
			;
		if (b == 128)
			return -1;
		out[len++] = (char)(0x80 + b);
	}
	out[len] = '\0';
	return len;
}

/* Words the patterns break wrongly, reviewed by eye in the samples: a
 * stem with its only allowed points. A word that starts with the stem
 * (case aside) is hyphenated inside the stem at those points only; the
 * patterns' points after the stem stay. Stems are lower case, in the
 * Basic Multilingual Plane. */
static const struct hyph_exception {
	const char *lang;       /* primary subtag */
	const char *stem;       /* "borg-mäs-tar-av-tal" */
} exceptions[] = {
	{ "en", "coor-di-nat" },                /* not "Co-ordinator" */
	{ "en", "coun-ter-sig-na" },
	{ "lv", "ener-go-efek-tiv" },           /* not "energoe-fektivitātes" */
	{ "lv", "līdz-parakst" },               /* not "līdzpa-raksta" */
	{ "sv", "borg-mäs-tar-av-tal" },        /* not "borgmästa-ravtalets" */
	{ "sv", "ener-gi-pre-stan-da" },        /* not "energip-restanda" */
	{ "sv", "ener-gi-använd" },             /* not "energian-vändning" */
	{ "sv", "ladd-in-fra-struk-tur" },      /* not "lad-dinfrastruktur" */
};

/* Applies the exception whose stem starts word (n units), if any, to ok. */
static void apply_exceptions(const char *lang, const UChar *word, int n,
                             unsigned char *ok)
{
	char primary[16];

	primary_subtag(lang, primary, sizeof primary);
	for (size_t e = 0; e < sizeof exceptions / sizeof exceptions[0]; e++) {
		const char *s = exceptions[e].stem;
		int32_t i = 0, len = (int32_t)strlen(s), k = 0;
		unsigned char pts[MAX_WORD + 1] = { 0 };
		int same = 1;
		if (strcmp(exceptions[e].lang, primary) != 0)
			continue;
		while (i < len && same) {
			UChar32 c;
			U8_NEXT(s, i, len, c);
			if (c == '-')
				pts[k] = 1;
			else if (k < n && u_tolower(word[k]) == c)
				k++;
			else
				same = 0;
		}
		if (!same)
			continue;       /* not this stem */
		for (int j = 1; j < k; j++)
			ok[j] = pts[j] && j >= HYPH_MIN_LEFT && n - j >= HYPH_MIN_RIGHT;
		return;
	}
}

/* hyph_word without the cache. */
static int hyph_word_uncached(const char *lang, const UChar *word, int n,
                              unsigned char *ok)
{
	const struct hyph_lang *l;
	char bytes[MAX_WORD * 3 + 8];
	char hyphens[MAX_WORD * 3 + 8];
	char **rep = NULL;
	int *pos = NULL;
	int *cut = NULL;
	int len, rc, count = 0;

	if (n > 0)
		memset(ok, 0, (size_t)n);
	if (n < HYPH_MIN_WORD || n > MAX_WORD)
		return 0;
	for (int i = 0; i < n; i++)
		if (!u_isalpha(word[i]) && u_charType(word[i]) != U_NON_SPACING_MARK)
			return 0;
	l = lookup(lang);
	if (l == NULL || l->dict == NULL)
		return 0;
	len = encode_word(l, word, n, bytes, (int)sizeof bytes);
	if (len <= 0)
		return 0;
	memset(hyphens, 0, sizeof hyphens);
	in_libhyphen = 1;
	rc = hnj_hyphen_hyphenate2(l->dict, bytes, len, hyphens, NULL, &rep,
	                           &pos, &cut);
	in_libhyphen = 0;
	if (rc != 0)
		goto cleanup;
	/* hyphens[i] odd: a hyphen may follow character i (characters, not
	 * bytes, for UTF-8 dictionaries as well). */
	for (int i = HYPH_MIN_LEFT - 1; i < n - HYPH_MIN_RIGHT; i++) {
		if ((hyphens[i] & 1) == 0)
			continue;
		if (rep != NULL && rep[i] != NULL)
			continue;  /* a non-standard change of spelling: skip */
		ok[i + 1] = 1;
	}
	apply_exceptions(lang, word, n, ok);
	for (int i = 1; i < n; i++)
		count += ok[i];
cleanup:
	if (rep != NULL) {
		for (int i = 0; i < len; i++)
			free(rep[i]);
		free(rep);
	}
	free(pos);
	free(cut);
	return count;
}

/* ---- the per-thread cache of hyphenation points ------------------------
 * Direct-mapped: a word's slot is a hash of its language tag and its
 * UTF-16 units; a new word overwrites the slot. The points are a pure
 * function of (tag, word), so a hit returns exactly what libhyphen would:
 * output never depends on the cache, on the thread or on the order of the
 * records. Words longer than CACHE_WORD units, or tags longer than
 * CACHE_TAG - 1 bytes, bypass it. */
#define CACHE_SLOTS 4096        /* 4096 * 88 bytes = 352 KiB per thread */
#define CACHE_WORD  32          /* points fit in a 32-bit mask */
#define CACHE_TAG   16

struct cache_slot {
	char lang[CACHE_TAG];       /* "" when empty */
	uint8_t n;                  /* units of word */
	uint8_t count;              /* number of points */
	UChar word[CACHE_WORD];
	uint32_t points;            /* bit i: a hyphen may go before word[i] */
};

struct hyph_cache {
	struct cache_slot slot[CACHE_SLOTS];
	unsigned long hits, misses;
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static _Thread_local struct hyph_cache *thread_cache;
/* 1: the cache is used; PACTDOC_NO_CACHE=1 in the environment, or
 * hyph_cache_enable(0), turns it off. */
static _Atomic int cache_on = 1;

static void cache_key_init(void)
{
	pthread_key_create(&cache_key, free);
	if (caches_turned_off())
		atomic_store(&cache_on, 0);
}

/* The calling thread's cache, made on first use; NULL when out of memory
 * (then words are hyphenated uncached). */
static struct hyph_cache *get_cache(void)
{
	struct hyph_cache *c = thread_cache;

	if (c != NULL)
		return c;
	pthread_once(&cache_once, cache_key_init);
	if (!atomic_load(&cache_on))
		return NULL;
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	if (pthread_setspecific(cache_key, c) != 0) {
		free(c);
		return NULL;
	}
	thread_cache = c;
	return c;
}

/* FNV-1a of the tag and the word's units. */
static uint32_t cache_hash(const char *lang, const UChar *word, int n)
{
	uint32_t h = 2166136261u;

	for (; *lang; lang++)
		h = (h ^ (unsigned char)*lang) * 16777619u;
	h = (h ^ 0xFFu) * 16777619u;
	for (int i = 0; i < n; i++) {
		h = (h ^ (word[i] & 0xFFu)) * 16777619u;
		h = (h ^ (word[i] >> 8)) * 16777619u;
	}
	return h;
}

int hyph_word(const char *lang, const UChar *word, int n, unsigned char *ok)
{
	struct hyph_cache *c;
	struct cache_slot *s;
	int count;

	if (lang == NULL || n < HYPH_MIN_WORD || n > CACHE_WORD ||
	    strlen(lang) >= CACHE_TAG || !atomic_load(&cache_on) ||
	    (c = get_cache()) == NULL)
		return hyph_word_uncached(lang, word, n, ok);
	s = &c->slot[cache_hash(lang, word, n) % CACHE_SLOTS];
	if (s->n == n && strcmp(s->lang, lang) == 0 &&
	    memcmp(s->word, word, (size_t)n * sizeof *word) == 0) {
		for (int i = 0; i < n; i++)
			ok[i] = (unsigned char)((s->points >> i) & 1);
		c->hits++;
		return s->count;
	}
	count = hyph_word_uncached(lang, word, n, ok);
	c->misses++;
	strcpy(s->lang, lang);
	s->n = (uint8_t)n;
	s->count = (uint8_t)count;
	memcpy(s->word, word, (size_t)n * sizeof *word);
	s->points = 0;
	for (int i = 0; i < n; i++)
		if (ok[i])
			s->points |= (uint32_t)1 << i;
	return count;
}

void hyph_cache_enable(int on)
{
	pthread_once(&cache_once, cache_key_init);
	atomic_store(&cache_on, on ? 1 : 0);
}

void hyph_cache_stats(unsigned long *hits, unsigned long *misses)
{
	struct hyph_cache *c = thread_cache;

	*hits = c != NULL ? c->hits : 0;
	*misses = c != NULL ? c->misses : 0;
}

void hyph_thread_cleanup(void)
{
	pthread_once(&cache_once, cache_key_init);
	free(thread_cache);
	thread_cache = NULL;
	pthread_setspecific(cache_key, NULL);
}

/* GCC says __SANITIZE_ADDRESS__, clang (the fuzzing build) __has_feature. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HYPH_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(HYPH_ASAN)
/* libhyphen 2.8.8 loses a few bytes while loading some dictionaries
 * (hyph_lv_LV.dic: ~2.6 KB, once per process). Not ours to free: tell
 * LeakSanitizer in sanitized builds. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libhyphen.so\n";
}
#endif

const char *hyph_dict_package(const char *lang)
{
	int row;

	if (hyph_dict_path(lang) == NULL)
		return NULL;
	row = dict_row(lang);
	return row >= 0 ? dicts[row].package : NULL;
}

int hyph_justify(const char *lang)
{
	return hyph_available(lang);
}
