/* para.c — Knuth–Plass paragraph breaking over ICU break opportunities
 * and libhyphen points, then per-line bidi reordering into positioned
 * pieces, and a per-thread cache of set paragraphs (see para.h). */
#include "para.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include "array.h"
#include "bidi.h"
#include "nocache.h"
#include "hyph.h"
#include "langtag.h"
#include "oom.h"
#include "text.h"

#define INF_PENALTY   10000.0
#define HUGE_RATIO    1e6
#define LINE_PENALTY  10.0
#define HYPHEN_PENALTY 50.0
#define SAFE_PENALTY  100.0   /* a break inside a name, address or URL */
#define CHAR_PENALTY  1000.0  /* a break between two characters: last resort */
#define FLAGGED_DEMERITS 3000.0
#define FITNESS_DEMERITS 100.0
#define MAX_JUSTIFY_RATIO 1.6  /* spaces stretched at most 1 + 1.6/2 = 1.8 times */
#define LOOSE_RATIO   1.9      /* last resort: spaces 1.95 times; a line that
                                * needs more is left ragged (issue 9: no
                                * word gap over twice a space) */
#define LOOSE_DEMERITS 1e8     /* per unit of ratio beyond MAX_JUSTIFY_RATIO */
#define RAGGED_DEMERITS 1e9    /* a line left ragged inside a justified one */
#define FINAL_HYPHEN_DEMERITS 5000.0  /* a hyphen before the last line */
#define SHORT_TAIL    0.15     /* ... which is shorter than this of the measure */
#define SHORT_TAIL_DEMERITS 1e10 /* ... or only the tail of that word */
#define HYPHEN_RUN    2        /* at most two hyphenated line ends in a row */
#define HYPHEN_RUN_DEMERITS 1e10 /* for each one more */

/* ---- per-thread cache of ICU line-break iterators --------------------- */

#define BRK_CACHE 8

struct brk_cache {
	UBreakIterator *bi[BRK_CACHE];
	char tag[BRK_CACHE][72];    /* the BCP 47 tag it was opened for; ""
	                               when too long to be a key */
	int next;
};

static pthread_key_t brk_key;
static pthread_once_t brk_once = PTHREAD_ONCE_INIT;

static void brk_cache_free(void *p)
{
	struct brk_cache *c = p;

	if (c == NULL)
		return;
	for (int i = 0; i < BRK_CACHE; i++)
		if (c->bi[i] != NULL)
			ubrk_close(c->bi[i]);
	free(c);
}

static void brk_key_init(void)
{
	pthread_key_create(&brk_key, brk_cache_free);
}

static void pc_thread_cleanup(void);

void para_thread_cleanup(void)
{
	pthread_once(&brk_once, brk_key_init);
	brk_cache_free(pthread_getspecific(brk_key));
	pthread_setspecific(brk_key, NULL);
	pc_thread_cleanup();
}

/* The calling thread's line-break iterator for `lang`, or NULL. */
static UBreakIterator *line_breaker(const char *lang)
{
	struct brk_cache *c;
	char locale[72];
	UErrorCode status = U_ZERO_ERROR;
	int slot, keyed;

	pthread_once(&brk_once, brk_key_init);
	if (lang == NULL)
		lang = "en";
	keyed = lang[0] != '\0' && strlen(lang) < sizeof c->tag[0];
	c = pthread_getspecific(brk_key);
	if (c == NULL) {
		c = calloc(1, sizeof *c);
		if (c == NULL || pthread_setspecific(brk_key, c) != 0) {
			free(c);
			oom_note();
			return NULL;
		}
	}
	for (int i = 0; keyed && i < BRK_CACHE; i++)
		if (c->bi[i] != NULL && strcmp(c->tag[i], lang) == 0)
			return c->bi[i];
	/* Converted only on a miss: this runs once per paragraph. */
	(void)langtag_icu_locale(lang, locale, sizeof locale);
	slot = c->next;
	c->next = (c->next + 1) % BRK_CACHE;
	if (c->bi[slot] != NULL)
		ubrk_close(c->bi[slot]);
	c->bi[slot] = ubrk_open(UBRK_LINE, locale, NULL, 0, &status);
	if (U_FAILURE(status)) {
		c->bi[slot] = NULL;
		return NULL;
	}
	snprintf(c->tag[slot], sizeof c->tag[slot], "%s", keyed ? lang : "");
	return c->bi[slot];
}

/* ---- the paragraph being set ------------------------------------------ */

enum item_type { ITEM_BOX, ITEM_GLUE, ITEM_PENALTY };

/* Protected text is never hyphenated. A name breaks only at its spaces
 * (never at the hyphen of "Ozoliņa-Liepiņa" or "01223-000"); an e-mail
 * address or URL also after / . @ - _ ? */
enum { PROTECT_NAME = 1, PROTECT_ADDRESS = 2 };

struct item {
	enum item_type type;
	int32_t start, end;     /* units of the text: box and glue */
	double width, stretch, shrink;
	int fil;                /* glue: infinitely stretchable (end of paragraph) */
	double penalty;
	int flagged;            /* penalty: a hyphen is added when broken here */
	int long_word;          /* glue or penalty before or inside a word wider
	                         * than the line */
};

struct node {
	int pos;                /* item index of the break */
	int line;
	int fitness;
	int hrun;               /* hyphenated line ends in a row up to it */
	double demerits;
	int prev;               /* node index, or -1 */
	int next_active;        /* -1 ends the list */
};

/* One piece of an output line (emit_line). */
struct seg {
	int32_t start, end;     /* units; start == end for a gap or a hyphen */
	int font;               /* -1: a gap */
	UBiDiLevel level;
	double width, stretch, shrink;
	int hyphen;
	double x;
};

struct segs {
	struct seg *v;
	int n, cap;
};

struct ctx {
	const struct fontset *fs;
	const struct para_style *st;
	struct err *e;
	UChar *u;
	int32_t n;
	int *font;              /* per unit; -1: not drawn */
	double *cum;            /* cum[i]: advance of u[0..i) */
	unsigned char *protect; /* per unit: PROTECT_NAME in a nohyph span (a
	                         * name, place, address, id), PROTECT_ADDRESS in
	                         * an e-mail address or URL; 0 free text */
	UBiDiLevel *levels;
	int rtl;
	struct item *items;
	int n_items, cap_items;
	double *sw, *sy, *sz;   /* sums of items before i */
	int *sf;
	struct node *nodes;
	int n_nodes, cap_nodes;
	double hyphen_width;
	double emergency;       /* extra stretch of every line (last pass) */
	struct segs segs;       /* the line being emitted; reused */
};

static double width_of(const struct ctx *c, int32_t a, int32_t b)
{
	return c->cum[b] - c->cum[a];
}

/* Appends it to c->items. Returns 0, or -1 with c->e set. */
static int add_item(struct ctx *c, struct item it)
{
	if (c->n_items == c->cap_items) {
		struct item *p = array_reserve_int(c->items, sizeof *p,
		                                   c->n_items, 1, &c->cap_items);
		if (p == NULL)
			return err_set(c->e, "out of memory");
		c->items = p;
	}
	c->items[c->n_items++] = it;
	return 0;
}

static int add_box(struct ctx *c, int32_t a, int32_t b)
{
	struct item it = { .type = ITEM_BOX, .start = a, .end = b };

	if (a >= b)
		return 0;
	it.width = width_of(c, a, b);
	return add_item(c, it);
}

static int add_penalty(struct ctx *c, int32_t at, double width,
                       double penalty, int flagged)
{
	struct item it = { .type = ITEM_PENALTY, .start = at, .end = at,
	                   .width = width, .penalty = penalty,
	                   .flagged = flagged };
	return add_item(c, it);
}

static int add_glue(struct ctx *c, int32_t a, int32_t b)
{
	struct item it = { .type = ITEM_GLUE, .start = a, .end = b };

	it.width = width_of(c, a, b);
	if (c->st->align == ALIGN_JUSTIFY) {
		it.stretch = it.width / 2;
		it.shrink = it.width / 3;
	}
	return add_item(c, it);
}

/* The glue and forced break that end a paragraph or a hard line. */
static int add_end(struct ctx *c, int32_t at)
{
	struct item g = { .type = ITEM_GLUE, .start = at, .end = at, .fil = 1 };

	if (add_item(c, g))
		return -1;
	return add_penalty(c, at, 0, -INF_PENALTY, 0);
}

/* ---- measuring --------------------------------------------------------- */

