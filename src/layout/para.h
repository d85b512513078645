/* para.h — paragraph breaking: a total-fit (Knuth–Plass) line breaker
 * over ICU line-break opportunities and hyphenation points, with justified
 * lines positioned word by word, bidi reordering and Arabic shaping.
 * Thread-safe: each thread keeps its own cached ICU break iterators and
 * its own cache of set paragraphs. */
#ifndef PACTDOC_PARA_H
#define PACTDOC_PARA_H

#include <stddef.h>

#include "doc.h"
#include "err.h"
#include "fontset.h"

enum para_align {
	ALIGN_JUSTIFY,   /* both edges flush; the last line ragged */
	ALIGN_START,     /* ragged: left in LTR, right in RTL paragraphs */
	ALIGN_CENTER
};

struct para_style {
	enum face face;
	double size;          /* points */
	double measure;       /* line width, points */
	enum para_align align;
	int hyphenate;        /* 1: break words at hyphenation points */
	int greedy;           /* 1: first-fit instead of total-fit (tests) */
	const char *lang;     /* BCP 47: hyphenation, line breaking, direction */
	int no_hyphen_line;   /* 1-based line that must not end with a hyphen
	                       * (the last line of a page); 0: none */
	int auto_dir;         /* 1: base direction from the text's first strong
	                       * character (UBA P2/P3), the language's when it
	                       * has none; 0: always the language's */
};

/* One run of a laid-out line, in visual order. */
struct para_piece {
	int font;
	double x;             /* from the left edge of the measure */
	double width;
	char *text;           /* UTF-8, visual order, shaped; owned */
	int order;            /* rank in the line's logical order (pieces are
	                       * in visual order; bidi moves them) */
};

struct para_line {
	struct para_piece *pieces;
	int n_pieces;
	double left, right;   /* extent of the ink: 0 <= left, right <= measure */
	double ratio;         /* adjustment ratio of its spaces */
	int hyphen;           /* 1: it ends with an added hyphen */
	int ragged;           /* 1: a justified line left ragged, its spaces
	                       * would have to stretch beyond twice a space */
	int joined;           /* 1: it ends inside a word (an added hyphen, or
	                       * a break after a hyphen, slash …) that the next
	                       * line continues */
};

struct para {
	struct para_line *lines;
	int n_lines;
	int rtl;              /* 1: the paragraph's base direction is RTL */
	double demerits;      /* total demerits of the chosen breaks */
	int pass;             /* 1 normal, 2 loose, 3 emergency */
	int hyphens;          /* lines ending in a hyphen */
	int ragged;           /* 1: a justified paragraph set ragged right
	                       * because a line could not be filled */
};

/* Breaks `text` (UTF-8, logical order) into lines of style st. `nohyph`
 * lists byte ranges that are never hyphenated (names, addresses, URLs):
 * they break only after / . @ - _ ? or, when a token cannot fit, between
 * characters; e-mail addresses and URLs in the text are protected the
 * same way. Every piece lies within [0, measure]. Returns 0, or -1 with e
 * set (invalid UTF-8, a character no font has, out of memory); *out
 * must be zeroed and is cleared on error. */
int para_set(const struct fontset *fs, const struct para_style *st,
             const char *text, const struct span *nohyph, int n_nohyph,
             struct para *out, struct err *e);

/* Frees the lines and zeroes p; accepts NULL. */
void para_clear(struct para *p);

/* Closes the calling thread's cached break iterators and frees its cache
 * of set paragraphs (optional: both go when the thread exits). */
void para_thread_cleanup(void);

/* Turns the per-thread cache of set paragraphs on or off for every
 * thread (para_set gives the same result either way: a hit is a deep
 * copy of what an uncached run computes, keyed by the fontset, every
 * field of the style, the text and the nohyph ranges). At most 8 MiB of
 * entries per thread. PACTDOC_NO_CACHE=1 in the environment starts it
 * off. */
void para_cache_enable(int on);

/* The calling thread's cache hits and misses so far, and the bytes its
 * entries take now (tests). */
void para_cache_stats(unsigned long *hits, unsigned long *misses,
                      size_t *bytes);

#endif
