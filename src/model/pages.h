/* pages.h — laid-out pages: positioned text runs, rules and signature
 * fields, in PDF points from the bottom-left corner. The layout stage
 * produces them (layout.h); the PDF stage draws them (pdf.h). */
#ifndef PACTDOC_PAGES_H
#define PACTDOC_PAGES_H

#include <stddef.h>

/* What a run is in the document's logical structure: the PDF stage
 * turns it into the tags of PDF/UA (docs/archival.md). Runs of one doc
 * block (`block`, its index in the doc) with the same role and part form
 * one structure element. Zero is page furniture (footers). */
enum tag_role {
	TAG_ARTIFACT = 0,  /* footer: /Artifact /Pagination */
	TAG_TITLE,         /* H1 */
	TAG_SUBTITLE,      /* P */
	TAG_HEADING,       /* H2 */
	TAG_PARA,          /* P */
	TAG_ITEM_LABEL,    /* L > LI > Lbl */
	TAG_ITEM_BODY,     /* L > LI > LBody */
	TAG_FIELD_LABEL,   /* Table > TR > TH (/Scope /Row) */
	TAG_FIELD_VALUE,   /* Table > TR > TD */
	TAG_HEAD_CELL,     /* Table > TR > TH (/Scope /Column), part: column */
	TAG_CELL,          /* Table > TR > TD, part: column */
	TAG_SIG_HEADING,   /* Div > H3 (H2 when no heading came before) */
	TAG_SIG_LINE       /* Div > P, part: line */
};

/* run.flags: the run ends its line inside a word (an added hyphen, or a
 * break after a real hyphen or slash) that the next run of the same
 * element continues on the next line. */
#define RUN_JOIN 1

/* A piece of text drawn with one font at one place. `text` is in visual
 * order, the record's own characters (the PDF stage shapes them: Arabic
 * joining forms and ligatures from the font's GSUB), and every character
 * in it is in font `font` of the fontset. */
struct run {
	int font;          /* index in the fontset (fontset.h) */
	double size;       /* points */
	double x, y;       /* start of the baseline */
	double width;      /* advance width, points */
	char *text;        /* UTF-8, owned */
	int block;         /* doc block it belongs to */
	int role;          /* enum tag_role */
	int part;          /* column or line within the block */
	int flags;         /* RUN_JOIN */
	int order;         /* rank in its line's logical order: runs are drawn
	                    * in visual order, the structure lists them in
	                    * this one */
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
	int block;         /* its signature block in the doc */
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
