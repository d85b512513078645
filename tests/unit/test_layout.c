/* test_layout.c — page composition: nothing outside the margins, the
 * footer "page N of M" flush right on every page, signature blocks moved
 * whole, table headers repeated, headings kept with what follows, no
 * widow or orphan lines. The layout stage's speed is measured by
 * tests/bench/bench_layout.c (`make bench`), not asserted here. */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture_fonts.h"

#include "compose.h"
#include "form.h"
#include "layout.h"
#include "para.h"

#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN 56.693

static int teardown(void **state)
{
	para_thread_cleanup();
	return fonts_teardown(state);
}

static const char *commitment =
	"Atbalstīt pašvaldības, kas parakstījušas Pilsētu mēru paktu, "
	"sagatavojot ilgtspējīgas enerģētikas un klimata rīcības plānus, "
	"organizējot apmācības un sniedzot tehnisku un stratēģisku palīdzību, "
	"lai sasniegtu Eiropas Savienības klimata mērķus līdz 2030. gadam.";

static void init_doc(struct doc *d, const char *lang)
{
	memset(d, 0, sizeof *d);
	d->lang = strdup(lang);
	d->footer = strdup("CoM-2026-000123 · REF-77");
	d->page_format = strdup("Page {page} of {pages}");
}

static struct block *add(struct doc *d, enum block_kind k, const char *text,
                         const char *label)
{
	struct block *b = doc_add_block(d, k);

	assert_non_null(b);
	b->text = text ? strdup(text) : NULL;
	b->label = label ? strdup(label) : NULL;
	return b;
}

static void add_signature(struct doc *d, const char *heading,
                          const char *field)
{
	struct block *b = doc_add_block(d, BLOCK_SIGNATURE);

	b->sig.heading = strdup(heading);
	b->sig.n_lines = 2;
	b->sig.lines = calloc(2, sizeof *b->sig.lines);
	b->sig.lines[0] = strdup("Jānis Bērziņš");
	b->sig.lines[1] = strdup("Place, date:");
	b->sig.field_name = strdup(field);
	b->sig.tooltip = strdup("Signature");
}

static void lay(const struct doc *d, struct pages *p)
{
	struct err e = { 0 };

	memset(p, 0, sizeof *p);
	if (layout_doc(d, fs, p, &e) != 0)
		fail_msg("layout_doc: %s", e.msg);
}

/* Every run lies inside the margins, on every page. */
static void assert_inside_margins(const struct pages *p)
{
	for (int i = 0; i < p->n_pages; i++)
		for (int k = 0; k < p->pages[i].n_runs; k++) {
			const struct run *r = &p->pages[i].runs[k];
			assert_true(r->x >= MARGIN - 1e-6);
			assert_true(r->x + r->width <= PAGE_W - MARGIN + 1e-6);
			/* baseline - descent and baseline + ascent (1.0 em) */
			assert_true(r->y - 0.25 * r->size >= MARGIN - 1e-6);
			assert_true(r->y + r->size <= PAGE_H - MARGIN + 1e-6);
		}
}

/* The footer's right text of page pg: runs on the lowest baseline right
 * of the middle, joined by spaces, and its right edge. */
static void footer_right(const struct page *pg, char *out, size_t size,
                         double *right)
{
	double low = 1e9;

	out[0] = '\0';
	*right = 0;
	for (int k = 0; k < pg->n_runs; k++)
		low = fmin(low, pg->runs[k].y);
	for (int k = 0; k < pg->n_runs; k++) {
		const struct run *r = &pg->runs[k];
		if (fabs(r->y - low) > 0.01 || r->x < PAGE_W / 2)
			continue;
		if (out[0])
			strncat(out, " ", size - strlen(out) - 1);
		strncat(out, r->text, size - strlen(out) - 1);
		*right = fmax(*right, r->x + r->width);
	}
}

static void test_footer_on_every_page(void **state)
{
	struct doc d;
	struct pages p;

	(void)state;
	init_doc(&d, "en");
	add(&d, BLOCK_TITLE, "Agreement form", NULL);
	for (int i = 0; i < 40; i++)
		add(&d, BLOCK_PARAGRAPH, commitment, NULL);
	lay(&d, &p);
	assert_true(p.n_pages >= 3);
	assert_true(fabs(p.width - PAGE_W) < 1e-6 && fabs(p.height - PAGE_H) < 1e-6);
	for (int i = 0; i < p.n_pages; i++) {
		char want[64], got[128];
		double right;
		snprintf(want, sizeof want, "Page %d of %d", i + 1, p.n_pages);
		footer_right(&p.pages[i], got, sizeof got, &right);
		assert_string_equal(got, want);
		assert_true(fabs(right - (PAGE_W - MARGIN)) < 0.01);
	}
	assert_inside_margins(&p);
	pages_clear(&p);
	doc_clear(&d);
}

