/* hyph.h — word hyphenation with libhyphen and Debian's hyphen-* patterns
 * (/usr/share/hyphen/hyph_*.dic). Dictionaries are loaded once, on first
 * use, and then shared read-only by every thread. */
#ifndef PACTDOC_HYPH_H
#define PACTDOC_HYPH_H

#include <stdint.h>
#include <unicode/utypes.h>

/* Fewest characters before and after a hyphen, and the shortest word
 * (in letters) that is hyphenated at all. */
#define HYPH_MIN_LEFT   2
#define HYPH_MIN_RIGHT  3
#define HYPH_MIN_WORD   5

/* 1 when a dictionary exists for the language of the BCP 47 tag `lang`
 * ("lv", "sv-SE", "en-GB" ...), else 0. Thread-safe. */
int hyph_available(const char *lang);

/* Path of the dictionary used for `lang`, or NULL; static storage. */
const char *hyph_dict_path(const char *lang);

/* The Debian package the dictionary of `lang` comes from ("hyphen-de",
 * "myspell-et"), or NULL (no dictionary, or one not in the table of
 * hyph.c); static storage. */
const char *hyph_dict_package(const char *lang);

/* 1 when text in `lang` is justified, 0 when it is set ragged right: a
 * language without hyphenation patterns would stretch its justified
 * lines. Thread-safe. */
int hyph_justify(const char *lang);

/* Finds the hyphenation points of one word of `n` UTF-16 code units.
 * Recent words are answered from a cache per thread (hyph.c); the result
 * is the same with or without it.
 * Sets ok[i] = 1 when a hyphen may go between word[i-1] and word[i]
 * (0 < i < n), else 0; ok must hold n entries. Returns the number of
 * points, 0 when the language has no dictionary or the word is too short
 * or cannot be hyphenated. Thread-safe; never fails. */
int hyph_word(const char *lang, const UChar *word, int n, unsigned char *ok);

/* Turns the per-thread cache of hyph_word on (the default) or off, for
 * every thread; PACTDOC_NO_CACHE=1 in the environment starts it off. */
void hyph_cache_enable(int on);

/* Hits and misses of the calling thread's cache since it was made. */
void hyph_cache_stats(unsigned long *hits, unsigned long *misses);

/* Frees the calling thread's cache (freed by itself when a thread other
 * than the main thread ends); hyph_word may be called again afterwards. */
void hyph_thread_cleanup(void);

#endif
