/* pages.h — laid-out pages: positioned text runs, rules and signature
 * fields, in PDF points from the bottom-left corner. The layout stage
 * produces them (layout.h); the PDF stage draws them (pdf.h). */
#ifndef PACTDOC_PAGES_H
#define PACTDOC_PAGES_H

#include <stddef.h>

/* A piece of text drawn with one font at one place. `text` is in visual
 * order, already shaped (Arabic presentation forms), and every character
 * in it is in font `font` of the fontset. */
struct run {
	int font;          /* index in the fontset (fontset.h) */
	double size;       /* points */
	double x, y;       /* start of the baseline */
	double width;      /* advance width, points */
	char *text;        /* UTF-8, owned */
};

/* A straight line: signature lines, table rules. */
struct rule {
	double x0, y0, x1, y1;
	double width;
};

/* An empty signature field over its box. */
struct sigfield {
	int page;          /* 0-based */
	double x, y, w, h; /* the box */
	char *name;        /* applicant_signature, commission_signature */
	char *tooltip;     /* /TU, localised */
};

struct page {
	struct run *runs;
	int n_runs, cap_runs;
	struct rule *rules;
	int n_rules, cap_rules;
};

struct pages {
	double width, height;   /* page size in points (A4: 595.276 x 841.89) */
	struct page *pages;
	int n_pages, cap_pages;
	struct sigfield *fields;
	int n_fields, cap_fields;
};

/* Appends an empty page; returns it or NULL on out of memory. */
struct page *pages_add_page(struct pages *p);
/* Appends a run (text copied, `len` bytes); returns 0 or -1 on OOM. */
int page_add_run(struct page *pg, int font, double size, double x, double y,
                 double width, const char *text, size_t len);
int page_add_rule(struct page *pg, double x0, double y0, double x1,
                  double y1, double width);
int pages_add_field(struct pages *p, int page, double x, double y, double w,
                    double h, const char *name, const char *tooltip);
/* Frees everything and zeroes the struct. */
void pages_clear(struct pages *p);

#endif
