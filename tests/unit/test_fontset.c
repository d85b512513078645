/* test_fontset.c — the shipped fonts through fontset.h: coverage, the
 * fallback chain, advances, missing and ignored characters, bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture_fonts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <math.h>

#include "fontset.h"

static const char *base(int font)
{
	const char *p = fontset_path(fs, font);
	const char *s = p ? strrchr(p, '/') : NULL;
	return s ? s + 1 : "";
}

static void test_chain_order(void **state)
{
	(void)state;
	assert_int_equal(fontset_count(fs), 4);
	assert_string_equal(base(fontset_pick(fs, FACE_REGULAR, 'A')),
	                    "PactdocSans.ttf");
	assert_string_equal(base(fontset_pick(fs, FACE_BOLD, 'A')),
	                    "PactdocSans-Bold.ttf");
	/* Georgian, Armenian, Hebrew, Arabic come from the world fonts. */
	assert_string_equal(base(fontset_pick(fs, FACE_REGULAR, 0x10D0)),
	                    "PactdocSansWorld.ttf");
	assert_string_equal(base(fontset_pick(fs, FACE_BOLD, 0x10D0)),
	                    "PactdocSansWorld-Bold.ttf");
	assert_string_equal(base(fontset_pick(fs, FACE_REGULAR, 0x0531)),
	                    "PactdocSansWorld.ttf");
	assert_string_equal(base(fontset_pick(fs, FACE_REGULAR, 0x05D0)),
	                    "PactdocSansWorld.ttf");
	assert_string_equal(base(fontset_pick(fs, FACE_REGULAR, 0x0627)),
	                    "PactdocSansWorld.ttf");
	assert_string_equal(base(fontset_pick(fs, FACE_BOLD, 0xFEDF)),
	                    "PactdocSansWorld-Bold.ttf");
}

static void test_coverage(void **state)
{
	/* Latvian, Romanian, Polish, Czech, Maltese, Greek, Kyrgyz, Serbian,
	 * Ukrainian, typography. */
	static const char *texts[] = {
		"ĀāČčĒēĢģĪīĶķĻļŅņŠšŪūŽž", "ȘșȚțĂăÂâÎî", "ĄąĆćĘęŁłŃńÓóŚśŹźŻż",
		"ĚěŘřŮůŤťĎďŇň", "ĊċĠġĦħŻż", "ΑαΒβΓγΟοΌόΐΰ", "ҢңӨөҮү",
		"ЂђЋћЉљЊњЏџЈј", "ЄєІіЇїҐґ", "„“”‘’«»‹›–—…•·№€ ‰′″",
		"ẞßÆæØøÅåÐðÞþ", "ḂḃẀẁŴŵŶŷ",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		assert_int_equal(fontset_missing(fs, FACE_REGULAR, texts[i]), 0);
		assert_int_equal(fontset_missing(fs, FACE_BOLD, texts[i]), 0);
	}
	assert_int_equal(fontset_missing(fs, FACE_REGULAR,
	                 "საქართველო Հայաստան ירושלים العربية ﻻ"), 0);
}

static void test_missing(void **state)
{
	(void)state;
	assert_int_equal(fontset_missing(fs, FACE_REGULAR, "ok 😀 ok"),
	                 0x1F600);
	assert_int_equal(fontset_missing(fs, FACE_BOLD, "a\xEE\x80\x80"),
	                 0xE000);
	assert_int_equal(fontset_missing(fs, FACE_REGULAR, "漢字"), 0x6F22);
	assert_int_equal(fontset_pick(fs, FACE_REGULAR, 0x1F600), -1);
	assert_int_equal(fontset_pick(fs, FACE_REGULAR, 0xE000), -1);
	assert_int_equal(fontset_pick(fs, FACE_REGULAR, 0x110000), -1);
	/* Invalid UTF-8 is reported as U+FFFD. */
	assert_int_equal(fontset_missing(fs, FACE_REGULAR, "a\xC3"), 0xFFFD);
	assert_int_equal(fontset_missing(fs, FACE_REGULAR, "\xC0\xAF"),
	                 0xFFFD);
	assert_int_equal(fontset_missing(fs, FACE_REGULAR, "\xED\xA0\x80"),
	                 0xFFFD);
	assert_int_equal(fontset_missing(fs, FACE_REGULAR, NULL), 0);
	assert_int_equal(fontset_missing(fs, FACE_REGULAR, ""), 0);
}

