/* nocache.h — whether the environment turns pactdoc's caches off.
 *
 * PACTDOC_NO_CACHE set to anything but "" or "0" turns off every cache:
 * the compiled hyphenation dictionaries on disk and the per-thread caches
 * of hyphenation points, shaping results and set paragraphs. The output
 * is the same bytes either way; only the time differs. */
#ifndef PACTDOC_NOCACHE_H
#define PACTDOC_NOCACHE_H

/* 1 when PACTDOC_NO_CACHE asks for no caches, else 0. Reads the
 * environment on each call: call it once, at set-up. */
int caches_turned_off(void);

#endif