/* Fills the first page to within a few lines of its end. */
static const char *commitment_long =
	"Reģiona enerģētikas speciālisti palīdzēs novadu pašvaldībām "
	"sagatavot ilgtspējīgas enerģētikas un klimata rīcības plānus, "
	"organizēs apmācības, sniegs tehnisku un stratēģisku palīdzību, "
	"uzraudzīs plānu īstenošanu un regulāri ziņos par paveikto, lai "
	"sasniegtu Eiropas Savienības klimata mērķus līdz 2030. gadam un "
	"klimatneitralitāti līdz 2050. gadam, iesaistot iedzīvotājus, "
	"uzņēmējus un pētniekus. Pašvaldību darbinieki piedalīsies "
	"semināros, kuros apgūs energoauditu metodiku, datu apkopošanu "
	"un finansējuma piesaistīšanas iespējas, kā arī dalīsies pieredzē.";

static void fill(struct doc *d, int paragraphs)
{
	for (int i = 0; i < paragraphs; i++)
		add(d, BLOCK_PARAGRAPH, commitment, NULL);
}

/* The runs of a signature block are on the page of its field. */
static void assert_signature_whole(const struct pages *p, const char *field,
                                   const char *heading)
{
	int fpage = -1, hpage = -1;

	for (int i = 0; i < p->n_fields; i++)
		if (strcmp(p->fields[i].name, field) == 0)
			fpage = p->fields[i].page;
	for (int i = 0; i < p->n_pages; i++)
		for (int k = 0; k < p->pages[i].n_runs; k++)
			if (strcmp(p->pages[i].runs[k].text, heading) == 0)
				hpage = i;
	assert_true(fpage >= 0);
	assert_int_equal(fpage, hpage);
}

static void test_signature_moved_whole(void **state)
{
	int moved = 0;

	(void)state;
	/* Try page fills from loose to tight: whenever the block would not fit,
	 * it must go whole to the next page. */
	for (int n = 8; n <= 16; n++) {
		struct doc d;
		struct pages p;
		init_doc(&d, "lv");
		fill(&d, n);
		add_signature(&d, "Pieteicēja", "applicant_signature");
		add_signature(&d, "Komisijas", "commission_signature");
		lay(&d, &p);
		assert_int_equal(p.n_fields, 2);
		assert_signature_whole(&p, "applicant_signature", "Pieteicēja");
		assert_signature_whole(&p, "commission_signature", "Komisijas");
		if (p.fields[0].page == 1)
			moved++;
		for (int i = 0; i < p.n_fields; i++) {
			const struct sigfield *f = &p.fields[i];
			assert_true(f->w >= 150 && f->h >= 50);
			assert_true(f->x >= MARGIN && f->x + f->w <= PAGE_W - MARGIN);
			assert_true(f->y >= MARGIN && f->y + f->h <= PAGE_H - MARGIN);
			assert_non_null(f->tooltip);
		}
		assert_inside_margins(&p);
		pages_clear(&p);
		doc_clear(&d);
	}
	assert_true(moved > 0);
}