static void test_invisible_pass(void **state)
{
	/* ZWJ, ZWNJ, LRM, RLM, RLE/PDF, isolates, soft hyphen, LS, PS, BOM,
	 * tab, newline: never drawn, so never missing. */
	const char *s = "a\u200D\u200C\u200E\u200F\u202B\u202C\u2067\u2069"
	                "\u00AD\u2028\u2029\uFEFF\t\n\r\u2060b";
	(void)state;
	assert_int_equal(fontset_missing(fs, FACE_REGULAR, s), 0);
	assert_true(fontset_is_invisible(0x200D));
	assert_false(fontset_is_invisible('a'));
	assert_false(fontset_is_invisible(0x00A0));
}

static void test_advances(void **state)
{
	int reg = fontset_pick(fs, FACE_REGULAR, 'A');
	int bold = fontset_pick(fs, FACE_BOLD, 'A');
	int world = fontset_pick(fs, FACE_REGULAR, 0x10D0);
	const struct font_info *info = fontset_info(fs, reg);

	(void)state;
	/* DejaVu Sans: space 651/2048, 'A' 1401/2048, digits 1303/2048. */
	assert_int_equal(info->units_per_em, 2048);
	assert_true(fabs(fontset_advance(fs, reg, ' ') - 651 * 1000.0 / 2048)
	            < 0.001);
	assert_true(fabs(fontset_advance(fs, reg, 'A') - 1401 * 1000.0 / 2048)
	            < 0.001);
	assert_true(fontset_advance(fs, reg, '0') ==
	            fontset_advance(fs, reg, '9'));
	assert_true(fontset_advance(fs, bold, 'm') >
	            fontset_advance(fs, reg, 'm'));
	assert_true(fontset_advance(fs, world, 0x10D0) > 0);
	assert_true(fontset_advance(fs, reg, 0x10D0) == 0);  /* not in core */
	assert_true(fontset_advance(fs, reg, 0x1F600) == 0);
	/* width = sum of advances × size / 1000 */
	double w = fontset_width(fs, reg, 10, "AA ", 3);
	assert_true(fabs(w - (2 * 1401 + 651) * 10.0 / 2048) < 1e-9);
	assert_true(fontset_width(fs, reg, 10, "š", strlen("š")) > 0);
	assert_true(fontset_width(fs, -1, 10, "A", 1) == 0);
	/* a soft hyphen (which DejaVu draws as a hyphen) measures nothing */
	assert_true(fontset_width(fs, reg, 10, "A\u00ADA", 4) ==
	            fontset_width(fs, reg, 10, "AA", 2));
	assert_true(fontset_glyph(fs, reg, 'A') != 0);
	assert_true(fontset_glyph(fs, reg, 0x10D0) == 0);
	assert_int_equal(fontset_glyph_advance(fs, reg,
	                 fontset_glyph(fs, reg, 'A')), 1401);
	assert_string_equal(info->ps_name, "PactdocSans");
	assert_string_equal(fontset_info(fs, bold)->ps_name,
	                    "PactdocSans-Bold");
}

/* HarfBuzz: "AV" closer than its plain advances, a mark moved onto its
 * base (higher over a capital), a Hebrew run given in visual order comes
 * back in visual order, bad input refused. */
static void test_shape(void **state)
{
	struct err e = { 0 };
	struct shaped *g = NULL;
	int reg = fontset_pick(fs, FACE_REGULAR, 'A');
	int world = fontset_pick(fs, FACE_REGULAR, 0x05D0);
	unsigned a = fontset_glyph(fs, reg, 'A'), v = fontset_glyph(fs, reg, 'V');
	int n, dy_small, dy_cap;

	(void)state;
	n = fontset_shape(fs, reg, "AV", &g, &e);
	assert_int_equal(n, 2);
	assert_int_equal(g[0].gid, a);
	assert_int_equal(g[1].gid, v);
	assert_true(g[0].advance < fontset_glyph_advance(fs, reg, a));
	free(g);
	n = fontset_shape(fs, reg, "x\u0304", &g, &e);
	assert_int_equal(n, 2);
	assert_int_equal(g[1].cp, 0x0304);
	assert_int_equal(g[1].advance, 0);
	assert_true(g[1].dx != 0);
	dy_small = g[1].dy;
	free(g);
	n = fontset_shape(fs, reg, "X\u0304", &g, &e);
	assert_int_equal(n, 2);
	dy_cap = g[1].dy;
	assert_true(dy_cap > dy_small);
	free(g);
	/* soft hyphen dropped; visual order kept for a reversed RTL run */
	n = fontset_shape(fs, world, "\u05D1\u00AD\u05D0", &g, &e);
	assert_int_equal(n, 2);
	assert_int_equal(g[0].cp, 0x05D1);
	assert_int_equal(g[1].cp, 0x05D0);
	free(g);
	assert_int_equal(fontset_shape(fs, reg, "\xff", &g, &e), -1);
	assert_null(g);
	assert_int_equal(fontset_shape(fs, reg, "\u05D0", &g, &e), -1);
	assert_non_null(strstr(e.msg, "U+05D0"));
	assert_null(g);
}