/* Converts the UTF-8 text to UTF-16 and maps byte offsets to units. */
static int decode(struct ctx *c, const char *text, int32_t **byte_to_unit)
{
	int32_t len = (int32_t)strlen(text);
	int32_t i = 0, k = 0;
	int32_t *map;

	c->u = malloc(((size_t)len + 1) * sizeof *c->u);
	map = malloc(((size_t)len + 1) * sizeof *map);
	if (c->u == NULL || map == NULL) {
		free(map);
		return err_set(c->e, "out of memory");
	}
	while (i < len) {
		int32_t at = i;
		UChar32 cp;
		U8_NEXT(text, i, len, cp);
		if (cp < 0) {
			free(map);
			return err_set(c->e, "invalid UTF-8 at byte %d", (int)at);
		}
		for (int32_t b = at; b < i; b++)
			map[b] = k;
		U16_APPEND_UNSAFE(c->u, k, cp);
	}
	map[len] = k;
	c->n = k;
	*byte_to_unit = map;
	return 0;
}

/* Replaces the advances d[a..b) of units drawn in one font f with those
 * HarfBuzz gives when it shapes them together: kerning and zero-width
 * marks, as the PDF stage will draw them. 0 or -1 with c->e set. */
static int shape_stretch(struct ctx *c, int f, int32_t a, int32_t b,
                         double *d)
{
	const struct font_info *fi = fontset_info(c->fs, f);
	int *adv = malloc((size_t)(b - a) * sizeof *adv);
	int rc = -1;

	if (adv == NULL)
		return err_set(c->e, "out of memory");
	if (fi == NULL) {
		err_set(c->e, "unknown font %d", f);
		goto cleanup;
	}
	if (fontset_shape_widths(c->fs, f, c->u + a, b - a, adv, c->e) < 0)
		goto cleanup;
	for (int32_t k = a; k < b; k++)
		d[k] = (double)adv[k - a] * c->st->size / fi->units_per_em;
	rc = 0;
cleanup:
	free(adv);
	return rc;
}

/* Shapes every stretch of units drawn in one font (shape_stretch) and
 * sums c->cum again from the shaped advances. 0 or -1 with c->e set. */
static int shape_all(struct ctx *c)
{
	double *d = malloc(((size_t)c->n + 1) * sizeof *d);
	int32_t a = 0;
	int rc = -1;

	if (d == NULL)
		return err_set(c->e, "out of memory");
	for (int32_t k = 0; k < c->n; k++)
		d[k] = c->cum[k + 1] - c->cum[k];
	while (a < c->n) {
		int32_t b = a + 1;
		while (b < c->n && c->font[b] == c->font[a])
			b++;
		if (c->font[a] >= 0 && shape_stretch(c, c->font[a], a, b, d) < 0)
			goto cleanup;
		a = b;
	}
	for (int32_t k = 0; k < c->n; k++)
		c->cum[k + 1] = c->cum[k] + d[k];
	rc = 0;
cleanup:
	free(d);
	return rc;
}

