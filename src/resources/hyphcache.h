/* hyphcache.h — loading a libhyphen dictionary through a cache of its
 * compiled automaton, so that only the first run on a machine pays for
 * building it from the .dic text. The cache lives in
 * $PACTDOC_CACHE_DIR/hyph/, else $XDG_CACHE_HOME/pactdoc/hyph/, else
 * ~/.cache/pactdoc/hyph/; PACTDOC_NO_CACHE=1 turns it off. An entry is
 * used only when it was compiled from a .dic with the same SHA-256, and
 * gives the very automaton libhyphen builds: hyphenation, and so every
 * document, is the same with or without it. */
#ifndef PACTDOC_HYPHCACHE_H
#define PACTDOC_HYPHCACHE_H

#include <hyphen.h>

/* What a dictionary read from the cache owns (both NULL for one that
 * libhyphen parsed). */
struct hyphcache {
	HyphenDict *levels;     /* the levels, one array */
	char *bytes;            /* the cache file: the strings point into it */
};

/* Loads the dictionary at path `dic` from the cache, or else parses it
 * (hnj_hyphen_load) and saves it in the cache (a cache that cannot be
 * written is skipped silently). *mem receives what the result owns.
 * Returns the dictionary, freed by hyphcache_free, or NULL when the .dic
 * cannot be read or parsed. Not thread-safe: the caller serialises
 * loads. */
HyphenDict *hyphcache_load(const char *dic, struct hyphcache *mem);

/* Frees a dictionary of hyphcache_load and its *mem; accepts NULL. */
void hyphcache_free(HyphenDict *d, struct hyphcache *mem);

#endif