static void test_header_row_repeated(void **state)
{
	static const double widths[] = { 0.2, 0.5, 0.3 };
	struct doc d;
	struct pages p;
	struct block *b;

	(void)state;
	init_doc(&d, "en");
	add(&d, BLOCK_TITLE, "Cover sheet", NULL);
	b = add(&d, BLOCK_TABLE_ROW, NULL, NULL);
	b->header = 1;
	b->n_cells = 3;
	b->cells = calloc(3, sizeof *b->cells);
	b->cells[0] = strdup("Applicant");
	b->cells[1] = strdup("Document");
	b->cells[2] = strdup("SHA-256");
	b->col_widths = widths;
	for (int i = 0; i < 120; i++) {
		char id[32];
		b = add(&d, BLOCK_TABLE_ROW, NULL, NULL);
		b->n_cells = 3;
		b->cells = calloc(3, sizeof *b->cells);
		snprintf(id, sizeof id, "CoM-%04d", i);
		b->cells[0] = strdup(id);
		b->cells[1] = strdup("declaration-lv.pdf");
		b->cells[2] = strdup("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
		b->col_widths = widths;
	}
	lay(&d, &p);
	assert_true(p.n_pages >= 2);
	for (int i = 0; i < p.n_pages; i++) {
		/* The highest "Applicant" run is the top of the table on this page:
		 * nothing of the table is above it. */
		double hy = -1, top = -1;
		for (int k = 0; k < p.pages[i].n_runs; k++) {
			const struct run *r = &p.pages[i].runs[k];
			if (strcmp(r->text, "Applicant") == 0)
				hy = fmax(hy, r->y);
			if (strncmp(r->text, "CoM-", 4) == 0 && r->x < PAGE_W / 3)
				top = fmax(top, r->y);
		}
		assert_true(hy > 0);
		assert_true(top > 0 && top < hy);
	}
	assert_inside_margins(&p);
	pages_clear(&p);
	doc_clear(&d);
}

/* Page of the first run whose text is s, or -1; its baseline in *y. */
static int find_run(const struct pages *p, const char *s, double *y)
{
	for (int i = 0; i < p->n_pages; i++)
		for (int k = 0; k < p->pages[i].n_runs; k++)
			if (strcmp(p->pages[i].runs[k].text, s) == 0) {
				*y = p->pages[i].runs[k].y;
				return i;
			}
	return -1;
}

/* The lowest baseline of body text (10.5 pt) on page i. */
static double lowest_body(const struct pages *p, int i)
{
	double low = 1e9;

	for (int k = 0; k < p->pages[i].n_runs; k++)
		if (fabs(p->pages[i].runs[k].size - 10.5) < 1e-6)
			low = fmin(low, p->pages[i].runs[k].y);
	return low;
}

static void test_heading_kept_with_next(void **state)
{
	int moved = 0;

	(void)state;
	for (int n = 8; n <= 16; n++) {
		for (int sub = 0; sub < 2; sub++) {
			struct doc d;
			struct pages p;
			struct block *b;
			double hy, sy;
			int hp, sp;
			init_doc(&d, "lv");
			fill(&d, n);
			add(&d, BLOCK_HEADING, "Apņemšanās", NULL);
			if (sub) {
				/* a space and a sub-heading between heading and text */
				b = add(&d, BLOCK_SPACE, NULL, NULL);
				b->space = 6;
				add(&d, BLOCK_HEADING, "Tehniskais", NULL);
			}
			fill(&d, 3);
			lay(&d, &p);
			hp = find_run(&p, "Apņemšanās", &hy);
			assert_true(hp >= 0);
			if (hp > 0)
				moved++;
			/* Body text follows the heading on the same page. */
			assert_true(lowest_body(&p, hp) < hy - 14);
			if (sub) {
				sp = find_run(&p, "Tehniskais", &sy);
				assert_int_equal(sp, hp);
				assert_true(lowest_body(&p, sp) < sy - 14);
			}
			pages_clear(&p);
			doc_clear(&d);
		}
	}
	assert_true(moved > 0);
}

/* A paragraph marked keep_with_next (compose's bold offer label) is never
 * the last thing on a page: it moves to the page of its text. */
static void test_label_kept_with_next(void **state)
{
	int moved = 0;

	(void)state;
	for (int n = 8; n <= 16; n++) {
		for (int lines = 0; lines < 2; lines++) {
			struct doc d;
			struct pages p;
			struct block *b;
			double ly, ty;
			int lp, tp;
			init_doc(&d, "lv");
			fill(&d, n);
			b = add(&d, BLOCK_PARAGRAPH, "Spēju stiprināšana", NULL);
			b->bold = 1;
			b->keep_with_next = 1;
			/* a short text (moves whole) or a long one (may split) */
			add(&d, BLOCK_PARAGRAPH, lines ? "Reģions rīkos apmācības "
			    "pašvaldību enerģētikas speciālistiem katru gadu." :
			    "Reģiona enerģētikas speciālisti palīdzēs novadu "
			    "pašvaldībām sagatavot ilgtspējīgas enerģētikas un "
			    "klimata rīcības plānus, organizēs apmācības, sniegs "
			    "tehnisku un stratēģisku palīdzību, uzraudzīs plānu "
			    "īstenošanu un regulāri ziņos par paveikto, lai "
			    "sasniegtu Eiropas Savienības klimata mērķus līdz 2030. "
			    "gadam un klimatneitralitāti līdz 2050. gadam.", NULL);
			lay(&d, &p);
			assert_inside_margins(&p);
			lp = find_run(&p, "Spēju", &ly);
			tp = find_run(&p, "Reģions", &ty);
			if (tp < 0)
				tp = find_run(&p, "Reģiona", &ty);
			assert_true(lp >= 0 && tp >= 0);
			assert_int_equal(lp, tp);
			assert_true(ty < ly);
			if (lp > 0 && lowest_body(&p, lp - 1) > MARGIN + 60)
				moved++;   /* the label left room on the page before */
			pages_clear(&p);
			doc_clear(&d);
		}
	}
	assert_true(moved > 0);
}

static int baselines(const struct page *pg, double size, double *ys, int cap);

/* 1 when the body line at baseline y of page pg ends with a hyphen. */
static int line_ends_with_hyphen(const struct page *pg, double y)
{
	double right = -1;
	const char *last = NULL;

	for (int k = 0; k < pg->n_runs; k++) {
		const struct run *r = &pg->runs[k];
		if (fabs(r->y - y) < 0.01 && fabs(r->size - 10.5) < 1e-6 &&
		    r->x > right) {
			right = r->x;
			last = r->text;
		}
	}
	return last != NULL && last[strlen(last) - 1] == '-';
}

/* 1 when page i ends with a hyphenated line although one of the two lines
 * before it could have ended the page: it does not end with a hyphen and
 * leaves at least two lines of the paragraph on the page. The lines of
 * the paragraph are the last baselines 14 pt apart. `*hyphen` is set when
 * the page ends with a hyphen at all. */
static int avoidable_hyphen_end(const struct pages *p, int i, int *hyphen)
{
	double ys[128];
	int n = baselines(&p->pages[i], 10.5, ys, 128), m = 1;
	int hy[3];

	*hyphen = 0;
	if (n == 0 || !line_ends_with_hyphen(&p->pages[i], ys[n - 1]))
		return 0;
	*hyphen = 1;
	while (m < n && fabs(ys[n - m - 1] - ys[n - m] - 14) < 0.01)
		m++;
	for (int k = 0; k < 3 && k < m; k++)
		hy[k] = line_ends_with_hyphen(&p->pages[i], ys[n - 1 - k]);
	return (m >= 3 && !hy[1]) || (m >= 4 && !hy[2]);
}

/* A page does not end with a hyphenated word when the paragraph may end
 * the page one line earlier (two lines still on each side). */
static void test_no_hyphen_at_page_end(void **state)
{
	const char *long_text =
		"Reģiona enerģētikas speciālisti palīdzēs novadu pašvaldībām "
		"sagatavot ilgtspējīgas enerģētikas un klimata rīcības plānus, "
		"organizēs apmācības, sniegs tehnisku un stratēģisku palīdzību, "
		"uzraudzīs plānu īstenošanu un regulāri ziņos par paveikto, lai "
		"sasniegtu Eiropas Savienības klimata mērķus līdz 2030. gadam un "
		"klimatneitralitāti līdz 2050. gadam, iesaistot iedzīvotājus, "
		"uzņēmējus un pētniekus. Pašvaldību darbinieki piedalīsies "
		"semināros, kuros apgūs energoauditu metodiku, datu apkopošanu "
		"un finansējuma piesaistīšanas iespējas, kā arī dalīsies pieredzē.";
	const char *long_en =
		"The regional energy specialists will help the municipalities to "
		"prepare sustainable energy and climate action plans, organise "
		"training, provide technical and strategic assistance, monitor the "
		"implementation of the plans and report regularly on progress, so "
		"as to reach the climate targets of the European Union for 2030 "
		"and climate neutrality by 2050, involving residents, businesses "
		"and researchers in the development of every local measure. "
		"The specialists will also train municipal officials in energy "
		"auditing, data collection and the preparation of applications "
		"for funding, and they will organise exchanges of experience "
		"between the municipalities of the region and their partners in "
		"other Member States, publishing the results of each exchange.";
	int hyphen_ends = 0, avoidable = 0, pages_seen = 0;

	(void)state;
	for (int n = 0; n < 40; n++) {
		struct doc d;
		struct pages p;
		struct block *b;
		init_doc(&d, "lv");
		add(&d, BLOCK_TITLE, "Pievienošanās līgums", NULL);
		b = add(&d, BLOCK_SPACE, NULL, NULL);
		b->space = 1 + n * 3.1;   /* moves every page break a little */
		fill(&d, 6);
		for (int i = 0; i < 4; i++)
			add(&d, BLOCK_PARAGRAPH, i % 2 ? long_text : long_en, NULL);
		lay(&d, &p);
		assert_inside_margins(&p);
		for (int i = 0; i + 1 < p.n_pages; i++) {
			int hyphen;
			pages_seen++;
			avoidable += avoidable_hyphen_end(&p, i, &hyphen);
			hyphen_ends += hyphen;
		}
		pages_clear(&p);
		doc_clear(&d);
	}
	printf("pages ending with a hyphen: %d of %d, avoidable: %d\n",
	       hyphen_ends, pages_seen, avoidable);
	assert_true(pages_seen > 20);
	assert_int_equal(avoidable, 0);
}

/* A title that wraps is balanced, but never by breaking one of its words:
 * no title line ends inside a word (RUN_JOIN), whatever the word. */
static void test_balanced_title_keeps_words_whole(void **state)
{
	static const char *titles[] = {
		"Burgemeestersconvenant voor Klimaat en Energie",
		"Споразумение на кметовете за климата и енергията",
		"Pilsētu mēru pakts klimata un enerģētikas jomā",
	};

	(void)state;
	for (size_t t = 0; t < sizeof titles / sizeof titles[0]; t++) {
		struct doc d;
		struct pages p;
		int title_runs = 0;
		init_doc(&d, "nl");
		add(&d, BLOCK_TITLE, titles[t], NULL);
		lay(&d, &p);
		for (int i = 0; i < p.pages[0].n_runs; i++) {
			const struct run *r = &p.pages[0].runs[i];
			if (r->role != TAG_TITLE)
				continue;
			title_runs++;
			assert_false(r->flags & RUN_JOIN);
		}
		assert_true(title_runs > 0);
		pages_clear(&p);
		doc_clear(&d);
	}
}

/* When a paragraph that starts on a page is split after a hyphenated line
 * and no earlier line may end the page, the paragraph is set again with
 * no hyphen on that line. */
static void test_paragraph_reset_at_page_end(void **state)
{
	int hyphen_ends = 0, splits = 0;

	(void)state;
	for (int n = 0; n < 40; n++) {
		struct doc d;
		struct pages p;
		struct block *b;
		double ys[128];
		init_doc(&d, "lv");
		add(&d, BLOCK_TITLE, "Pievienošanās līgums", NULL);
		b = add(&d, BLOCK_SPACE, NULL, NULL);
		b->space = 520 + n * 4.1;
		for (int i = 0; i < 2; i++)
			add(&d, BLOCK_PARAGRAPH, commitment_long, NULL);
		lay(&d, &p);
		assert_inside_margins(&p);
		if (p.n_pages > 1 && baselines(&p.pages[0], 10.5, ys, 128) > 0) {
			splits++;
			hyphen_ends += line_ends_with_hyphen(&p.pages[0],
			    ys[baselines(&p.pages[0], 10.5, ys, 128) - 1]);
		}
		pages_clear(&p);
		doc_clear(&d);
	}
	printf("first pages ending with a hyphen: %d of %d\n", hyphen_ends,
	       splits);
	assert_true(splits > 20);
	assert_int_equal(hyphen_ends, 0);
}

/* Baselines of runs of size `size`, distinct, top to bottom. */
static int baselines(const struct page *pg, double size, double *ys, int cap)
{
	int n = 0;

	for (int k = 0; k < pg->n_runs; k++) {
		int seen = 0;
		if (fabs(pg->runs[k].size - size) > 1e-6)
			continue;
		for (int i = 0; i < n; i++)
			seen |= fabs(ys[i] - pg->runs[k].y) < 0.01;
		if (!seen && n < cap)
			ys[n++] = pg->runs[k].y;
	}
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (ys[j] > ys[i]) {
				double t = ys[i];
				ys[i] = ys[j];
				ys[j] = t;
			}
	return n;
}

static void test_no_widows_or_orphans(void **state)
{
	(void)state;
	/* Paragraphs of 6 lines; shift the page end through them with a
	 * spacer of varying height. */
	for (int s = 0; s < 14; s++) {
		struct doc d;
		struct pages p;
		struct block *b;
		char text[4096] = "";
		init_doc(&d, "lv");
		for (int i = 0; i < 5; i++)
			strcat(text, commitment), strcat(text, " ");
		b = add(&d, BLOCK_SPACE, NULL, NULL);
		b->space = 0;
		add(&d, BLOCK_TITLE, "Title", NULL);
		b = add(&d, BLOCK_SPACE, NULL, NULL);
		b->space = 1 + s * 1.0;
		for (int i = 0; i < 8; i++)
			add(&d, BLOCK_PARAGRAPH, text, NULL);
		lay(&d, &p);
		assert_true(p.n_pages >= 2);
		for (int i = 1; i < p.n_pages; i++) {
			double a[128], z[128];
			int na = baselines(&p.pages[i - 1], 10.5, a, 128);
			int nz = baselines(&p.pages[i], 10.5, z, 128);
			/* Body lines are 14 pt apart; a paragraph gap adds 6 pt. A
			 * lone line at the bottom shows as a gap above the last
			 * baseline; a lone line at the top, as a gap below the first. */
			assert_true(na >= 2 && nz >= 2);
			assert_true(fabs((a[na - 2] - a[na - 1]) - 14) < 0.01);
			if (nz >= 3)
				assert_true(fabs((z[0] - z[1]) - 14) < 0.01);
		}
		pages_clear(&p);
		doc_clear(&d);
	}
}

static void test_fields_and_items(void **state)
{
	struct doc d;
	struct pages p;
	struct block *b;
	const char *url = "https://www.a-very-long-municipality-name.example.lv/"
	                  "klimats/energetika/ricibas-plans-2030-un-talak";

	(void)state;
	init_doc(&d, "lv");
	add(&d, BLOCK_FIELD, "Rīgas plānošanas reģions", "Organizācija");
	b = add(&d, BLOCK_FIELD, url, "Tīmekļa vietne");
	b->nohyph = calloc(1, sizeof *b->nohyph);
	b->nohyph[0].start = 0;
	b->nohyph[0].end = strlen(url);
	b->n_nohyph = 1;
	add(&d, BLOCK_ITEM, commitment, "1.");
	add(&d, BLOCK_ITEM, commitment, "•");
	lay(&d, &p);
	assert_int_equal(p.n_pages, 1);
	assert_inside_margins(&p);
	{
		/* The label and the value share a baseline; the value column is
		 * to the right of the label column. */
		double ly = -1, lx = -1, vx = -1, vy = -1;
		for (int k = 0; k < p.pages[0].n_runs; k++) {
			const struct run *r = &p.pages[0].runs[k];
			if (strcmp(r->text, "Organizācija") == 0)
				ly = r->y, lx = r->x;
			if (strcmp(r->text, "Rīgas") == 0)
				vy = r->y, vx = r->x;
		}
		assert_true(ly > 0 && fabs(ly - vy) < 0.01 && vx > lx + 100);
	}
	{
		/* The item label hangs left of the text. */
		double label_x = -1, text_x = 1e9, y = -1;
		for (int k = 0; k < p.pages[0].n_runs; k++)
			if (strcmp(p.pages[0].runs[k].text, "1.") == 0)
				label_x = p.pages[0].runs[k].x, y = p.pages[0].runs[k].y;
		for (int k = 0; k < p.pages[0].n_runs; k++)
			if (fabs(p.pages[0].runs[k].y - y) < 0.01 &&
			    strcmp(p.pages[0].runs[k].text, "1.") != 0)
				text_x = fmin(text_x, p.pages[0].runs[k].x);
		assert_true(fabs(label_x - MARGIN) < 0.01 && text_x >= MARGIN + 18);
	}
	pages_clear(&p);
	doc_clear(&d);
}

static void test_rtl_document(void **state)
{
	struct doc d;
	struct pages p;

	(void)state;
	init_doc(&d, "ar");
	add(&d, BLOCK_PARAGRAPH, "تلتزم البلدية بإعداد خطة عمل للطاقة المستدامة والمناخ.",
	    NULL);
	add(&d, BLOCK_FIELD, "مدينة الرياض", "المنظمة");
	lay(&d, &p);
	assert_inside_margins(&p);
	{
		/* The last (only) line of the paragraph is flush right. */
		double right = 0;
		double top = 0;
		for (int k = 0; k < p.pages[0].n_runs; k++)
			top = fmax(top, p.pages[0].runs[k].y);
		for (int k = 0; k < p.pages[0].n_runs; k++)
			if (fabs(p.pages[0].runs[k].y - top) < 0.01)
				right = fmax(right, p.pages[0].runs[k].x + p.pages[0].runs[k].width);
		assert_true(fabs(right - (PAGE_W - MARGIN)) < 0.01);
	}
	pages_clear(&p);
	doc_clear(&d);
}

/* In an LTR document, free text wholly in an RTL script is set RTL: a
 * Hebrew paragraph ends flush right, a Hebrew detail value is flush right
 * in its column; a sentence with an isolated Hebrew name stays LTR. */
static void test_rtl_text_in_ltr_document(void **state)
{
	struct doc d;
	struct pages p;
	double y_par = -1, y_field = -1, y_sent = -1;

	(void)state;
	init_doc(&d, "en");
	add(&d, BLOCK_PARAGRAPH, "הפורום יקיים פעמיים בשנה מפגשי למידה לרכזי "
	    "האנרגיה והאקלים ברשויות המקומיות החברות בו, ויעניק ליווי מקצועי "
	    "לכל רשות שתצטרף ליוזמה עד להגשת תוכנית הפעולה.", NULL);
	add(&d, BLOCK_FIELD, "נועה לוי", "Legal representative");
	add(&d, BLOCK_PARAGRAPH, "By this agreement, \xE2\x81\xA8דנה כהן"
	    "\xE2\x81\xA9 joins.", NULL);
	lay(&d, &p);
	assert_int_equal(p.n_pages, 1);
	assert_inside_margins(&p);
	for (int k = 0; k < p.pages[0].n_runs; k++) {
		const struct run *r = &p.pages[0].runs[k];
		if (strcmp(r->text, "הלועפה") == 0)  /* last word: last line */
			y_par = r->y;
		if (strcmp(r->text, "יול") == 0 && y_field < 0)
			y_field = r->y;
		if (strcmp(r->text, "By") == 0)
			y_sent = r->y;
	}
	assert_true(y_par > 0 && y_field > 0 && y_sent > 0);
	for (int k = 0; k < p.pages[0].n_runs; k++) {
		const struct run *r = &p.pages[0].runs[k];
		double right = r->x + r->width;
		if (fabs(r->y - y_field) < 0.01 && strcmp(r->text, "העונ") == 0)
			/* "נועה" is the value's first word: rightmost */
			assert_true(fabs(right - (PAGE_W - MARGIN)) < 0.01);
		if (fabs(r->y - y_sent) < 0.01 && strcmp(r->text, "By") == 0)
			assert_true(fabs(r->x - MARGIN) < 0.01);
	}
	{
		/* The paragraph's last line: flush right, full stop leftmost. */
		double right = 0, left = 1e9;
		const char *first = NULL;
		for (int k = 0; k < p.pages[0].n_runs; k++) {
			const struct run *r = &p.pages[0].runs[k];
			if (fabs(r->y - y_par) > 0.01)
				continue;
			right = fmax(right, r->x + r->width);
			if (r->x < left)
				left = r->x, first = r->text;
		}
		assert_true(fabs(right - (PAGE_W - MARGIN)) < 0.01);
		assert_true(left > MARGIN + 1);
		assert_string_equal(first, ".");
	}
	pages_clear(&p);
	doc_clear(&d);
}

/* Pages as one string: every run's page, position and text. */
static char *dump(const struct pages *p)
{
	size_t cap = 1 << 16, n = 0;
	char *s = malloc(cap);

	assert_non_null(s);
	for (int i = 0; i < p->n_pages; i++)
		for (int k = 0; k < p->pages[i].n_runs; k++) {
			const struct run *r = &p->pages[i].runs[k];
			size_t need = strlen(r->text) + 64;
			if (n + need >= cap) {
				cap = cap * 2 + need;
				s = realloc(s, cap);
				assert_non_null(s);
			}
			n += (size_t)snprintf(s + n, cap - n, "%d %d %.3f %.3f %s\n", i,
			                      r->font, r->x, r->y, r->text);
		}
	s[n] = '\0';
	return s;
}

struct job {
	const struct doc *d;
	const char *expect;
	int ok;
};

static void *lay_many(void *arg)
{
	struct job *j = arg;

	j->ok = 1;
	for (int i = 0; i < 10 && j->ok; i++) {
		struct pages p = { 0 };
		struct err e = { 0 };
		char *got;
		if (layout_doc(j->d, fs, &p, &e) != 0) {
			j->ok = 0;
			break;
		}
		got = dump(&p);
		j->ok = strcmp(got, j->expect) == 0;
		free(got);
		pages_clear(&p);
	}
	para_thread_cleanup();
	return NULL;
}

/* Worker threads lay out documents at the same time and get exactly what
 * one thread gets. */
static void test_threads(void **state)
{
	struct doc d[2];
	struct pages p;
	char *expect[2];
	pthread_t t[4];
	struct job jobs[4];

	(void)state;
	init_doc(&d[0], "lv");
	init_doc(&d[1], "bg");
	for (int i = 0; i < 6; i++) {
		add(&d[0], BLOCK_ITEM, commitment, "1.");
		add(&d[1], BLOCK_PARAGRAPH,
		    "Координаторът се задължава да подпомага общините, подписали "
		    "Споразумението на кметовете, при изготвянето на плановете за "
		    "действие за устойчива енергия и климат и да докладва редовно.",
		    NULL);
	}
	for (int i = 0; i < 2; i++) {
		lay(&d[i], &p);
		expect[i] = dump(&p);
		pages_clear(&p);
	}
	for (int i = 0; i < 4; i++) {
		jobs[i].d = &d[i % 2];
		jobs[i].expect = expect[i % 2];
		assert_int_equal(pthread_create(&t[i], NULL, lay_many, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_true(jobs[i].ok);
	}
	for (int i = 0; i < 2; i++) {
		free(expect[i]);
		doc_clear(&d[i]);
	}
}

static void fill_record(struct record *r, const char *lang, enum role role,
                        int offers)
{
	static const char *const kinds[] = { "technical", "financial",
		"strategic", "capacity-building", "other" };

	memset(r, 0, sizeof *r);
	r->id = strdup("LV-COORD-0042");
	r->role = role;
	r->lang = strdup(lang);
	r->status = STATUS_ELIGIBLE;
	r->org_name = strdup("Vidzemes plānošanas reģions — Δήμος Αθηναίων — "
	                     "مدينة الرياض — თბილისი");
	r->org_category = strdup(role == ROLE_SUPPORTER ? "energy-agency" :
	                         role == ROLE_ASSOCIATED_PARTNER ? "ngo-civil-society" :
	                         "region");
	r->org_country = strdup("LV");
	r->address[0] = strdup("Jāņa Poruka iela 8");
	r->n_address = 1;
	r->city = strdup("Cēsis");
	r->website = strdup("https://www.vidzeme-planning-region.example.lv/"
	                    "klimats/energetika/ricibas-plans-2030-un-talak");
	r->signatory.name = strdup("Aleksandra Konstantinopolska-Bērziņa");
	r->signatory.position = strdup("Administrācijas vadītāja");
	r->signatory.email = strdup("aleksandra.konstantinopolska-berzina@"
	                            "vidzeme-planning-region.example.lv");
	r->eligibility_confirmed = strdup("2026-11-20");
	r->eligibility_reference = strdup("CoMO/2026/0042");
	r->signing_place = strdup("Cēsis");
	if (offers > 0) {
		r->offers = calloc((size_t)offers, sizeof *r->offers);
		r->n_offers = offers;
		for (int i = 0; i < offers; i++) {
			r->offers[i].kind = strdup(kinds[i % 5]);
			r->offers[i].text = strdup(commitment);
		}
	}
}

/* Every real form in every complete language, composed from a record
 * with names in several scripts and laid out: nothing outside the
 * margins, the signature fields whole, a footer on every page; a long
 * support offer flows over three pages. */
static void test_real_documents(void **state)
{
	static const char *const langs[] = { "en", "lv", "sv", "bg", "ky" };
	static const enum role roles[] = { ROLE_COORDINATOR, ROLE_SUPPORTER,
		ROLE_ASSOCIATED_PARTNER };
	struct err e = { 0 };
	struct catalog *cat = catalog_load("locales", &e);
	struct form_set *forms = cat ? form_set_load("forms", "forms/form.xsd",
	                                              &e) : NULL;
	int three_pages = 0;

	(void)state;
	if (forms == NULL)
		fail_msg("%s", e.msg);
	for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
		const struct form *f[4];
		int n = form_set_for_role(forms, roles[r], f, 4);
		for (int k = 0; k < n; k++)
			for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++) {
				struct record rec;
				struct doc d = { 0 };
				struct pages p;
				int offers = roles[r] == ROLE_SUPPORTER ? 24 : 0;
				fill_record(&rec, langs[l], roles[r], offers);
				if (compose_doc(f[k], cat, &rec, NULL, "2026-11-23", &d, NULL,
				                &e) != 0)
					fail_msg("%s/%s: %s", f[k]->id, langs[l], e.msg);
				lay(&d, &p);
				assert_inside_margins(&p);
				assert_true(p.n_fields >= 1);
				for (int i = 0; i < p.n_pages; i++)
					assert_true(p.pages[i].n_runs > 0);
				if (p.n_pages >= 3)
					three_pages++;
				pages_clear(&p);
				doc_clear(&d);
				record_clear(&rec);
			}
	}
	assert_true(three_pages > 0);
	form_set_free(forms);
	catalog_free(cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_footer_on_every_page),
		cmocka_unit_test(test_signature_moved_whole),
		cmocka_unit_test(test_header_row_repeated),
		cmocka_unit_test(test_heading_kept_with_next),
		cmocka_unit_test(test_label_kept_with_next),
		cmocka_unit_test(test_no_hyphen_at_page_end),
		cmocka_unit_test(test_paragraph_reset_at_page_end),
		cmocka_unit_test(test_no_widows_or_orphans),
		cmocka_unit_test(test_fields_and_items),
		cmocka_unit_test(test_rtl_document),
		cmocka_unit_test(test_rtl_text_in_ltr_document),
		cmocka_unit_test(test_balanced_title_keeps_words_whole),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_real_documents),
	};
	return cmocka_run_group_tests(tests, fonts_setup, teardown);
}