/* Arabic joining comes from the world font's GSUB through HarfBuzz: the
 * run "سلام" (seen, lam, alef, meem), given in visual order as the layout
 * gives it, is drawn with the glyphs of the joining forms the font
 * maps to the presentation forms (meem isolated: its own glyph, lam-alef final
 * ligature, seen initial, left to right), and the ligature's glyph stands
 * for its two letters in visual order (alef, lam). "عمّان": the shadda
 * stays a glyph of its own, sits on its base's anchor, and the meem
 * under it joins both ways. */
static void test_shape_arabic(void **state)
{
	struct err e = { 0 };
	struct shaped *g = NULL;
	int world = fontset_pick(fs, FACE_REGULAR, 0x0627);
	int n;

	(void)state;
	n = fontset_shape(fs, world, "مالس", &g, &e);
	assert_int_equal(n, 3);
	assert_int_equal(g[0].gid, fontset_glyph(fs, world, 0x0645));
	assert_int_equal(g[1].gid, fontset_glyph(fs, world, 0xFEFC));
	assert_int_equal(g[2].gid, fontset_glyph(fs, world, 0xFEB3));
	assert_int_equal(g[0].ntext, 1);
	assert_int_equal(g[0].text[0], 0x0645);
	assert_int_equal(g[1].ntext, 2);
	assert_int_equal(g[1].text[0], 0x0627);
	assert_int_equal(g[1].text[1], 0x0644);
	assert_int_equal(g[2].ntext, 1);
	free(g);
	/* visual order: noon, alef, shadda, meem, ain */
	n = fontset_shape(fs, world, "ناّمع", &g,
	                  &e);
	assert_int_equal(n, 5);
	assert_int_equal(g[2].cp, 0x0651);
	assert_int_equal(g[2].advance, 0);
	assert_true(g[2].dy != 0 || g[2].dx != 0);
	assert_int_equal(g[3].gid, fontset_glyph(fs, world, 0xFEE4));
	assert_int_equal(g[4].gid, fontset_glyph(fs, world, 0xFECB));
	free(g);
}

/* A ZWNJ stops joining and draws nothing: "می‌خواهم" (Persian "I want")
 * keeps the yeh before it final, the khah after it initial, and no glyph
 * stands for the ZWNJ. Given in visual order (the layout reverses RTL
 * runs), glyphs left to right: meem, heh, alef, waw, khah, yeh, meem. */
static void test_shape_zwnj(void **state)
{
	struct err e = { 0 };
	struct shaped *g = NULL;
	int world = fontset_pick(fs, FACE_REGULAR, 0x0627);
	int n;

	(void)state;
	n = fontset_shape(fs, world, "مهاوخ‌"
	                  "یم", &g, &e);
	assert_int_equal(n, 7);
	assert_int_equal(g[4].cp, 0x062E);
	assert_int_equal(g[4].gid, fontset_glyph(fs, world, 0xFEA7)); /* init */
	assert_int_equal(g[5].cp, 0x06CC);
	assert_int_equal(g[5].gid, fontset_glyph(fs, world, 0xFBFD)); /* fina */
	for (int i = 0; i < n; i++)
		assert_int_equal(g[i].ntext, 1);
	free(g);
}

/* Latin, Cyrillic and Hebrew keep one glyph per character: no "fi"
 * ligature, no Hebrew ligature, whatever the source font offers. */