/* Picks a font for every character and sums the advances. */
static int measure(struct ctx *c)
{
	const struct para_style *st = c->st;
	int space_font = fontset_pick(c->fs, st->face, ' ');
	double space = space_font >= 0 ?
		fontset_advance(c->fs, space_font, ' ') * st->size / 1000 :
		st->size / 4;

	c->font = malloc(((size_t)c->n + 1) * sizeof *c->font);
	c->cum = malloc(((size_t)c->n + 1) * sizeof *c->cum);
	if (c->font == NULL || c->cum == NULL)
		return err_set(c->e, "out of memory");
	c->cum[0] = 0;
	for (int32_t i = 0; i < c->n;) {
		int32_t at = i;
		UChar32 cp;
		int f;
		double adv = 0;
		U16_NEXT(c->u, i, c->n, cp);
		f = fontset_pick(c->fs, st->face, cp);
		if ((cp == 0x200C || cp == 0x200D) && at > 0 &&
		    c->font[at - 1] >= 0) {
			/* ZWNJ, ZWJ: part of the run they sit in, with no width,
			 * so that shaping (Arabic joining) sees them; the PDF
			 * stage draws no glyph for them */
			f = c->font[at - 1];
		} else if (u_hasBinaryProperty(cp,
		                               UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) {
			f = -1;       /* BOM, bidi controls, a leading joiner */
		} else if (u_isWhitespace(cp) && (f < 0 || cp == '\t')) {
			f = -1;       /* glue: never drawn */
			adv = (cp == '\n' || cp == '\r' || cp == 0x2028 ||
			       cp == 0x2029) ? 0 : space;
		} else if (f < 0) {
			if (!u_iscntrl(cp))
				return err_set(c->e, "no font can draw U+%04X", (unsigned)cp);
		} else {
			adv = fontset_advance(c->fs, f, cp) * st->size / 1000;
		}
		for (int32_t k = at; k < i; k++) {
			c->font[k] = f;
			c->cum[k + 1] = c->cum[k] + (k == at ? adv : 0);
		}
	}
	return shape_all(c);
}

/* ---- protected tokens: names, e-mail addresses, URLs -------------------- */

static int is_safe_break_char(UChar ch)
{
	return ch == '/' || ch == '.' || ch == '@' || ch == '-' || ch == '_' ||
	       ch == '?';
}

static int has_prefix(const UChar *s, int32_t n, const char *ascii)
{
	int32_t i;

	for (i = 0; ascii[i]; i++)
		if (i >= n || u_tolower(s[i]) != (UChar)ascii[i])
			return 0;
	return 1;
}

/* Marks e-mail addresses and URLs found in the text as protected. */
static void detect_addresses(struct ctx *c)
{
	int32_t i = 0;

	while (i < c->n) {
		int32_t a, b, at = -1;
		int url = 0, dot_after_at = 0;
		while (i < c->n && u_isWhitespace(c->u[i]))
			i++;
		a = i;
		while (i < c->n && !u_isWhitespace(c->u[i]))
			i++;
		b = i;
		while (b > a && (u_ispunct(c->u[b - 1]) && c->u[b - 1] != '/'))
			b--;
		while (a < b && (c->u[a] == '(' || c->u[a] == '<' ||
		                 c->u[a] == '"' || u_hasBinaryProperty(c->u[a],
		                 UCHAR_QUOTATION_MARK)))
			a++;
		for (int32_t k = a; k < b; k++) {
			if (c->u[k] == '@' && at < 0 && k > a)
				at = k;
			else if (c->u[k] == '.' && at >= 0 && k > at + 1)
				dot_after_at = 1;
			if (c->u[k] == ':' && k + 2 < b && c->u[k + 1] == '/' &&
			    c->u[k + 2] == '/')
				url = 1;
		}
		if (has_prefix(c->u + a, b - a, "www."))
			url = 1;
		if (url || dot_after_at)
			memset(c->protect + a, PROTECT_ADDRESS, (size_t)(b - a));
	}
}

/* ---- items --------------------------------------------------------------- */

/* Letters (and marks) of a slash-joined part of at most this many
 * characters make it an "and/or"-type word: "and/or", "und/oder",
 * "og/eller", "и/или", "sottoscritto/a", "Le/La". */
#define SLASH_SHORT_PART 4

/* Length of the run of letters and marks of the text from unit i going
 * by step (+1 or -1); counting stops one past SLASH_SHORT_PART. */
static int letter_run(const struct ctx *c, int32_t i, int step)
{
	int len = 0;

	while (i >= 0 && i < c->n && len <= SLASH_SHORT_PART &&
	       (u_isalpha(c->u[i]) || (U_GET_GC_MASK(c->u[i]) & U_GC_M_MASK))) {
		i += step;
		len++;
	}
	return len;
}

/* 1 when the ICU break before unit p, just after a slash, falls inside an
 * "and/or"-type word (a short word on either side of the slash): such a
 * word is never split ("and/" "or"), nor hyphenated ("och/el-ler"). A
 * slash between two long words
 * ("national/regional", "улуттук/чөлкөмдүк") may still end a line, and
 * names, addresses and URLs keep their own rules (break_allowed). */
static int slash_binds(const struct ctx *c, int32_t p)
{
	int before, after;

	if (p < 2 || p >= c->n || c->u[p - 1] != '/' || c->protect[p - 1])
		return 0;
	before = letter_run(c, p - 2, -1);
	after = letter_run(c, p, 1);
	return before > 0 && after > 0 &&
	       (before <= SLASH_SHORT_PART || after <= SLASH_SHORT_PART);
}


/* Marks hyphenation points of the letter runs of [a, b) in cand. */
static void hyphen_points(struct ctx *c, int32_t a, int32_t b,
                          unsigned char *cand)
{
	int32_t i = a;

	while (i < b) {
		int32_t s, upper = 0, len;
		while (i < b && !u_isalpha(c->u[i]))
			i++;
		s = i;
		while (i < b && (u_isalpha(c->u[i]) ||
		                 u_charType(c->u[i]) == U_NON_SPACING_MARK))
			i++;
		len = i - s;
		if (len < HYPH_MIN_WORD)
			continue;
		if ((s > a && slash_binds(c, s)) ||
		    (i + 1 < b && c->u[i] == '/' && slash_binds(c, i + 1)))
			continue;  /* a part of an "and/or"-type word */
		for (int32_t k = s; k < i; k++) {
			if (c->protect[k])
				goto next;
			upper += u_isupper(c->u[k]) ? 1 : 0;
		}
		if (upper == len)
			continue;  /* an acronym */
		{
			unsigned char ok[80];
			if (len > (int32_t)sizeof ok)
				continue;
			if (hyph_word(c->st->lang, c->u + s, len, ok) == 0)
				continue;
			for (int32_t k = 1; k < len; k++)
				if (ok[k])
					cand[s + k - a] = 1;
		}
next:
		;
	}
}

/* 1 when a character-wise break may go before unit i. */
static int char_boundary(const struct ctx *c, int32_t i)
{
	UChar32 cp;

	if (U16_IS_TRAIL(c->u[i]))
		return 0;
	U16_GET(c->u, 0, i, c->n, cp);
	return u_getCombiningClass(cp) == 0 &&
	       u_charType(cp) != U_NON_SPACING_MARK &&
	       u_charType(cp) != U_ENCLOSING_MARK &&
	       u_charType(cp) != U_COMBINING_SPACING_MARK &&
	       c->u[i] != 0xFEFF && c->u[i] != 0x200D && c->u[i - 1] != 0x200D;
}

/* Emits the boxes of the text [a, b) (no breakable space inside), with
 * penalties at its hyphenation points, safe points and, when it is wider
 * than the measure, between characters. */
static int add_word(struct ctx *c, int32_t a, int32_t b)
{
	unsigned char *cand;  /* 0 none, 1 hyphen, 2 safe, 3 char */
	int32_t from = a;
	int long_word, rc = -1;

	if (b - a < 2)
		return add_box(c, a, b);
	cand = calloc((size_t)(b - a), 1);
	if (cand == NULL)
		return err_set(c->e, "out of memory");
	if (c->st->hyphenate)
		hyphen_points(c, a, b, cand);
	for (int32_t i = a + 1; i < b; i++) {
		if (c->protect[i - 1] == PROTECT_ADDRESS &&
		    is_safe_break_char(c->u[i - 1]) &&
		    !is_safe_break_char(c->u[i]))
			cand[i - a] = 2;
	}
	long_word = width_of(c, a, b) > c->st->measure;
	if (long_word) {
		if (c->n_items > 0 && c->items[c->n_items - 1].type != ITEM_BOX)
			c->items[c->n_items - 1].long_word = 1;
		for (int32_t i = a + 1; i < b; i++)
			if (cand[i - a] == 0 && char_boundary(c, i))
				cand[i - a] = 3;
	}
	for (int32_t i = a + 1; i < b; i++) {
		if (cand[i - a] == 0)
			continue;
		if (add_box(c, from, i))
			goto cleanup;
		if (cand[i - a] == 1)
			rc = add_penalty(c, i, c->hyphen_width, HYPHEN_PENALTY, 1);
		else
			rc = add_penalty(c, i, 0, cand[i - a] == 2 ? SAFE_PENALTY :
			                 CHAR_PENALTY, 0);
		if (rc)
			goto cleanup;
		c->items[c->n_items - 1].long_word = long_word;
		rc = -1;
		from = i;
	}
	rc = add_box(c, from, b);
cleanup:
	free(cand);
	return rc;
}

/* 1 when an ICU break before unit p may be used. */
static int break_allowed(const struct ctx *c, int32_t p)
{
	UChar prev = c->u[p - 1];

	if (!c->protect[p - 1] || !c->protect[p])
		return 1;
	return u_isWhitespace(prev) ||
	       (c->protect[p - 1] == PROTECT_ADDRESS && is_safe_break_char(prev));
}

/* One-letter prepositions and conjunctions that may not end a line, by
 * language (the typographic rule of Czech, Slovak, Polish, Slovene,
 * Croatian, Serbian, Bulgarian, Russian, Ukrainian): lower case. */
static const struct {
	const char *lang;       /* primary subtag */
	const char *letters;    /* UTF-8 */
} single_letter_words[] = {
	{ "bg", "авиосу" },
	{ "cs", "aiksouvz" },
	{ "hr", "aiksouvz" },
	{ "pl", "aiouwz" },
	{ "ru", "авиксоуя" },
	{ "sk", "aiksouvz" },
	{ "sl", "aiksouvz" },
	{ "sr", "aiksouvzаиксоув" },
	{ "uk", "авзійоу" },
};

/* 1 when the text [a, b) is a one-letter word that the language keeps
 * with the next word. */
static int single_letter_word(const struct ctx *c, int32_t a, int32_t b)
{
	const char *lang = c->st->lang ? c->st->lang : "";
	size_t n = strcspn(lang, "-_");
	UChar ch;

	if (b - a != 1 || !u_isalpha(c->u[a]))
		return 0;
	ch = (UChar)u_tolower(c->u[a]);
	for (size_t i = 0; i < sizeof single_letter_words /
	     sizeof single_letter_words[0]; i++) {
		const char *s = single_letter_words[i].letters;
		int32_t k = 0, len = (int32_t)strlen(s);
		if (strlen(single_letter_words[i].lang) != n ||
		    strncmp(single_letter_words[i].lang, lang, n) != 0)
			continue;
		while (k < len) {
			UChar32 x;
			U8_NEXT(s, k, len, x);
			if (x == ch)
				return 1;
		}
		return 0;
	}
	return 0;
}

/* 1 when a space between q (after the word) and p (the next word) must
 * not break: inside a number or amount written with spaces ("50 000",
 * "631 04"), or after a one-letter word that the language keeps with the
 * next. */
static int space_binds(const struct ctx *c, int32_t start, int32_t q,
                       int32_t p)
{
	if (q <= start || p >= c->n)
		return 0;
	if (u_isdigit(c->u[q - 1]) && u_isdigit(c->u[p]))
		return 1;
	return single_letter_word(c, start, q);
}

static int build_items(struct ctx *c)
{
	UErrorCode status = U_ZERO_ERROR;
	UBreakIterator *bi = line_breaker(c->st->lang);
	int32_t start = 0, p;

	if (bi == NULL)
		return err_set(c->e, "cannot open an ICU line break iterator");
	ubrk_setText(bi, c->u, c->n, &status);
	if (U_FAILURE(status))
		return err_set(c->e, "ICU: %s", u_errorName(status));
	ubrk_first(bi);
	while ((p = ubrk_next(bi)) != UBRK_DONE) {
		int hard = ubrk_getRuleStatus(bi) >= UBRK_LINE_HARD && p < c->n;
		int32_t q = p;
		if (p < c->n && !hard &&
		    (!break_allowed(c, p) || slash_binds(c, p)))
			continue;
		while (q > start && (u_isWhitespace(c->u[q - 1]) ||
		                     c->u[q - 1] == 0x2028 || c->u[q - 1] == 0x2029))
			q--;
		if (!hard && q < p && space_binds(c, start, q, p))
			continue;
		if (add_word(c, start, q))
			return -1;
		if (hard) {
			if (add_end(c, p))
				return -1;
		} else if (p == c->n) {
			/* the paragraph's end is added below */
		} else if (q < p) {
			if (add_glue(c, q, p))
				return -1;
		} else {
			int hy = c->u[p - 1] == '-' || c->u[p - 1] == 0x2010;
			double pen = c->protect[p - 1] ? SAFE_PENALTY :
			             hy ? HYPHEN_PENALTY : 0;
			if (add_penalty(c, p, 0, pen, hy))
				return -1;
		}
		start = p;
	}
	return add_end(c, c->n);
}

/* ---- Knuth–Plass --------------------------------------------------------- */

/* Appends nd to c->nodes. Returns its index, or -1 with c->e set. */
static int new_node(struct ctx *c, struct node nd)
{
	if (c->n_nodes == c->cap_nodes) {
		struct node *p = array_reserve_int(c->nodes, sizeof *p,
		                                   c->n_nodes, 1, &c->cap_nodes);
		if (p == NULL)
			return err_set(c->e, "out of memory");
		c->nodes = p;
	}
	c->nodes[c->n_nodes] = nd;
	return c->n_nodes++;
}

static int sums(struct ctx *c)
{
	size_t m = (size_t)c->n_items + 1;

	c->sw = malloc(m * sizeof *c->sw);
	c->sy = malloc(m * sizeof *c->sy);
	c->sz = malloc(m * sizeof *c->sz);
	c->sf = malloc(m * sizeof *c->sf);
	if (!c->sw || !c->sy || !c->sz || !c->sf)
		return err_set(c->e, "out of memory");
	c->sw[0] = c->sy[0] = c->sz[0] = 0;
	c->sf[0] = 0;
	for (int i = 0; i < c->n_items; i++) {
		const struct item *it = &c->items[i];
		int counted = it->type != ITEM_PENALTY;
		c->sw[i + 1] = c->sw[i] + (counted ? it->width : 0);
		c->sy[i + 1] = c->sy[i] + (it->type == ITEM_GLUE ? it->stretch : 0);
		c->sz[i + 1] = c->sz[i] + (it->type == ITEM_GLUE ? it->shrink : 0);
		c->sf[i + 1] = c->sf[i] + (it->type == ITEM_GLUE && it->fil);
	}
	return 0;
}

static int legal_break(const struct ctx *c, int i)
{
	const struct item *it = &c->items[i];

	if (it->type == ITEM_PENALTY)
		return it->penalty < INF_PENALTY;
	if (it->type == ITEM_GLUE)
		return !it->fil && i > 0 && c->items[i - 1].type == ITEM_BOX;
	return 0;
}

/* Index of the first item of the line after a break at b (glue and
 * penalties after a break are discarded, up to the next box or forced
 * break). */
static int line_start(const struct ctx *c, int b)
{
	int i = b + 1;

	if (b < 0)
		return 0;
	while (i < c->n_items && c->items[i].type != ITEM_BOX &&
	       !(c->items[i].type == ITEM_PENALTY &&
	         c->items[i].penalty <= -INF_PENALTY) &&
	       !(c->items[i].type == ITEM_GLUE && c->items[i].fil))
		i++;
	return i;
}

/* Adjustment ratio of a line from item s (its first) to a break at b,
 * with `extra` points of stretch added (the emergency pass). */
static double line_ratio(const struct ctx *c, int s, int b, double extra,
                         double *natural)
{
	const struct item *brk = &c->items[b];
	double w = c->sw[b] - c->sw[s];
	double y = c->sy[b] - c->sy[s];
	double z = c->sz[b] - c->sz[s];
	int fil = c->sf[b] - c->sf[s];
	double m = c->st->measure;

	if (brk->type == ITEM_PENALTY)
		w += brk->width;
	if (natural)
		*natural = w;
	if (w < m - 1e-9) {
		if (fil > 0)
			return 0;
		if (c->st->align != ALIGN_JUSTIFY)
			y += 3 * c->st->size;  /* ragged lines: a virtual stretch */
		y += extra;
		return y > 0 ? (m - w) / y : HUGE_RATIO;
	}
	if (w > m + 1e-9)
		return z > 0 ? (m - w) / z : -HUGE_RATIO;
	return 0;
}

static double demerits_of(double ratio, const struct item *brk,
                          const struct item *prev_brk, int *fitness)
{
	double r = fabs(ratio);
	double bad = r > 10 ? 10000 + r : fmin(100 * r * r * r, 10000);
	double d = (LINE_PENALTY + bad) * (LINE_PENALTY + bad);
	double p = brk->type == ITEM_PENALTY ? brk->penalty : 0;

	if (p >= 0)
		d += p * p;
	else if (p > -INF_PENALTY)
		d -= p * p;
	if (brk->type == ITEM_PENALTY && brk->flagged && prev_brk != NULL &&
	    prev_brk->type == ITEM_PENALTY && prev_brk->flagged)
		d += FLAGGED_DEMERITS;
	*fitness = ratio < -0.5 ? 0 : ratio <= 0.5 ? 1 : ratio <= 1 ? 2 : 3;
	return d;
}

/* Demerits of the line from item s to a break at b, whose ratio with the
 * emergency stretch is r. The emergency stretch only makes lines
 * feasible: they are judged by their real ratio. A line whose spaces
 * must stretch beyond MAX_JUSTIFY_RATIO is very bad, and one beyond
 * LOOSE_RATIO (emit_line leaves it ragged) worse still, so that the
 * breaker only takes them when no other set of breaks fills the lines.
 * Lines ending before or inside a word wider than the line, and lines
 * holding only a piece of a name, address or URL, are judged with the
 * emergency stretch: only breaks between characters could fill them. */
static double fill_demerits(const struct ctx *c, int s, int b, double r,
                            const struct item *prev_brk, int *fitness)
{
	const struct item *brk = &c->items[b];
	double real, natural, gap, d;

	if (brk->long_word || c->st->align != ALIGN_JUSTIFY ||
	    (brk->type == ITEM_PENALTY && brk->start > 0 &&
	     c->protect[brk->start - 1] && c->sy[b] - c->sy[s] <= 0))
		return demerits_of(r, brk, prev_brk, fitness);
	real = line_ratio(c, s, b, 0, &natural);
	if (real <= MAX_JUSTIFY_RATIO)
		return demerits_of(real, brk, prev_brk, fitness);
	d = demerits_of(MAX_JUSTIFY_RATIO, brk, prev_brk, fitness);
	if (real <= LOOSE_RATIO)
		return d + LOOSE_DEMERITS * (1 + real - MAX_JUSTIFY_RATIO);
	/* ragged: the fewer such lines the better, then the fuller */
	gap = fmax(c->st->measure - natural, 0) / c->st->measure;
	return d + RAGGED_DEMERITS * (1 + 4 * gap);
}

/* 1 when the items [s, b) hold no space: the line is one word (or the
 * tail of one). */
static int one_word(const struct ctx *c, int s, int b)
{
	for (int i = s; i < b; i++)
		if (c->items[i].type == ITEM_GLUE && !c->items[i].fil)
			return 0;
	return 1;
}

/* Demerits of a line (fill_demerits), plus TeX's \finalhyphendemerits
 * when the line before the last of a paragraph (or of a hard line) ends
 * with a hyphen, and much more when the last line is then only the tail
 * of the hyphenated word ("jiem", "tat.") or shorter than SHORT_TAIL. */
static double line_demerits(const struct ctx *c, int s, int b, double r,
                            const struct item *prev_brk, int *fitness)
{
	const struct item *brk = &c->items[b];
	double d = fill_demerits(c, s, b, r, prev_brk, fitness);
	double natural;

	if (brk->type == ITEM_PENALTY && brk->penalty <= -INF_PENALTY &&
	    prev_brk != NULL && prev_brk->type == ITEM_PENALTY &&
	    prev_brk->flagged) {
		d += FINAL_HYPHEN_DEMERITS;
		line_ratio(c, s, b, 0, &natural);
		if (natural < SHORT_TAIL * c->st->measure ||
		    (prev_brk->width > 0 && one_word(c, s, b)))
			d += SHORT_TAIL_DEMERITS;
	}
	return d;
}

/* Runs one pass with the largest allowed ratio `tol`. Returns the node
 * of the best last break, -1 when no feasible set of breaks exists, or -2
 * with c->e set on error. */
static int knuth_plass(struct ctx *c, double tol)
{
	int head;
	struct node first = { .pos = -1, .fitness = 1, .prev = -1,
	                      .next_active = -1 };

	c->n_nodes = 0;
	head = new_node(c, first);
	if (head < 0)
		return -2;
	for (int b = 0; b < c->n_items; b++) {
		/* the best node per fitness class and hyphen run (0..2) */
		int best[12];
		double best_d[12];
		int prev = -1, a;
		const struct item *brk = &c->items[b];
		int forced = brk->type == ITEM_PENALTY && brk->penalty <= -INF_PENALTY;

		if (!legal_break(c, b))
			continue;
		for (int f = 0; f < 12; f++) {
			best[f] = -1;
			best_d[f] = INFINITY;
		}
		for (a = head; a >= 0;) {
			struct node *nd = &c->nodes[a];
			int next = nd->next_active;
			int s = line_start(c, nd->pos);
			double r = line_ratio(c, s, b, c->emergency, NULL);
			if (s <= b && r >= -1 && r <= tol &&
			    !(brk->flagged && brk->width > 0 &&
			      nd->line + 1 == c->st->no_hyphen_line)) {
				int fit, run = brk->flagged ? nd->hrun + 1 : 0;
				const struct item *pb = nd->pos >= 0 ? &c->items[nd->pos] : NULL;
				double d = line_demerits(c, s, b, r, pb, &fit);
				if (abs(fit - nd->fitness) > 1)
					d += FITNESS_DEMERITS;
				if (run > HYPHEN_RUN) {
					d += HYPHEN_RUN_DEMERITS;
					run = HYPHEN_RUN;
				}
				d += nd->demerits;
				if (d < best_d[fit * 3 + run]) {
					best_d[fit * 3 + run] = d;
					best[fit * 3 + run] = a;
				}
			}
			if (r < -1 || forced) {
				/* deactivate a */
				if (prev < 0)
					head = next;
				else
					c->nodes[prev].next_active = next;
			} else {
				prev = a;
			}
			a = next;
		}
		for (int f = 0; f < 12; f++) {
			struct node nd;
			int id;
			if (best[f] < 0)
				continue;
			nd.pos = b;
			nd.line = c->nodes[best[f]].line + 1;
			nd.fitness = f / 3;
			nd.hrun = f % 3;
			nd.demerits = best_d[f];
			nd.prev = best[f];
			nd.next_active = head;
			id = new_node(c, nd);
			if (id < 0)
				return -2;
			head = id;
		}
		if (head < 0)
			return -1;
		if (forced && b < c->n_items - 1) {
			/* a hard line break: keep only the best node */
			int keep = -1;
			for (a = head; a >= 0; a = c->nodes[a].next_active)
				if (keep < 0 || c->nodes[a].demerits < c->nodes[keep].demerits)
					keep = a;
			c->nodes[keep].next_active = -1;
			head = keep;
		}
	}
	{
		int best = -1;
		for (int a = head; a >= 0; a = c->nodes[a].next_active)
			if (c->nodes[a].pos == c->n_items - 1 &&
			    (best < 0 || c->nodes[a].demerits < c->nodes[best].demerits))
				best = a;
		return best;
	}
}

/* First fit: each line takes as much as fits. Same return as knuth_plass. */
static int first_fit(struct ctx *c)
{
	struct node first = { .pos = -1, .fitness = 1, .prev = -1,
	                      .next_active = -1 };
	int cur;

	c->n_nodes = 0;
	cur = new_node(c, first);
	while (cur >= 0 && c->nodes[cur].pos < c->n_items - 1) {
		int s = line_start(c, c->nodes[cur].pos);
		int last = -1;
		struct node nd = { .prev = cur, .next_active = -1 };
		for (int b = s; b < c->n_items; b++) {
			if (!legal_break(c, b))
				continue;
			if (line_ratio(c, s, b, 0, NULL) < -1)
				break;
			last = b;
			if (c->items[b].type == ITEM_PENALTY &&
			    c->items[b].penalty <= -INF_PENALTY)
				break;
		}
		if (last < 0)
			return -1;
		{
			int fit;
			const struct item *pb = c->nodes[cur].pos >= 0 ?
				&c->items[c->nodes[cur].pos] : NULL;
			double d = line_demerits(c, s, last,
			                         line_ratio(c, s, last, 0, NULL), pb,
			                         &fit);
			if (abs(fit - c->nodes[cur].fitness) > 1)
				d += FITNESS_DEMERITS;
			nd.pos = last;
			nd.line = c->nodes[cur].line + 1;
			nd.fitness = fit;
			nd.demerits = c->nodes[cur].demerits + d;
		}
		cur = new_node(c, nd);
		if (cur < 0)
			return -2;
	}
	return cur;
}

/* ---- output ---------------------------------------------------------------- */

/* Appends g to s, or extends s's last segment when g continues it (same
 * font and level, adjacent, neither a hyphen). Returns 0, or -1 with c->e
 * set. */
static int push_seg(struct ctx *c, struct segs *s, struct seg g)
{
	if (s->n > 0 && g.font >= 0 && !g.hyphen) {
		struct seg *last = &s->v[s->n - 1];
		if (last->font == g.font && !last->hyphen && last->end == g.start &&
		    last->level == g.level) {
			last->end = g.end;
			last->width += g.width;
			return 0;
		}
	}
	if (s->n == s->cap) {
		struct seg *p = array_reserve_int(s->v, sizeof *p, s->n, 1,
		                                  &s->cap);
		if (p == NULL)
			return err_set(c->e, "out of memory");
		s->v = p;
	}
	s->v[s->n++] = g;
	return 0;
}

/* Splits the box [a, b) into segments of one font and one level. */
static int box_segments(struct ctx *c, struct segs *s, int32_t a, int32_t b)
{
	int32_t i = a;

	while (i < b) {
		struct seg g = { .start = i, .font = c->font[i],
		                 .level = c->levels[i] };
		int32_t j = i + 1;
		while (j < b && (c->font[j] == g.font || c->font[j] < 0 ||
		                 U16_IS_TRAIL(c->u[j])) &&
		       c->levels[j] == g.level)
			j++;
		if (g.font < 0) {
			/* not drawn: attach to nothing */
			i = j;
			continue;
		}
		g.end = j;
		g.width = width_of(c, i, j);
		if (push_seg(c, s, g))
			return -1;
		i = j;
	}
	return 0;
}

/* Appends the UTF-8 text of a segment, without undrawn characters, in
 * visual order. Returns a malloc'd string or NULL. Segments of up to
 * SEG_STACK units are worked on in stack buffers: one malloc a piece. */
#define SEG_STACK 256
static char *segment_text(struct ctx *c, const struct seg *g)
{
	int32_t n = g->end - g->start, k = 0, len = 0;
	UChar stack_tmp[SEG_STACK + 1], stack_vis[SEG_STACK + 1];
	UChar *tmp = stack_tmp, *vis = stack_vis;
	UErrorCode status = U_ZERO_ERROR;
	char *out = NULL;

	if (n > SEG_STACK) {
		tmp = malloc(((size_t)n + 1) * sizeof *tmp);
		vis = malloc(((size_t)n + 1) * sizeof *vis);
		if (tmp == NULL || vis == NULL)
			goto cleanup;
	}
	if (g->hyphen) {
		tmp[k++] = '-';
	} else {
		for (int32_t i = g->start; i < g->end; i++)
			if (c->font[i] >= 0)
				tmp[k++] = c->u[i];
	}
	if (g->level & 1) {
		k = bidi_reverse(tmp, k, vis, n + 1);
		if (k < 0)
			goto cleanup;
	} else {
		memcpy(vis, tmp, (size_t)k * sizeof *vis);
	}
	/* a UTF-16 unit is at most 3 bytes of UTF-8 (a pair, 4) */
	out = malloc((size_t)k * 3 + 1);
	if (out == NULL)
		goto cleanup;
	u_strToUTF8(out, k * 3 + 1, &len, vis, k, &status);
	if (U_FAILURE(status)) {
		free(out);
		out = NULL;
	}
cleanup:
	if (tmp != stack_tmp)
		free(tmp);
	if (vis != stack_vis)
		free(vis);
	return out;
}

/* Lays out the items s..b (b the break) as one line of out. The
 * segments go into c->segs, reused from line to line; the bidi levels and
 * order of up to LINE_STACK segments live on the stack. */
#define LINE_STACK 64
static int emit_line(struct ctx *c, int s, int b, struct para_line *line)
{
	const struct item *brk = &c->items[b];
	struct segs *segs = &c->segs;
	UBiDiLevel stack_lv[LINE_STACK + 1], *lv = stack_lv;
	int32_t stack_order[LINE_STACK + 1], *order = stack_order;
	double natural = 0, y = 0, z = 0, m = c->st->measure, x, ratio = 0;
	int last = brk->type == ITEM_PENALTY && brk->penalty <= -INF_PENALTY;
	int rc = -1;

	for (int i = s; i < b; i++) {
		const struct item *it = &c->items[i];
		if (it->type == ITEM_BOX) {
			if (box_segments(c, segs, it->start, it->end))
				goto cleanup;
		} else if (it->type == ITEM_GLUE && !it->fil) {
			struct seg g = { .start = it->start, .end = it->start,
			                 .font = -1, .level = c->levels[it->start],
			                 .width = it->width, .stretch = it->stretch,
			                 .shrink = it->shrink };
			if (push_seg(c, segs, g))
				goto cleanup;
		}
	}
	if (brk->type == ITEM_PENALTY && brk->flagged && brk->width > 0 &&
	    segs->n > 0) {
		struct seg *prev = &segs->v[segs->n - 1];
		struct seg g = { .start = prev->end, .end = prev->end, .hyphen = 1,
		                 .level = prev->level, .width = brk->width };
		g.font = prev->font >= 0 &&
		         fontset_advance(c->fs, prev->font, '-') > 0 ? prev->font :
		         fontset_pick(c->fs, c->st->face, '-');
		g.width = fontset_advance(c->fs, g.font, '-') * c->st->size / 1000;
		if (push_seg(c, segs, g))
			goto cleanup;
	}
	while (segs->n > 0 && segs->v[segs->n - 1].font < 0)
		segs->n--;  /* no trailing gap */
	for (int i = 0; i < segs->n; i++) {
		natural += segs->v[i].width;
		y += segs->v[i].stretch;
		z += segs->v[i].shrink;
	}
	if (c->st->align == ALIGN_JUSTIFY && !last) {
		if (natural < m && y > 0)
			ratio = (m - natural) / y;
		if (ratio > LOOSE_RATIO) {
			ratio = 0;  /* too few spaces to fill: leave it ragged */
			line->ragged = 1;
		}
		else if (natural > m && z > 0)
			ratio = fmax((m - natural) / z, -1);
	} else if (natural > m && z > 0) {
		ratio = fmax((m - natural) / z, -1);
	}
	if (segs->n > LINE_STACK) {
		lv = malloc((size_t)segs->n + 1);
		order = malloc(((size_t)segs->n + 1) * sizeof *order);
		if (lv == NULL || order == NULL) {
			err_set(c->e, "out of memory");
			goto cleanup;
		}
	}
	for (int i = 0; i < segs->n; i++) {
		struct seg *g = &segs->v[i];
		if (g->font < 0)
			g->width += ratio * (ratio >= 0 ? g->stretch : g->shrink);
		lv[i] = g->level;
	}
	natural = 0;
	for (int i = 0; i < segs->n; i++)
		natural += segs->v[i].width;
	if (segs->n > 0)
		bidi_visual_order(lv, segs->n, order);
	x = 0;
	if (natural < m - 1e-6 && ratio <= 0) {
		if (c->st->align == ALIGN_CENTER)
			x = (m - natural) / 2;
		else if (c->rtl)
			x = m - natural;
	}
	line->pieces = calloc((size_t)segs->n + 1, sizeof *line->pieces);
	if (line->pieces == NULL) {
		err_set(c->e, "out of memory");
		goto cleanup;
	}
	line->ratio = ratio;
	line->left = m;
	line->right = 0;
	for (int v = 0; v < segs->n; v++) {
		struct seg *g = &segs->v[order[v]];
		if (g->font >= 0) {
			struct para_piece *pc = &line->pieces[line->n_pieces];
			pc->font = g->font;
			pc->x = x;
			pc->width = g->width;
			pc->order = order[v];
			pc->text = segment_text(c, g);
			if (pc->text == NULL) {
				err_set(c->e, "out of memory");
				goto cleanup;
			}
			line->n_pieces++;
			line->left = fmin(line->left, x);
			line->right = fmax(line->right, x + g->width);
		}
		x += g->width;
	}
	if (line->n_pieces == 0)
		line->left = line->right = 0;
	rc = 0;
cleanup:
	segs->n = 0;
	if (lv != stack_lv)
		free(lv);
	if (order != stack_order)
		free(order);
	return rc;
}

static int emit(struct ctx *c, int last, struct para *out)
{
	int n = 0;
	int *breaks;
	int rc = -1;

	for (int a = last; a > 0; a = c->nodes[a].prev)
		n++;
	breaks = malloc(((size_t)n + 1) * sizeof *breaks);
	out->lines = calloc((size_t)n + 1, sizeof *out->lines);
	if (breaks == NULL || out->lines == NULL) {
		err_set(c->e, "out of memory");
		goto cleanup;
	}
	for (int a = last, k = n; a > 0; a = c->nodes[a].prev)
		breaks[--k] = c->nodes[a].pos;
	out->demerits = c->nodes[last].demerits;
	for (int k = 0; k < n; k++) {
		int s = line_start(c, k ? breaks[k - 1] : -1);
		const struct item *brk = &c->items[breaks[k]];
		if (emit_line(c, s, breaks[k], &out->lines[out->n_lines])) {
			out->n_lines++;   /* para_clear frees what it holds */
			goto cleanup;
		}
		if (brk->type == ITEM_PENALTY && brk->flagged && brk->width > 0) {
			out->lines[out->n_lines].hyphen = 1;
			out->hyphens++;
		}
		out->lines[out->n_lines].joined = !c->rtl &&
		    brk->type == ITEM_PENALTY && brk->penalty > -INF_PENALTY;
		out->n_lines++;
	}
	rc = 0;
cleanup:
	free(breaks);
	return rc;
}

static void ctx_free(struct ctx *c)
{
	free(c->u);
	free(c->font);
	free(c->cum);
	free(c->protect);
	free(c->levels);
	free(c->items);
	free(c->sw);
	free(c->sy);
	free(c->sz);
	free(c->sf);
	free(c->nodes);
	free(c->segs.v);
}

static int prepare(struct ctx *c, const char *text, const struct span *nohyph,
                   int n_nohyph)
{
	int32_t *map = NULL;
	int32_t len = (int32_t)strlen(text);
	int hf;
	int rc = -1;

	if (decode(c, text, &map))
		return -1;
	c->protect = calloc((size_t)c->n + 1, 1);
	c->levels = malloc((size_t)c->n + 1);
	if (c->protect == NULL || c->levels == NULL) {
		err_set(c->e, "out of memory");
		goto cleanup;
	}
	for (int k = 0; k < n_nohyph; k++) {
		size_t a = nohyph[k].start, b = nohyph[k].end;
		if (a >= b || b > (size_t)len)
			continue;
		for (int32_t i = map[a]; i < map[b]; i++)
			c->protect[i] = 1;
	}
	detect_addresses(c);
	c->rtl = c->st->auto_dir ? bidi_first_strong(c->u, c->n) : -1;
	if (c->rtl < 0)
		c->rtl = bidi_lang_rtl(c->st->lang);
	if (bidi_levels(c->u, c->n, c->rtl, c->levels, c->e))
		goto cleanup;
	if (measure(c))
		goto cleanup;
	hf = fontset_pick(c->fs, c->st->face, '-');
	c->hyphen_width = hf >= 0 ?
		fontset_advance(c->fs, hf, '-') * c->st->size / 1000 : 0;
	rc = 0;
cleanup:
	free(map);
	return rc;
}

/* Knuth–Plass in passes of growing tolerance until one finds breaks; when
 * the best of them has a loose or ragged line, a tail of a hyphenated
 * word or a third hyphen in a row, the next passes are tried too and the
 * cheapest set of breaks is kept. Returns its last node and sets *pass
 * (1-3), or -1 / -2 as knuth_plass. */
static int total_fit(struct ctx *c, int *pass_out)
{
	static const double tolerance[] = { 1.5, 3, HUGE_RATIO * 2 };
	double best = INFINITY;
	int last = -1, best_pass = -1, pass;

	for (pass = 0; pass < 3; pass++) {
		c->emergency = pass == 2 ? c->st->measure / 2 : 0;
		last = knuth_plass(c, tolerance[pass]);
		if (last == -2)
			return -2;
		if (last >= 0 && c->nodes[last].demerits < best) {
			best = c->nodes[last].demerits;
			best_pass = pass;
		}
		if (best < LOOSE_DEMERITS)
			break;
	}
	if (best_pass < 0)
		return -1;
	if (best_pass != (pass < 3 ? pass : 2)) {
		/* set the nodes of the best pass again */
		c->emergency = best_pass == 2 ? c->st->measure / 2 : 0;
		last = knuth_plass(c, tolerance[best_pass]);
	}
	*pass_out = best_pass + 1;
	return last;
}

/* 1 when the paragraph holds a token wider than the measure (a long URL):
 * its pieces make lines that cannot be filled, the rest stays justified. */
static int has_long_word(const struct ctx *c)
{
	for (int i = 0; i < c->n_items; i++)
		if (c->items[i].long_word)
			return 1;
	return 0;
}

static int set_uncached(const struct fontset *fs, const struct para_style *st,
                        const char *text, const struct span *nohyph,
                        int n_nohyph, struct para *out, struct err *e);

/* A justified paragraph with a line that could not be filled (its spaces
 * would stretch beyond twice their width) is set ragged right as a whole
 * instead: one ragged line among justified ones reads as a mistake.
 * Replaces *out; returns 0, or -1 with e set. */
static int set_ragged(const struct fontset *fs, const struct para_style *st,
                      const char *text, const struct span *nohyph,
                      int n_nohyph, struct para *out, struct err *e)
{
	struct para_style rs = *st;

	rs.align = ALIGN_START;
	para_clear(out);
	if (set_uncached(fs, &rs, text, nohyph, n_nohyph, out, e))
		return -1;
	out->ragged = 1;
	return 0;
}

/* para_set without the cache (see below). */
static int set_uncached(const struct fontset *fs, const struct para_style *st,
                        const char *text, const struct span *nohyph,
                        int n_nohyph, struct para *out, struct err *e)
{
	struct ctx c = { .fs = fs, .st = st, .e = e };
	int last = -1, rc = -1;

	memset(out, 0, sizeof *out);
	if (text == NULL)
		text = "";
	if (st->measure <= 0 || st->size <= 0)
		return err_set(e, "paragraph: bad measure or size");
	if (prepare(&c, text, nohyph, n_nohyph) || build_items(&c) || sums(&c))
		goto cleanup;
	if (st->greedy) {
		last = first_fit(&c);
		out->pass = 1;
	} else {
		last = total_fit(&c, &out->pass);
		if (last == -2)
			goto cleanup;
	}
	if (last < 0) {
		err_set(e, "a character is wider than the line (%.1f pt)",
		        st->measure);
		goto cleanup;
	}
	out->rtl = c.rtl;
	rc = emit(&c, last, out);
	if (rc == 0 && st->align == ALIGN_JUSTIFY && !st->greedy &&
	    !has_long_word(&c)) {
		for (int i = 0; i < out->n_lines; i++)
			if (out->lines[i].ragged) {
				rc = set_ragged(fs, st, text, nohyph, n_nohyph, out, e);
				break;
			}
	}
cleanup:
	ctx_free(&c);
	if (rc)
		para_clear(out);
	return rc;
}

/* ---- per-thread cache of set paragraphs ---------------------------------
 *
 * The catalogue wording of a declaration or an agreement is the same in
 * every document of a language and role, so most paragraphs are set again
 * with the same text and style. A set paragraph is a pure function of the
 * fontset, every field of the style, the text bytes and the nohyph ranges
 * (hyphenation points and ICU break rules depend only on the language and
 * the text), so each thread keeps the results it computed, keyed by all
 * of these compared byte for byte, and a hit returns a deep copy equal
 * field by field to what set_uncached returns: output never depends on
 * the cache, on the thread or on the order of the records.
 *
 * Bounds: PC_SLOTS direct-mapped slots (a colliding paragraph replaces the
 * older one) and at most PC_BUDGET bytes of entries per thread (the
 * entries stored first are dropped to make room); a text longer than
 * PC_MAX_TEXT bytes, or a result of more than PC_BUDGET / 16 bytes, is
 * never cached. The table itself (slots and ring) takes 192 KiB. Out of memory: the paragraph is not
 * cached (and a failed copy of a hit is set afresh); a result computed
 * while any allocation failed is never stored. No locks: each thread has
 * its own cache, freed when the thread exits or by para_thread_cleanup. */
#define PC_SLOTS    8192
#define PC_BUDGET   ((size_t)8 << 20)   /* 8 MiB of entries per thread */
#define PC_MAX_TEXT 8192

/* One cached paragraph: the key, then the result, in one allocation. */
struct pc_entry {
	uint64_t hash;
	unsigned long seq;        /* when it was stored (pc->seq) */
	size_t bytes;             /* size of this allocation */
	/* key */
	struct para_style st;     /* st.lang points into this block or NULL */
	const char *text;         /* into this block */
	size_t text_len;
	const struct span *nohyph; /* into this block */
	int n_nohyph;
	/* result: lines, pieces and texts point into this block */
	struct para res;
};

struct para_cache {
	struct pc_entry *slot[PC_SLOTS];
	size_t bytes;             /* sum of the entries' bytes */
	/* the order entries were stored in, oldest at ring[head]: a slot
	 * and the seq of the entry stored there (stale once replaced) */
	struct { int slot; unsigned long seq; } ring[PC_SLOTS];
	int head, count;
	unsigned long seq;
	const struct fontset *fs; /* the fontset the entries were set with */
	uint64_t fs_sig;
	unsigned long hits, misses;
};

static pthread_key_t pc_key;
static pthread_once_t pc_once = PTHREAD_ONCE_INIT;
static _Thread_local struct para_cache *thread_pc;
/* 1: the cache is used; PACTDOC_NO_CACHE=1 in the environment, or
 * para_cache_enable(0), turns it off. */
static _Atomic int pc_on = 1;

static void pc_flush(struct para_cache *pc)
{
	for (int i = 0; i < PC_SLOTS; i++) {
		free(pc->slot[i]);
		pc->slot[i] = NULL;
	}
	pc->bytes = 0;
	pc->head = 0;
	pc->count = 0;
}

static void pc_free(void *p)
{
	struct para_cache *pc = p;

	if (pc == NULL)
		return;
	pc_flush(pc);
	free(pc);
}

static void pc_key_init(void)
{
	pthread_key_create(&pc_key, pc_free);
	if (caches_turned_off())
		atomic_store(&pc_on, 0);
}

/* The calling thread's cache, made on first use; NULL when it is off or
 * out of memory (then paragraphs are set uncached). */
static struct para_cache *get_pc(void)
{
	struct para_cache *pc = thread_pc;
	int had_oom;

	if (pc != NULL)
		return atomic_load(&pc_on) ? pc : NULL;
	pthread_once(&pc_once, pc_key_init);
	if (!atomic_load(&pc_on))
		return NULL;
	had_oom = oom_seen();
	pc = calloc(1, sizeof *pc);
	if (pc == NULL || pthread_setspecific(pc_key, pc) != 0) {
		free(pc);
		if (!had_oom)
			oom_clear();   /* going without the cache is no failure */
		return NULL;
	}
	thread_pc = pc;
	return pc;
}

/* Mixes n bytes of p into h: eight at a time (the texts are long), then
 * FNV-1a for the rest. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t w;

	for (; n >= 8; b += 8, n -= 8) {
		memcpy(&w, b, 8);
		h = (h ^ w) * 0x9E3779B97F4A7C15u;
		h ^= h >> 29;
	}
	for (; n > 0; b++, n--)
		h = (h ^ *b) * 1099511628211u;
	return h;
}

/* What identifies a loaded fontset beyond its address (which a later
 * fontset may reuse): its fonts' paths, and their bytes' address and
 * length. */
static uint64_t fs_signature(const struct fontset *fs)
{
	uint64_t h = fnv(14695981039346656037u, &fs, sizeof fs);
	int n = fontset_count(fs);

	h = fnv(h, &n, sizeof n);
	for (int i = 0; i < n; i++) {
		const char *path = fontset_path(fs, i);
		size_t len = 0;
		const unsigned char *data = fontset_data(fs, i, &len);
		if (path != NULL)
			h = fnv(h, path, strlen(path) + 1);
		h = fnv(h, &data, sizeof data);
		h = fnv(h, &len, sizeof len);
	}
	return h;
}

/* The hash of a key: every style field, the text and the ranges. */
static uint64_t key_hash(const struct para_style *st, const char *text,
                         size_t len, const struct span *nohyph, int n_nohyph)
{
	uint64_t h = 14695981039346656037u;
	int has_lang = st->lang != NULL;

	h = fnv(h, &st->face, sizeof st->face);
	h = fnv(h, &st->size, sizeof st->size);
	h = fnv(h, &st->measure, sizeof st->measure);
	h = fnv(h, &st->align, sizeof st->align);
	h = fnv(h, &st->hyphenate, sizeof st->hyphenate);
	h = fnv(h, &st->greedy, sizeof st->greedy);
	h = fnv(h, &st->no_hyphen_line, sizeof st->no_hyphen_line);
	h = fnv(h, &st->auto_dir, sizeof st->auto_dir);
	h = fnv(h, &has_lang, sizeof has_lang);
	if (has_lang)
		h = fnv(h, st->lang, strlen(st->lang) + 1);
	h = fnv(h, &n_nohyph, sizeof n_nohyph);
	if (n_nohyph > 0)
		h = fnv(h, nohyph, (size_t)n_nohyph * sizeof *nohyph);
	h = fnv(h, text, len);
	return h ^ (h >> 32);   /* the slot is taken from the low bits */
}

/* 1 when entry x holds exactly this key. Doubles are compared bit for
 * bit: a key matches only what was set with the very same numbers. */
static int key_equal(const struct pc_entry *x, uint64_t hash,
                     const struct para_style *st, const char *text,
                     size_t len, const struct span *nohyph, int n_nohyph)
{
	const struct para_style *a = &x->st;

	if (x->hash != hash || x->text_len != len || x->n_nohyph != n_nohyph ||
	    a->face != st->face || a->align != st->align ||
	    a->hyphenate != st->hyphenate || a->greedy != st->greedy ||
	    a->no_hyphen_line != st->no_hyphen_line ||
	    a->auto_dir != st->auto_dir ||
	    memcmp(&a->size, &st->size, sizeof st->size) != 0 ||
	    memcmp(&a->measure, &st->measure, sizeof st->measure) != 0)
		return 0;
	if ((a->lang == NULL) != (st->lang == NULL) ||
	    (st->lang != NULL && strcmp(a->lang, st->lang) != 0))
		return 0;
	if (n_nohyph > 0 &&
	    memcmp(x->nohyph, nohyph, (size_t)n_nohyph * sizeof *nohyph) != 0)
		return 0;
	return memcmp(x->text, text, len) == 0;
}

/* Rounds n up to a multiple of 16 (the alignment of every part). */
static size_t round16(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

/* One allocation holding the key and a copy of p. Returns it, or NULL
 * when out of memory or too large to be worth keeping. */
static struct pc_entry *entry_make(uint64_t hash, const struct para_style *st,
                                   const char *text, size_t len,
                                   const struct span *nohyph, int n_nohyph,
                                   const struct para *p)
{
	size_t lang_len = st->lang ? strlen(st->lang) + 1 : 0;
	size_t n_pieces = 0, chars = len + 1 + lang_len, size, off;
	struct pc_entry *x;
	char *base, *cp;
	struct para_piece *pieces;

	for (int i = 0; i < p->n_lines; i++) {
		n_pieces += (size_t)p->lines[i].n_pieces;
		for (int k = 0; k < p->lines[i].n_pieces; k++)
			if (p->lines[i].pieces[k].text != NULL)
				chars += strlen(p->lines[i].pieces[k].text) + 1;
	}
	size = round16(sizeof *x) +
	       round16((size_t)n_nohyph * sizeof *nohyph) +
	       round16((size_t)p->n_lines * sizeof *p->lines) +
	       round16(n_pieces * sizeof *pieces) + chars;
	if (size > PC_BUDGET / 16)
		return NULL;
	base = malloc(size);
	if (base == NULL)
		return NULL;
	x = (struct pc_entry *)(void *)base;
	off = round16(sizeof *x);
	x->hash = hash;
	x->bytes = size;
	x->st = *st;
	x->n_nohyph = n_nohyph;
	x->nohyph = n_nohyph > 0 ? (struct span *)(void *)(base + off) : NULL;
	if (n_nohyph > 0)
		memcpy(base + off, nohyph, (size_t)n_nohyph * sizeof *nohyph);
	off += round16((size_t)n_nohyph * sizeof *nohyph);
	x->res = *p;
	x->res.lines = p->lines != NULL ?
	               (struct para_line *)(void *)(base + off) : NULL;
	off += round16((size_t)p->n_lines * sizeof *p->lines);
	pieces = (struct para_piece *)(void *)(base + off);
	off += round16(n_pieces * sizeof *pieces);
	cp = base + off;
	memcpy(cp, text, len);
	cp[len] = '\0';
	x->text = cp;
	x->text_len = len;
	cp += len + 1;
	if (st->lang != NULL) {
		memcpy(cp, st->lang, lang_len);
		x->st.lang = cp;
		cp += lang_len;
	}
	for (int i = 0; i < p->n_lines; i++) {
		const struct para_line *ln = &p->lines[i];
		struct para_line *to = &x->res.lines[i];
		*to = *ln;
		to->pieces = ln->pieces != NULL ? pieces : NULL;
		for (int k = 0; k < ln->n_pieces; k++) {
			pieces[k] = ln->pieces[k];
			if (ln->pieces[k].text != NULL) {
				size_t n = strlen(ln->pieces[k].text) + 1;
				memcpy(cp, ln->pieces[k].text, n);
				pieces[k].text = cp;
				cp += n;
			}
		}
		pieces += ln->n_pieces;
	}
	return x;
}

/* Fills *out with a deep copy of x's result, owned by the caller as
 * set_uncached's is. Returns 0, or -1 with *out zeroed (out of memory). */
static int entry_copy(const struct pc_entry *x, struct para *out)
{
	const struct para *p = &x->res;

	*out = *p;
	out->lines = NULL;
	out->n_lines = 0;
	if (p->lines == NULL)
		return 0;
	out->lines = calloc((size_t)p->n_lines ? (size_t)p->n_lines : 1,
	                    sizeof *out->lines);
	if (out->lines == NULL)
		goto fail;
	for (int i = 0; i < p->n_lines; i++) {
		const struct para_line *ln = &p->lines[i];
		struct para_line *to = &out->lines[i];
		*to = *ln;
		to->pieces = NULL;
		to->n_pieces = 0;
		out->n_lines = i + 1;
		if (ln->pieces == NULL)
			continue;
		to->pieces = calloc(ln->n_pieces ? (size_t)ln->n_pieces : 1,
		                    sizeof *to->pieces);
		if (to->pieces == NULL)
			goto fail;
		for (int k = 0; k < ln->n_pieces; k++) {
			to->pieces[k] = ln->pieces[k];
			to->pieces[k].text = NULL;
			to->n_pieces = k + 1;
			if (ln->pieces[k].text != NULL &&
			    (to->pieces[k].text = strdup(ln->pieces[k].text)) == NULL)
				goto fail;
		}
	}
	return 0;
fail:
	para_clear(out);
	return -1;
}

/* Frees the entry of slot i. */
static void pc_drop(struct para_cache *pc, int i)
{
	pc->bytes -= pc->slot[i]->bytes;
	free(pc->slot[i]);
	pc->slot[i] = NULL;
}

/* Forgets the oldest record of the ring, and its entry if still there. */
static void pc_pop_oldest(struct para_cache *pc)
{
	int i = pc->ring[pc->head].slot;

	if (pc->slot[i] != NULL && pc->slot[i]->seq == pc->ring[pc->head].seq)
		pc_drop(pc, i);
	pc->head = (pc->head + 1) % PC_SLOTS;
	pc->count--;
}

/* Stores x (at most PC_BUDGET / 16 bytes) in its slot, dropping the
 * entry it replaces and, while the budget is exceeded, the oldest. Every
 * entry has one record in the ring, so the loop ends. */
static void pc_store(struct para_cache *pc, struct pc_entry *x)
{
	int i = (int)(x->hash % PC_SLOTS);

	if (pc->slot[i] != NULL)
		pc_drop(pc, i);
	while (pc->count > 0 &&
	       (pc->bytes + x->bytes > PC_BUDGET || pc->count == PC_SLOTS))
		pc_pop_oldest(pc);
	x->seq = ++pc->seq;
	pc->ring[(pc->head + pc->count) % PC_SLOTS].slot = i;
	pc->ring[(pc->head + pc->count) % PC_SLOTS].seq = x->seq;
	pc->count++;
	pc->slot[i] = x;
	pc->bytes += x->bytes;
}

int para_set(const struct fontset *fs, const struct para_style *st,
             const char *text, const struct span *nohyph, int n_nohyph,
             struct para *out, struct err *e)
{
	struct para_cache *pc;
	struct pc_entry *x;
	size_t len;
	uint64_t hash, sig;
	unsigned long failures;
	int had_oom, rc;

	if (text == NULL)
		text = "";
	len = strlen(text);
	if (len > PC_MAX_TEXT || n_nohyph < 0 || (n_nohyph > 0 && nohyph == NULL) ||
	    (pc = get_pc()) == NULL)
		return set_uncached(fs, st, text, nohyph, n_nohyph, out, e);
	sig = fs_signature(fs);
	if (pc->fs != fs || pc->fs_sig != sig) {
		pc_flush(pc);
		pc->fs = fs;
		pc->fs_sig = sig;
	}
	hash = key_hash(st, text, len, nohyph, n_nohyph);
	had_oom = oom_seen();
	x = pc->slot[hash % PC_SLOTS];
	if (x != NULL && key_equal(x, hash, st, text, len, nohyph, n_nohyph)) {
		if (entry_copy(x, out) == 0) {
			pc->hits++;
			return 0;
		}
		/* the copy ran out of memory: set it afresh, which reports
		 * its own failure if it has one */
		if (!had_oom)
			oom_clear();
	}
	pc->misses++;
	failures = oom_failures();
	rc = set_uncached(fs, st, text, nohyph, n_nohyph, out, e);
	if (rc != 0 || oom_seen() || oom_failures() != failures)
		return rc;
	x = entry_make(hash, st, text, len, nohyph, n_nohyph, out);
	if (x == NULL) {
		if (!had_oom)
			oom_clear();   /* not caching is no failure */
		return 0;
	}
	pc_store(pc, x);
	return 0;
}

/* Frees the calling thread's paragraph cache. */
static void pc_thread_cleanup(void)
{
	struct para_cache *pc = thread_pc;

	if (pc == NULL)
		return;
	pthread_setspecific(pc_key, NULL);
	thread_pc = NULL;
	pc_free(pc);
}

void para_cache_enable(int on)
{
	pthread_once(&pc_once, pc_key_init);
	atomic_store(&pc_on, on ? 1 : 0);
}

void para_cache_stats(unsigned long *hits, unsigned long *misses,
                      size_t *bytes)
{
	struct para_cache *pc = thread_pc;

	*hits = pc != NULL ? pc->hits : 0;
	*misses = pc != NULL ? pc->misses : 0;
	*bytes = pc != NULL ? pc->bytes : 0;
}

void para_clear(struct para *p)
{
	if (p == NULL)
		return;
	for (int i = 0; i < p->n_lines; i++) {
		for (int k = 0; k < p->lines[i].n_pieces; k++)
			free(p->lines[i].pieces[k].text);
		free(p->lines[i].pieces);
	}
	free(p->lines);
	memset(p, 0, sizeof *p);
}