static void test_shape_no_other_ligatures(void **state)
{
	struct err e = { 0 };
	struct shaped *g = NULL;
	int reg = fontset_pick(fs, FACE_REGULAR, 'f');
	int world = fontset_pick(fs, FACE_REGULAR, 0x05D0);
	int n;

	(void)state;
	n = fontset_shape(fs, reg, "office fl", &g, &e);
	assert_int_equal(n, 9);
	assert_int_equal(g[1].gid, fontset_glyph(fs, reg, 'f'));
	assert_int_equal(g[3].gid, fontset_glyph(fs, reg, 'i'));
	for (int i = 0; i < n; i++)
		assert_int_equal(g[i].ntext, 1);
	free(g);
	/* alef-lamed, as the layout gives it reversed */
	n = fontset_shape(fs, world, "לא", &g, &e);
	assert_int_equal(n, 2);
	free(g);
}

static void test_utf8(void **state)
{
	uint32_t cp;

	(void)state;
	assert_int_equal(fontset_utf8_next("\xF0\x9F\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(fontset_utf8_next("\xF0\x9F\x98", 3, &cp), -1);
	assert_int_equal(fontset_utf8_next("\xF4\x90\x80\x80", 4, &cp), -1);
	assert_int_equal(fontset_utf8_next("\xE0\x80\x80", 3, &cp), -1);
	assert_int_equal(fontset_utf8_next("\x80", 1, &cp), -1);
}

/* A bad directory, a bad fontset.txt and a non-font file are errors. */
static void test_load_errors(void **state)
{
	char dir[] = "/tmp/pactdoc-fs-XXXXXX", path[256];
	struct err e = { "" };
	FILE *f;

	(void)state;
	assert_null(fontset_load("/nonexistent", &e));
	assert_non_null(strstr(e.msg, "fontset.txt"));
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/fontset.txt", dir);
	f = fopen(path, "w");
	fputs("regular ../evil.ttf\n", f);
	fclose(f);
	assert_null(fontset_load(dir, &e));
	f = fopen(path, "w");
	fputs("regular junk.ttf\nbold junk.ttf\n", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/junk.ttf", dir);
	f = fopen(path, "w");
	fputs("this is not a font, just some text of no use", f);
	fclose(f);
	assert_null(fontset_load(dir, &e));
	assert_non_null(strstr(e.msg, "TrueType"));
	unlink(path);
	snprintf(path, sizeof path, "%s/fontset.txt", dir);
	unlink(path);
	rmdir(dir);
	fontset_free(NULL);
}

/* UTF-8 s (BMP only) into UTF-16 units u; returns the count. */
static int to_units(const char *s, uint16_t *u, int max)
{
	size_t len = strlen(s), i = 0;
	int n = 0;

	while (i < len && n < max) {
		uint32_t cp;
		int k = fontset_utf8_next(s + i, len - i, &cp);
		assert_true(k > 0 && cp < 0x10000);
		u[n++] = (uint16_t)cp;
		i += (size_t)k;
	}
	return n;
}

/* What one text gives uncached, to compare the cached answers with. */
struct expect {
	char text[160];
	struct shaped *g;
	int n;
	uint16_t u[160];
	int nu;
	int adv[160];
};

/* Whether the cached shaping of x->text is exactly the uncached one. */
static void check_same(const struct expect *x, int font)
{
	struct err e = { 0 };
	struct shaped *g = NULL;
	int adv[160];
	int n = fontset_shape(fs, font, x->text, &g, &e);

	assert_int_equal(n, x->n);
	for (int i = 0; i < n; i++) {
		assert_int_equal(g[i].gid, x->g[i].gid);
		assert_int_equal(g[i].cp, x->g[i].cp);
		assert_int_equal(g[i].ntext, x->g[i].ntext);
		for (int j = 0; j < g[i].ntext && j < SHAPED_TEXT_MAX; j++)
			assert_int_equal(g[i].text[j], x->g[i].text[j]);
		assert_int_equal(g[i].advance, x->g[i].advance);
		assert_int_equal(g[i].dx, x->g[i].dx);
		assert_int_equal(g[i].dy, x->g[i].dy);
	}
	free(g);
	assert_int_equal(fontset_shape_widths(fs, font, x->u, x->nu, adv, &e),
	                 0);
	assert_memory_equal(adv, x->adv, (size_t)x->nu * sizeof *adv);
}

/* The shaping cache answers exactly what HarfBuzz does: kerned Latin,
 * Arabic joining and lam-alef, Hebrew, a run too long to keep, then 1,500
 * runs of ~60 glyphs, more than the cache holds (eviction, and emptying
 * at the byte bound), each asked three times; a run evicted by the flood
 * is shaped again. */
static void test_shape_cache_same_glyphs(void **state)
{
	static const char *fixed[] = {
		"AVATAR Tavern, WAVE To", "office fl",
		"\xd9\x84\xd8\xa7\xd9\x85\xd8\xb3", /* lam alef meem seen */
		"\xd7\x9c\xd7\x90", "Gemeinde \xc3\x9f\xc3\xa4",
		"A run of one hundred and fifty characters is longer than "
		"what one entry of the cache may hold, so it is shaped each "
		"time it is asked for. AVA To.",
	};
	enum { NFIXED = 6, LONG = 5, NRUNS = NFIXED + 1500 };
	struct expect *x = calloc(NRUNS, sizeof *x);
	unsigned long hits, misses, h2, m2;
	size_t bytes;
	struct err e = { 0 };
	int lat = fontset_pick(fs, FACE_REGULAR, 'A');
	int world = fontset_pick(fs, FACE_REGULAR, 0x0627);

	(void)state;
	assert_non_null(x);
	fontset_thread_cleanup();
	fontset_cache_enable(0);
	for (int i = 0; i < NRUNS; i++) {
		int font = i >= 2 && i <= 3 ? world : lat;
		if (i < NFIXED)
			snprintf(x[i].text, sizeof x[i].text, "%s", fixed[i]);
		else
			snprintf(x[i].text, sizeof x[i].text,
			         "Run %d: AVA To Wa. Emissions cut by %d%% "
			         "before %d.", i, i % 97, 2030 + i);
		x[i].n = fontset_shape(fs, font, x[i].text, &x[i].g, &e);
		assert_true(x[i].n > 0);
		x[i].nu = to_units(x[i].text, x[i].u, 160);
		assert_int_equal(fontset_shape_widths(fs, font, x[i].u,
		                                      x[i].nu, x[i].adv, &e), 0);
	}
	assert_true(x[LONG].n > 110);
	fontset_cache_stats(&hits, &misses, &bytes);
	assert_int_equal(hits + misses, 0);     /* off: no cache made */
	fontset_cache_enable(1);
	for (int pass = 0; pass < 3; pass++)
		for (int k = 0; k < NRUNS; k++) {
			int i = pass == 2 ? NRUNS - 1 - k : k;
			check_same(&x[i], i >= 2 && i <= 3 ? world : lat);
			fontset_cache_stats(&hits, &misses, &bytes);
			assert_true(bytes <= 2u * 1024 * 1024);
		}
	assert_true(hits > 0);
	assert_true(misses > 2 * NRUNS);        /* some were evicted */
	/* the long run's glyphs are never kept, its widths are */
	check_same(&x[LONG], lat);
	fontset_cache_stats(&h2, &m2, &bytes);
	assert_int_equal(m2, misses + 1);
	assert_int_equal(h2, hits + 1);
	/* the first run, evicted by a flood, is shaped again, then kept */
	for (int i = NFIXED; i < NRUNS; i++)
		check_same(&x[i], lat);
	fontset_cache_stats(&hits, &misses, &bytes);
	check_same(&x[0], lat);
	fontset_cache_stats(&h2, &m2, &bytes);
	assert_int_equal(m2, misses + 2);       /* glyphs and widths */
	check_same(&x[0], lat);
	fontset_cache_stats(&hits, &misses, &bytes);
	assert_int_equal(hits, h2 + 2);
	for (int i = 0; i < NRUNS; i++)
		free(x[i].g);
	free(x);
	fontset_thread_cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain_order),
		cmocka_unit_test(test_coverage),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_invisible_pass),
		cmocka_unit_test(test_advances),
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_shape_arabic),
		cmocka_unit_test(test_shape_no_other_ligatures),
		cmocka_unit_test(test_shape_zwnj),
		cmocka_unit_test(test_shape_cache_same_glyphs),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_load_errors),
	};
	return cmocka_run_group_tests(tests, fonts_setup, fonts_teardown);
}
