/* layout.c — page composition: blocks of a doc are set as paragraphs
 * (para.h), gathered into rows that may or may not be split, and flowed
 * over A4 pages with widow, orphan and keep-with-next control; then every
 * page gets its footer "reference … page N of M". */
#include "layout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unum.h>
#include <unicode/ustring.h>

#include "array.h"
#include "bidi.h"
#include "hyph.h"
#include "langtag.h"
#include "para.h"

#define PAGE_W      595.276
#define PAGE_H      841.89
#define MARGIN      56.693          /* 2 cm on every side */
#define TEXT_W      (PAGE_W - 2 * MARGIN)

#define BODY_SIZE   10.5
#define BODY_LEAD   14.0
#define TITLE_SIZE  17.0
#define TITLE_LEAD  21.0
#define SUB_SIZE    13.0
#define SUB_LEAD    17.0
#define HEAD_SIZE   11.0            /* bold: a level below the subtitle */
#define HEAD_LEAD   15.0
#define CELL_SIZE   9.5
#define CELL_LEAD   12.0
#define SPAN_SIZE   8.5             /* a table row's spanning line */
#define CELL_PAD    3.0
#define FOOT_SIZE   8.5
#define FOOT_LEAD   11.0
#define FOOT_GAP    12.0            /* between the body and the footer */

#define FIELD_LABEL_W (TEXT_W * 0.32)
#define FIELD_GAP     8.0
#define SIG_BOX_W     200.0
#define SIG_BOX_H     60.0
#define SIG_COL_GAP   20.0
#define SIG_BLANK_LEAD 20.0         /* a line to fill in by hand */

enum op_kind { OP_RUN, OP_RULE, OP_FIELD };

/* Something drawn in a row: y is measured downwards from the row's top
 * (the baseline for runs, the top for fields). */
struct op {
	enum op_kind kind;
	int font;
	double size;
	double x, y, w, h;          /* run: w = advance; rule: to (x+w, y+h) */
	char *text;                 /* run: owned */
	const char *name, *tooltip; /* field: borrowed from the doc */
	int block, role, part;      /* run, field: its structure (pages.h) */
	int flags;                  /* run: RUN_JOIN */
	int order;                  /* run: rank in its line's logical order */
};

struct row {
	double height;
	int first_op, n_ops;
	int break_after;            /* a page may end after this row */
	int hyphen;                 /* its text ends with a hyphenated word */
};

/* A block set and ready to be placed. */
struct fblock {
	struct op *ops;
	int n_ops, cap_ops;
	struct row *rows;
	int n_rows, cap_rows;
	double space_before, space_after;
	int keep_with_next;
	int table_row, header;
	int block;                  /* index of its (first) block in the doc */
	int pass;                   /* breaker pass of its text (para.pass) */
	int signature;              /* signature blocks (one or a pair) */
	int keep_tail;              /* the body text before the signatures:
	                             * its last lines are kept on their page */
	int tag_block, tag_role, tag_part; /* structure of the ops added next */
};

struct lay {
	const struct doc *d;
	const struct fontset *fs;
	struct err *e;
	int rtl;
	struct pages *out;
	struct page *pg;
	double y;                   /* from the top of the body, downwards */
	double body_h;
	UNumberFormat *nf;          /* page numbers in the language's digits */
	int no_hyphen_line;         /* set_para: line of the body text that may
	                             * not end with a hyphen; 0: none */
	int furniture;              /* place_row: runs are artifacts (a table
	                             * header repeated on a new page) */
};

static void fblock_clear(struct fblock *fb)
{
	for (int i = 0; i < fb->n_ops; i++)
		free(fb->ops[i].text);
	free(fb->ops);
	free(fb->rows);
	memset(fb, 0, sizeof *fb);
}

/* Appends a zeroed op to fb and returns it (valid until the next
 * add_op), or NULL with e set. */
static struct op *add_op(struct fblock *fb, struct err *e)
{
	if (fb->n_ops == fb->cap_ops) {
		struct op *p = array_reserve_int(fb->ops, sizeof *p, fb->n_ops, 1,
		                                 &fb->cap_ops);
		if (p == NULL) {
			err_set(e, "out of memory");
			return NULL;
		}
		fb->ops = p;
	}
	memset(&fb->ops[fb->n_ops], 0, sizeof fb->ops[0]);
	return &fb->ops[fb->n_ops++];
}

/* Appends the ops of `from` to fb, which takes over their text; `from`
 * keeps its array (fblock_clear frees it). Returns 0, or -1. */
static int move_ops(struct fblock *fb, struct fblock *from, struct err *e)
{
	for (int i = 0; i < from->n_ops; i++) {
		struct op *op = add_op(fb, e);
		if (op == NULL)
			return -1;
		*op = from->ops[i];
		from->ops[i].text = NULL;
	}
	return 0;
}

/* Opens a row; ops added until the next add_row belong to it. */
static struct row *add_row(struct fblock *fb, double height, struct err *e)
{
	struct row *r;

	if (fb->n_rows == fb->cap_rows) {
		struct row *p = array_reserve_int(fb->rows, sizeof *p, fb->n_rows,
		                                  1, &fb->cap_rows);
		if (p == NULL) {
			err_set(e, "out of memory");
			return NULL;
		}
		fb->rows = p;
	}
	r = &fb->rows[fb->n_rows++];
	r->height = height;
	r->first_op = fb->n_ops;
	r->n_ops = 0;
	r->break_after = 0;
	r->hyphen = 0;
	return r;
}

/* Closes the last row: it owns the ops added since add_row. */
static void end_row(struct fblock *fb)
{
	struct row *r = &fb->rows[fb->n_rows - 1];

	r->n_ops = fb->n_ops - r->first_op;
}

/* Distance from the top of a line to its baseline. */
static double baseline(double lead, double size)
{
	return fmax(lead / 2 + 0.345 * size, size);
}

/* Sets the structure (pages.h: block, role, part) of the ops added next. */
static void tag(struct fblock *fb, int block, int role, int part)
{
	fb->tag_block = block;
	fb->tag_role = role;
	fb->tag_part = part;
}

/* Adds the pieces of one set line at (x0, y below the row top). Takes
 * ownership of the pieces' text. A left-to-right line that ends inside a
 * word flags its last piece RUN_JOIN. */
static int put_line(struct fblock *fb, struct para_line *ln, double x0,
                    double y, double size, struct err *e)
{
	for (int i = 0; i < ln->n_pieces; i++) {
		struct para_piece *pc = &ln->pieces[i];
		struct op *op = add_op(fb, e);
		if (op == NULL)
			return -1;
		op->kind = OP_RUN;
		op->font = pc->font;
		op->size = size;
		op->x = x0 + pc->x;
		op->y = y;
		op->w = pc->width;
		op->text = pc->text;
		op->block = fb->tag_block;
		op->role = fb->tag_role;
		op->part = fb->tag_part;
		op->flags = ln->joined && i == ln->n_pieces - 1 ? RUN_JOIN : 0;
		op->order = pc->order;
		pc->text = NULL;
	}
	return 0;
}

static int set_para(struct lay *L, const char *text, const struct block *b,
                    enum face face, double size, double measure,
                    enum para_align align, int hyphenate, struct para *out)
{
	struct para_style st = {
		.face = face, .size = size, .measure = measure, .align = align,
		.hyphenate = hyphenate, .lang = L->d->lang ? L->d->lang : "en",
	};

	/* free text (paragraphs, list items, detail values) takes the
	 * direction of its first strong character */
	st.auto_dir = b != NULL && text == b->text &&
	              (b->kind == BLOCK_PARAGRAPH || b->kind == BLOCK_ITEM ||
	               b->kind == BLOCK_FIELD);
	if (b != NULL && text == b->text)
		st.no_hyphen_line = L->no_hyphen_line;
	/* without hyphenation patterns, justified text stretches: ragged */
	if (st.align == ALIGN_JUSTIFY && !hyph_justify(st.lang))
		st.align = ALIGN_START;

	return para_set(L->fs, &st, text ? text : "", b ? b->nohyph : NULL,
	                b ? b->n_nohyph : 0, out, L->e);
}

/* x of a column [x, x+w) of the text area, mirrored in RTL documents. */
static double col_x(const struct lay *L, double x, double w)
{
	return L->rtl ? MARGIN + TEXT_W - (x - MARGIN) - w : x;
}

/* In a right-to-left document, a ragged line of a left-to-right
 * paragraph (an e-mail address, a reference, a Latin name as a value)
 * still sits at the column's start, its right edge: the shift that moves
 * line ln of p (set in a measure w) there. 0 in every other case. */
static double end_shift(const struct lay *L, const struct para *p,
                        const struct para_line *ln, double w)
{
	if (!L->rtl || p->rtl || ln->n_pieces == 0)
		return 0;
	return w - ln->right;
}

/* Widows and orphans: a paragraph of n lines may break after line i
 * (0-based) only when two lines stay on each side. */
static void mark_breaks(struct fblock *fb, int first_row)
{
	int n = fb->n_rows - first_row;

	for (int i = 0; i < n; i++)
		fb->rows[first_row + i].break_after = n >= 4 && i >= 1 && i <= n - 3;
}

static double text_width(const struct lay *L, enum face face, double size,
                         const char *s);

/* The width of the widest space-separated word of text, or 0 (also when
 * out of memory: the caller then only loses the bound). */
static double widest_word(const struct lay *L, enum face face, double size,
                          const char *text)
{
	char *copy = strdup(text), *save = NULL;
	double w = 0;

	if (copy == NULL)
		return 0;
	for (char *t = strtok_r(copy, " ", &save); t != NULL;
	     t = strtok_r(NULL, " ", &save))
		w = fmax(w, text_width(L, face, size, t));
	free(copy);
	return w;
}

/* Sets centred text (a title) balanced: when it needs several lines, in
 * the narrowest measure that keeps their number, so that its lines have
 * about the same length and no word stands alone on the last one. *out
 * holds the setting and *measure its width. Returns 0 or -1. */
static int set_balanced(struct lay *L, const char *text, const struct block *b,
                        enum face face, double size, struct para *out,
                        double *measure)
{
	double lo = TEXT_W / 2, hi = TEXT_W;
	int n;

	*measure = TEXT_W;
	if (set_para(L, text, b, face, size, TEXT_W, ALIGN_CENTER, 0, out))
		return -1;
	n = out->n_lines;
	if (n < 2)
		return 0;
	/* never narrower than its widest word: a word is not broken to
	 * balance a title */
	lo = fmax(lo, widest_word(L, face, size, text) + 1);
	if (lo >= hi)
		return 0;
	for (int i = 0; i < 8; i++) {     /* the measure to about 1 pt */
		double mid = (lo + hi) / 2;
		struct para p = { 0 };
		if (set_para(L, text, b, face, size, mid, ALIGN_CENTER, 0, &p))
			return -1;
		if (p.n_lines == n) {
			hi = mid;
			para_clear(out);
			*out = p;
			*measure = mid;
		} else {
			lo = mid;
			para_clear(&p);
		}
	}
	return 0;
}

/* A run of text set as one line per row. */
static int fmt_text(struct lay *L, struct fblock *fb, const struct block *b,
                    const char *text, enum face face, double size,
                    double lead, enum para_align align, int hyphenate)
{
	struct para p = { 0 };
	double m = TEXT_W;
	int rc = -1;

	if (align == ALIGN_CENTER ?
	    set_balanced(L, text, b, face, size, &p, &m) :
	    set_para(L, text, b, face, size, TEXT_W, align, hyphenate, &p))
		return -1;
	fb->pass = p.pass;
	for (int i = 0; i < p.n_lines; i++) {
		struct row *r = add_row(fb, lead, L->e);
		if (r == NULL)
			goto cleanup;
		r->hyphen = p.lines[i].hyphen;
		if (put_line(fb, &p.lines[i], MARGIN + (TEXT_W - m) / 2,
		             baseline(lead, size), size, L->e))
			goto cleanup;
		end_row(fb);
	}
	mark_breaks(fb, 0);
	rc = 0;
cleanup:
	para_clear(&p);
	return rc;
}

static double text_width(const struct lay *L, enum face face, double size,
                         const char *s)
{
	struct para p = { 0 };
	struct para_style st = { .face = face, .size = size, .measure = TEXT_W,
	                         .align = ALIGN_START, .lang = L->d->lang };
	double w = 0;

	if (para_set(L->fs, &st, s, NULL, 0, &p, NULL) == 0)
		for (int i = 0; i < p.n_lines; i++)
			w = fmax(w, p.lines[i].right - p.lines[i].left);
	para_clear(&p);
	return w;
}

/* A list item: the label hangs in the indent, the text is justified. */
static int fmt_item(struct lay *L, struct fblock *fb, const struct block *b)
{
	enum face face = b->bold ? FACE_BOLD : FACE_REGULAR;
	double lw = b->label ? text_width(L, face, BODY_SIZE, b->label) : 0;
	double indent = fmax(18, ceil(lw + 6));
	struct para text = { 0 }, label = { 0 };
	int rc = -1;

	if (indent > TEXT_W / 3)
		indent = TEXT_W / 3;
	if (set_para(L, b->text, b, face, BODY_SIZE, TEXT_W - indent,
	             ALIGN_JUSTIFY, 1, &text) ||
	    set_para(L, b->label ? b->label : "", NULL, face, BODY_SIZE,
	             indent - 4, ALIGN_START, 0, &label))
		goto cleanup;
	fb->pass = text.pass;
	for (int i = 0; i < text.n_lines || i < label.n_lines; i++) {
		double y = baseline(BODY_LEAD, BODY_SIZE);
		struct row *r = add_row(fb, BODY_LEAD, L->e);
		if (r == NULL)
			goto cleanup;
		r->hyphen = i < text.n_lines && text.lines[i].hyphen;
		/* the marker first, so that it reads before its text */
		tag(fb, fb->tag_block, TAG_ITEM_LABEL, 0);
		if (i < label.n_lines &&
		    put_line(fb, &label.lines[i], col_x(L, MARGIN, indent - 4), y,
		             BODY_SIZE, L->e))
			goto cleanup;
		tag(fb, fb->tag_block, TAG_ITEM_BODY, 0);
		if (i < text.n_lines &&
		    put_line(fb, &text.lines[i], col_x(L, MARGIN + indent,
		             TEXT_W - indent), y, BODY_SIZE, L->e))
			goto cleanup;
		end_row(fb);
	}
	mark_breaks(fb, 0);
	rc = 0;
cleanup:
	para_clear(&text);
	para_clear(&label);
	return rc;
}

/* Sets text in a column and adds its lines to the current row, starting
 * at y0 below the row top. Returns the number of lines, or -1. */
static int put_column(struct lay *L, struct fblock *fb, const struct block *b,
                      const char *text, enum face face, double size,
                      double lead, double x, double w, double y0,
                      enum para_align align)
{
	struct para p = { 0 };
	int n = -1;

	if (set_para(L, text, b, face, size, w, align, 0, &p))
		return -1;
	for (int i = 0; i < p.n_lines; i++)
		if (put_line(fb, &p.lines[i], col_x(L, x, w) +
		             end_shift(L, &p, &p.lines[i], w),
		             y0 + i * lead + baseline(lead, size), size, L->e))
			goto cleanup;
	n = p.n_lines;
cleanup:
	para_clear(&p);
	return n;
}

/* An applicant detail: the label left, the value right (mirrored in RTL
 * documents: the label column on the right); kept whole. */
static int fmt_field(struct lay *L, struct fblock *fb, const struct block *b)
{
	double vx = MARGIN + FIELD_LABEL_W + FIELD_GAP;
	double vw = TEXT_W - FIELD_LABEL_W - FIELD_GAP;
	struct row *r = add_row(fb, 0, L->e);
	int nl, nv;

	if (r == NULL)
		return -1;
	tag(fb, fb->tag_block, TAG_FIELD_LABEL, 0);
	nl = put_column(L, fb, NULL, b->label, FACE_REGULAR, BODY_SIZE,
	                BODY_LEAD, MARGIN, FIELD_LABEL_W, 0, ALIGN_START);
	if (nl < 0)
		return -1;
	tag(fb, fb->tag_block, TAG_FIELD_VALUE, 0);
	nv = put_column(L, fb, b, b->text, b->bold ? FACE_BOLD : FACE_REGULAR,
	                BODY_SIZE, BODY_LEAD, vx, vw, 0, ALIGN_START);
	if (nv < 0)
		return -1;
	fb->rows[fb->n_rows - 1].height = BODY_LEAD * (nl > nv ? nl : nv);
	end_row(fb);
	return 0;
}

static int add_rule(struct fblock *fb, double x0, double y, double x1,
                    double width, struct err *e)
{
	struct op *op = add_op(fb, e);

	if (op == NULL)
		return -1;
	op->kind = OP_RULE;
	op->x = x0;
	op->y = y;
	op->w = x1 - x0;
	op->h = 0;
	op->size = width;
	return 0;
}

/* The lines of row l of a table row of `lines` lines: each cell's line
 * l, placed as in one tall row whose top is the table row's, and the
 * rules of the first (header) and last rows. */
static int table_line_row(struct lay *L, struct fblock *fb,
                          const struct block *b, struct para *cells,
                          const double *xs, const double *ws, int ncol,
                          int l, int lines)
{
	double top = l == 0 ? 0 : CELL_PAD + l * CELL_LEAD;
	double h = (l == 0 ? CELL_PAD : 0) + CELL_LEAD +
	           (l == lines - 1 ? CELL_PAD : 0);
	int col_lines = 0;

	for (int i = 0; i < ncol; i++)
		if (cells[i].n_lines > col_lines)
			col_lines = cells[i].n_lines;
	if (add_row(fb, h, L->e) == NULL)
		return -1;
	if (l == 0 && b->header &&
	    add_rule(fb, MARGIN, 0, MARGIN + TEXT_W, 0.8, L->e))
		return -1;
	for (int i = 0; i < b->n_cells; i++) {
		/* the spanning cell (i == ncol) comes after the columns' lines */
		int k = i < ncol ? l : l - (col_lines > 0 ? col_lines : 1);
		double size = i < ncol ? CELL_SIZE : SPAN_SIZE;
		tag(fb, fb->tag_block, b->header ? TAG_HEAD_CELL : TAG_CELL, i);
		if (k >= 0 && k < cells[i].n_lines &&
		    put_line(fb, &cells[i].lines[k],
		             col_x(L, xs[i] + CELL_PAD, ws[i] - 2 * CELL_PAD),
		             CELL_PAD + l * CELL_LEAD +
		             baseline(CELL_LEAD, size) - top, size, L->e))
			return -1;
	}
	if (l == lines - 1 &&
	    add_rule(fb, MARGIN, h, MARGIN + TEXT_W, b->header ? 0.8 : 0.3,
	             L->e))
		return -1;
	end_row(fb);
	return 0;
}

/* Sets the text of a table cell of width w (padding included) into out:
 * broken only at spaces, never at a hyphen ("IE-COORD-0031"), and
 * between characters only when a word cannot fit. 0 or -1. */
static int set_cell(struct lay *L, const char *text, enum face face,
                    double size, double w, struct para *out)
{
	struct span whole = { 0, strlen(text ? text : "") };
	struct block cell = { .kind = BLOCK_TABLE_ROW, .nohyph = &whole,
	                      .n_nohyph = 1 };

	return set_para(L, text, &cell, face, size, w - 2 * CELL_PAD,
	                ALIGN_START, 0, out);
}

/* A row of the cover-sheet table; header rows are bold and ruled. It is
 * kept whole, but made of one row per line, so that a row taller than a
 * page (a long name in a narrow column) splits between lines instead of
 * never fitting. */
static int fmt_table_row(struct lay *L, struct fblock *fb,
                         const struct block *b)
{
	enum face face = b->header ? FACE_BOLD : FACE_REGULAR;
	struct para *cells = calloc((size_t)b->n_cells + 1, sizeof *cells);
	double *xs = calloc((size_t)b->n_cells + 1, sizeof *xs);
	double *ws = calloc((size_t)b->n_cells + 1, sizeof *ws);
	double x = MARGIN, total = 0;
	int ncol = b->n_cells - (b->span_last && b->n_cells > 1);
	int lines = 1, rc = -1;

	if (cells == NULL || xs == NULL || ws == NULL) {
		err_set(L->e, "out of memory");
		goto cleanup;
	}
	for (int i = 0; i < ncol; i++)
		total += b->col_widths ? b->col_widths[i] : 1;
	if (total <= 0)
		total = 1;
	for (int i = 0; i < ncol; i++) {
		double frac = (b->col_widths ? b->col_widths[i] : 1) / total;
		xs[i] = x;
		ws[i] = TEXT_W * frac;
		x += ws[i];
		if (ws[i] <= 2 * CELL_PAD + 4)
			continue;
		if (set_cell(L, b->cells[i], face, CELL_SIZE, ws[i], &cells[i]))
			goto cleanup;
		if (cells[i].n_lines > lines)
			lines = cells[i].n_lines;
	}
	if (ncol < b->n_cells) {
		xs[ncol] = MARGIN;
		ws[ncol] = TEXT_W;
		if (set_cell(L, b->cells[ncol], face, SPAN_SIZE, TEXT_W,
		             &cells[ncol]))
			goto cleanup;
		lines += cells[ncol].n_lines;
	}
	for (int l = 0; l < lines; l++)
		if (table_line_row(L, fb, b, cells, xs, ws, ncol, l, lines))
			goto cleanup;
	fb->table_row = 1;
	fb->header = b->header;
	fb->keep_with_next = b->header;
	rc = 0;
cleanup:
	for (int i = 0; cells != NULL && i < b->n_cells; i++)
		para_clear(&cells[i]);
	free(cells);
	free(xs);
	free(ws);
	return rc;
}

/* The party, lines and blank lines of a signature block in a column at x
 * of width w, from y0 below the row top, into the current row. A blank
 * line is its label and a rule to write on. Returns the y below them, or
 * -1. */
static double put_sig_text(struct lay *L, struct fblock *fb,
                           const struct block *b, double x, double w,
                           double y0)
{
	const struct signature *s = &b->sig;
	double y = y0, rw = fmin(SIG_BOX_W, w);
	int n, k = (int)(b - L->d->blocks);

	tag(fb, k, TAG_SIG_HEADING, 0);
	n = put_column(L, fb, NULL, s->heading ? s->heading : "", FACE_BOLD,
	               BODY_SIZE, BODY_LEAD, x, w, y, ALIGN_START);
	if (n < 0)
		return -1;
	y += n * BODY_LEAD + 2;
	for (int i = 0; i < s->n_lines; i++) {
		/* organisation, name, position, place: record values, broken
		 * only at spaces (never at the hyphen of "Ozoliņa-Liepiņa") */
		char *line = s->lines[i] ? s->lines[i] : "";
		struct span whole = { 0, strlen(line) };
		struct block value = { .kind = BLOCK_SIGNATURE, .text = line,
		                       .nohyph = &whole, .n_nohyph = 1 };
		tag(fb, k, TAG_SIG_LINE, i);
		n = put_column(L, fb, &value, line,
		               FACE_REGULAR, BODY_SIZE, BODY_LEAD, x, w, y,
		               ALIGN_START);
		if (n < 0)
			return -1;
		y += n * BODY_LEAD;
	}
	for (int i = 0; i < s->n_blanks; i++) {
		const char *label = s->blanks[i] ? s->blanks[i] : "";
		double lw = text_width(L, FACE_REGULAR, BODY_SIZE, label) + 4;
		double rx = col_x(L, x + lw, rw - lw);
		y += SIG_BLANK_LEAD - BODY_LEAD;
		tag(fb, k, TAG_SIG_LINE, s->n_lines + i);
		n = put_column(L, fb, NULL, label, FACE_REGULAR, BODY_SIZE,
		               BODY_LEAD, x, w, y, ALIGN_START);
		if (n < 0)
			return -1;
		if (lw < rw - 20 &&
		    add_rule(fb, rx, y + baseline(BODY_LEAD, BODY_SIZE) + 2,
		             rx + rw - lw, 0.5, L->e))
			return -1;
		y += n * BODY_LEAD;
	}
	return y;
}

/* The empty signature box of block b, its top at y, with the signing
 * line (a rule) at its bottom and the caption ("Signature") under it; the
 * box is the signature field. Returns the y below the caption, or -1. */
static double put_sig_box(struct lay *L, struct fblock *fb,
                          const struct block *b, double x, double w, double y)
{
	double bw = fmin(SIG_BOX_W, w);
	struct op *op = add_op(fb, L->e);
	int n;

	if (op == NULL)
		return -1;
	op->kind = OP_FIELD;
	op->x = col_x(L, x, w) + (L->rtl ? w - bw : 0);
	op->y = y;
	op->w = bw;
	op->h = SIG_BOX_H;
	op->name = b->sig.field_name ? b->sig.field_name : "signature";
	op->tooltip = b->sig.tooltip;
	op->block = (int)(b - L->d->blocks);
	if (add_rule(fb, op->x, y + SIG_BOX_H, op->x + bw, 0.6, L->e))
		return -1;
	y += SIG_BOX_H + 2;
	if (b->sig.caption == NULL || b->sig.caption[0] == '\0')
		return y + 2;
	tag(fb, (int)(b - L->d->blocks), TAG_SIG_LINE,
	    b->sig.n_lines + b->sig.n_blanks);
	n = put_column(L, fb, NULL, b->sig.caption, FACE_REGULAR, FOOT_SIZE,
	               FOOT_LEAD, x, bw, y, ALIGN_START);
	return n < 0 ? -1 : y + n * FOOT_LEAD + 2;
}

/* One signature block, or two side by side (two columns, their boxes
 * level), or stacked when a column would be narrower than the box;
 * never split. */
static int fmt_signatures(struct lay *L, struct fblock *fb,
                          const struct block *a, const struct block *b)
{
	double h, h2 = 0, top;
	double colw = b ? (TEXT_W - SIG_COL_GAP) / 2 : TEXT_W;
	double x2 = MARGIN + colw + SIG_COL_GAP;

	if (add_row(fb, 0, L->e) == NULL)
		return -1;
	if (b != NULL && colw < SIG_BOX_W) {      /* stacked */
		h = put_sig_text(L, fb, a, MARGIN, TEXT_W, 0);
		h = h < 0 ? -1 : put_sig_box(L, fb, a, MARGIN, TEXT_W, h + 6);
		h = h < 0 ? -1 : put_sig_text(L, fb, b, MARGIN, TEXT_W, h + 14);
		h = h < 0 ? -1 : put_sig_box(L, fb, b, MARGIN, TEXT_W, h + 6);
		if (h < 0)
			return -1;
	} else {
		/* the second block's text is set aside first, so that the
		 * content reads a's text, a's box and caption, then b's */
		struct fblock later = { 0 };
		h = put_sig_text(L, fb, a, MARGIN, colw, 0);
		if (h >= 0 && b != NULL)
			h2 = put_sig_text(L, &later, b, x2, colw, 0);
		top = fmax(h, h2) + 6;
		if (h >= 0 && h2 >= 0)
			h = put_sig_box(L, fb, a, MARGIN, colw, top);
		if (h >= 0 && h2 >= 0 && move_ops(fb, &later, L->e) == 0 &&
		    (b == NULL || put_sig_box(L, fb, b, x2, colw, top) >= 0)) {
			fblock_clear(&later);
		} else {
			fblock_clear(&later);
			return -1;
		}
	}
	fb->rows[fb->n_rows - 1].height = h;
	end_row(fb);
	fb->space_before = 14;
	fb->space_after = 8;
	fb->signature = 1;
	return 0;
}

/* Titles are centred; flush right, like every heading, in a
 * right-to-left document. */
static enum para_align title_align(const struct lay *L)
{
	return L->rtl ? ALIGN_START : ALIGN_CENTER;
}

/* Sets block k (and k+1 for a pair of signatures) into fb; returns the
 * number of blocks consumed, or -1. */
static int fmt_block(struct lay *L, int k, struct fblock *fb)
{
	const struct block *b = &L->d->blocks[k];
	enum face face = b->bold ? FACE_BOLD : FACE_REGULAR;

	tag(fb, k, TAG_PARA, 0);
	switch (b->kind) {
	case BLOCK_TITLE:
		tag(fb, k, TAG_TITLE, 0);
		fb->space_after = 10;
		return fmt_text(L, fb, b, b->text, FACE_BOLD, TITLE_SIZE, TITLE_LEAD,
		                title_align(L), 0) ? -1 : 1;
	case BLOCK_SUBTITLE:
		tag(fb, k, TAG_SUBTITLE, 0);
		fb->space_after = 8;
		return fmt_text(L, fb, b, b->text, FACE_REGULAR, SUB_SIZE, SUB_LEAD,
		                title_align(L), 0) ? -1 : 1;
	case BLOCK_HEADING:
		tag(fb, k, TAG_HEADING, 0);
		fb->space_before = 10;
		fb->space_after = 4;
		fb->keep_with_next = 1;
		return fmt_text(L, fb, b, b->text, FACE_BOLD, HEAD_SIZE, HEAD_LEAD,
		                ALIGN_START, 0) ? -1 : 1;
	case BLOCK_PARAGRAPH:
		fb->space_after = 6;
		fb->keep_with_next = b->keep_with_next;
		return fmt_text(L, fb, b, b->text, face, BODY_SIZE, BODY_LEAD,
		                ALIGN_JUSTIFY, 1) ? -1 : 1;
	case BLOCK_ITEM:
		fb->space_after = 4;
		return fmt_item(L, fb, b) ? -1 : 1;
	case BLOCK_FIELD:
		fb->space_after = 3;
		return fmt_field(L, fb, b) ? -1 : 1;
	case BLOCK_TABLE_ROW:
		return fmt_table_row(L, fb, b) ? -1 : 1;
	case BLOCK_SIGNATURE:
		if (k + 1 < L->d->n_blocks &&
		    L->d->blocks[k + 1].kind == BLOCK_SIGNATURE)
			return fmt_signatures(L, fb, b, &L->d->blocks[k + 1]) ? -1 : 2;
		return fmt_signatures(L, fb, b, NULL) ? -1 : 1;
	case BLOCK_SPACE:
		fb->space_before = b->space > 0 && b->space < PAGE_H ? b->space : 0;
		return 1;
	}
	return err_set(L->e, "unknown block kind %d", (int)b->kind);
}

/* ---- pagination ------------------------------------------------------- */

/* Marks the body text (paragraph or list item) that comes before each
 * signature block, across spaces and headings, as keep_tail: its last
 * lines always share the page of the signatures. A one-line paragraph
 * there is kept whole with them, like a heading, and the text before it
 * keeps its tail too: at least two lines of text precede the blocks. */
static void mark_tails(struct fblock *fbs, int n)
{
	for (int k = 0; k < n; k++) {
		int i = k - 1;
		if (!fbs[k].signature)
			continue;
		while (i >= 0 && (fbs[i].n_rows == 0 || fbs[i].keep_with_next ||
		                  fbs[i].signature))
			i--;
		if (i >= 0 && !fbs[i].table_row && fbs[i].n_rows == 1) {
			fbs[i].keep_with_next = 1;
			while (--i >= 0 && (fbs[i].n_rows == 0 ||
			                    fbs[i].keep_with_next))
				;
		}
		if (i >= 0 && !fbs[i].table_row)
			fbs[i].keep_tail = 1;
	}
}

static int new_page(struct lay *L)
{
	L->pg = pages_add_page(L->out);
	if (L->pg == NULL)
		return err_set(L->e, "out of memory");
	L->y = 0;
	return 0;
}

static double page_y(double y)
{
	return PAGE_H - MARGIN - y;
}

/* Draws row r of fb with its top at L->y, and moves down. */
static int place_row(struct lay *L, const struct fblock *fb, int r)
{
	const struct row *row = &fb->rows[r];

	for (int i = row->first_op; i < row->first_op + row->n_ops; i++) {
		const struct op *op = &fb->ops[i];
		int rc = 0;
		switch (op->kind) {
		case OP_RUN:
			rc = page_add_run(L->pg, op->font, op->size, op->x,
			                  page_y(L->y + op->y), op->w, op->text,
			                  strlen(op->text));
			if (rc == 0) {
				struct run *run = &L->pg->runs[L->pg->n_runs - 1];
				run->block = op->block;
				run->role = L->furniture ? TAG_ARTIFACT : op->role;
				run->part = op->part;
				run->flags = op->flags;
				run->order = op->order;
			}
			break;
		case OP_RULE:
			rc = page_add_rule(L->pg, op->x, page_y(L->y + op->y),
			                   op->x + op->w, page_y(L->y + op->y + op->h),
			                   op->size);
			break;
		case OP_FIELD:
			rc = pages_add_field(L->out, L->out->n_pages - 1, op->x,
			                     page_y(L->y + op->y + op->h), op->w, op->h,
			                     op->name, op->tooltip);
			if (rc == 0)
				L->out->fields[L->out->n_fields - 1].block = op->block;
			break;
		}
		if (rc)
			return err_set(L->e, "out of memory");
	}
	L->y += row->height;
	return 0;
}

static double rows_height(const struct fblock *fb, int from, int to)
{
	double h = 0;

	for (int i = from; i < to; i++)
		h += fb->rows[i].height;
	return h;
}

/* Number of rows of the part of fb that must stay with a preceding
 * heading: up to its first allowed break (all of them when none). */
static int first_unit_rows(const struct fblock *fb)
{
	for (int i = 0; i < fb->n_rows; i++)
		if (fb->rows[i].break_after)
			return i + 1;
	return fb->n_rows;
}

/* Height of the part of fb that must stay with a preceding heading: up
 * to its first allowed break. */
static double first_unit(const struct fblock *fb)
{
	return fb->space_before + rows_height(fb, 0, first_unit_rows(fb));
}

static int place_header(struct lay *L, const struct fblock *hdr)
{
	int rc = 0;

	L->furniture = 1;
	for (int r = 0; r < hdr->n_rows && rc == 0; r++)
		rc = place_row(L, hdr, r);
	L->furniture = 0;
	return rc;
}

/* Lines of text a heading keeps on its page below it, at least. */
#define KEEP_LINES 2

/* Height that must fit below a block kept with what follows: the blocks
 * after fbs[k] that are themselves kept with the next (headings, header
 * rows) or empty (space), whole, then the first unbreakable part of the
 * next other blocks until it holds KEEP_LINES rows (a one-line item after
 * a heading brings the first part of the block after it) or reaches a
 * signature block. */
static double kept_height(const struct fblock *fbs, int n, int k)
{
	double h = 0;
	int rows = 0;

	for (int i = k + 1; i < n; i++) {
		if (fbs[i].n_rows > 0 && !fbs[i].keep_with_next) {
			h += first_unit(&fbs[i]);
			rows += first_unit_rows(&fbs[i]);
			if (rows >= KEEP_LINES || fbs[i].signature ||
			    first_unit_rows(&fbs[i]) < fbs[i].n_rows)
				return h;
			h += fbs[i].space_after;
			continue;
		}
		h += fbs[i].space_before + rows_height(&fbs[i], 0, fbs[i].n_rows) +
		     (fbs[i].n_rows > 0 ? fbs[i].space_after : 0);
	}
	return h;
}

/* Places fbs[k] on the pages, splitting it only where break_after allows
 * (unless a part does not fit on an empty page); `header` is the table
 * header to repeat at the top of a new page, or NULL. */
/* Sets the paragraph or list item of fb again so that its line `line`
 * (1-based) does not end with a hyphen. Returns 1 when fb was replaced by
 * such a setting, 0 when there is none without the breaker's emergency
 * pass (spaces stretched at most 2.5 times; fb unchanged), -1 on error. */
static int reset_without_hyphen(struct lay *L, struct fblock *fb, int line)
{
	const struct block *b = &L->d->blocks[fb->block];
	struct fblock nf = { 0 };
	int used;

	if (b->kind != BLOCK_PARAGRAPH && b->kind != BLOCK_ITEM)
		return 0;
	L->no_hyphen_line = line;
	used = fmt_block(L, fb->block, &nf);
	L->no_hyphen_line = 0;
	if (used < 0) {
		fblock_clear(&nf);
		return -1;
	}
	if (nf.n_rows < line || nf.rows[line - 1].hyphen || nf.pass > 2) {
		fblock_clear(&nf);
		return 0;
	}
	nf.block = fb->block;
	fblock_clear(fb);
	*fb = nf;
	return 1;
}

/* The last row index j > i after which fb may break (its last lines
 * then start the next page), or -1 when none. */
static int tail_break(const struct fblock *fb, int i)
{
	for (int j = fb->n_rows - 1; j > i; j--)
		if (fb->rows[j - 1].break_after)
			return j;
	return -1;
}

/* A new page for fb; a table row's repeats the table's header. */
static int new_page_for(struct lay *L, const struct fblock *fb,
                        const struct fblock *header)
{
	if (new_page(L))
		return -1;
	if (fb->table_row && !fb->header && header && place_header(L, header))
		return -1;
	return 0;
}

static int place(struct lay *L, struct fblock *fbs, int n, int k,
                 const struct fblock *header)
{
	struct fblock *fb = &fbs[k];
	int i = 0, reset = 0;
	int fresh = 0;      /* the page holds only a repeated table header */

	if (fb->n_rows == 0) {
		if (L->y > 0)
			L->y += fb->space_before;
		return 0;
	}
	if (L->y > 0)
		L->y += fb->space_before;
	if (fb->keep_with_next && L->y > 0 &&
	    L->y + rows_height(fb, 0, fb->n_rows) + fb->space_after +
	    kept_height(fbs, n, k) > L->body_h &&
	    new_page(L))
		return -1;
	while (i < fb->n_rows) {
		int fit = 0, j = -1;
		double h = 0;
		while (i + fit < fb->n_rows &&
		       L->y + h + fb->rows[i + fit].height <= L->body_h + 1e-6) {
			h += fb->rows[i + fit].height;
			fit++;
		}
		if (i + fit == fb->n_rows) {
			j = fb->n_rows;
			/* the text before the signatures: when they must go to
			 * the next page, its last lines go with them */
			if (fb->keep_tail && L->y + h + fb->space_after +
			    kept_height(fbs, n, k) > L->body_h + 1e-6) {
				j = tail_break(fb, i);
				if (j < 0 && L->y > 0) {
					if (new_page(L))
						return -1;
					continue;
				}
				if (j < 0)
					j = fb->n_rows;
			}
		} else {
			for (int k = i + fit; k > i; k--)
				if (fb->rows[k - 1].break_after) {
					j = k;
					break;
				}
			/* no hyphenated word across pages when one of the two
			 * lines before may end the page instead */
			for (int k = j - 1; j > 0 && fb->rows[j - 1].hyphen &&
			     k >= j - 2 && k > i; k--)
				if (fb->rows[k - 1].break_after &&
				    !fb->rows[k - 1].hyphen) {
					j = k;
					break;
				}
			/* else, when the block starts on this page, set it again
			 * with no hyphen on that line (once) */
			if (i == 0 && j > 0 && fb->rows[j - 1].hyphen && !reset) {
				int rc = reset_without_hyphen(L, fb, j);
				if (rc < 0)
					return -1;
				reset = 1;
				if (rc > 0)
					continue;
			}
			if (j < 0 && L->y > 0 && !fresh) {
				if (new_page_for(L, fb, header))
					return -1;
				fresh = 1;
				continue;
			}
			if (j < 0)      /* not even a fresh page holds it: split */
				j = i + (fit > 0 ? fit : 1);
		}
		for (; i < j; i++)
			if (place_row(L, fb, i))
				return -1;
		fresh = 0;
		if (i < fb->n_rows) {
			if (new_page_for(L, fb, header))
				return -1;
			fresh = 1;
		}
	}
	L->y += fb->space_after;
	return 0;
}

/* ---- footer ------------------------------------------------------------ */

/* n in the digits of the language (CLDR's default numbering system, via
 * ICU), no grouping; ASCII digits when ICU has nothing better. */
static void format_number(UNumberFormat *nf, int n, char *out, size_t size)
{
	UChar buf[32];
	UErrorCode st = U_ZERO_ERROR;
	int32_t len;

	if (nf != NULL) {
		len = unum_format(nf, n, buf, 32, NULL, &st);
		if (U_SUCCESS(st) && len > 0) {
			u_strToUTF8(out, (int32_t)size, NULL, buf, len, &st);
			if (U_SUCCESS(st) && st != U_STRING_NOT_TERMINATED_WARNING)
				return;
		}
	}
	snprintf(out, size, "%d", n);
}

/* fmt with every {page} and {pages} replaced by the numbers nf formats;
 * malloc'd (the caller frees it), or NULL out of memory. */
static char *page_label(UNumberFormat *nf, const char *fmt, int page,
                        int pages)
{
	char num[2][64];
	size_t cap = 0, n = 0;
	char *out = array_reserve(NULL, 1, 0, strlen(fmt) + 160, &cap);

	if (out == NULL)
		return NULL;
	format_number(nf, page, num[0], sizeof num[0]);
	format_number(nf, pages, num[1], sizeof num[1]);
	for (const char *p = fmt; *p;) {
		const char *piece = p;
		size_t len = 1;
		char *q;
		if (strncmp(p, "{pages}", 7) == 0) {
			piece = num[1];
			len = strlen(piece);
			p += 7;
		} else if (strncmp(p, "{page}", 6) == 0) {
			piece = num[0];
			len = strlen(piece);
			p += 6;
		} else {
			p++;
		}
		/* room for the piece and the closing NUL */
		if ((q = array_reserve(out, 1, n, len + 1, &cap)) == NULL) {
			free(out);
			return NULL;
		}
		out = q;
		memcpy(out + n, piece, len);
		n += len;
	}
	out[n] = '\0';
	return out;
}

#define FOOT_LEFT_W  (TEXT_W * 0.62)
#define FOOT_RIGHT_W (TEXT_W * 0.34)

static const char *page_format(const struct doc *d)
{
	return d->page_format && d->page_format[0] ? d->page_format :
	       "{page} / {pages}";
}

/* Lines of the footer: the larger of the left text and a wide page label. */
static int footer_lines(struct lay *L, int *lines)
{
	struct para left = { 0 }, right = { 0 };
	char *sample = page_label(L->nf, page_format(L->d), 8888, 8888);
	int rc = -1;

	if (sample == NULL)
		return err_set(L->e, "out of memory");
	if (set_para(L, L->d->footer, NULL, FACE_REGULAR, FOOT_SIZE, FOOT_LEFT_W,
	             ALIGN_START, 0, &left) ||
	    set_para(L, sample, NULL, FACE_REGULAR, FOOT_SIZE, FOOT_RIGHT_W,
	             ALIGN_START, 0, &right))
		goto cleanup;
	*lines = left.n_lines > right.n_lines ? left.n_lines : right.n_lines;
	if (*lines < 1)
		*lines = 1;
	rc = 0;
cleanup:
	free(sample);
	para_clear(&left);
	para_clear(&right);
	return rc;
}

/* Draws a set paragraph's lines downwards from `top` (page coordinates),
 * each line flush right in [x, x+w) when `flush_right`, else flush left
 * (whatever the paragraph's own direction). */
static int draw_lines(struct lay *L, struct page *pg, struct para *p,
                      double x, double w, double top, int flush_right)
{
	for (int i = 0; i < p->n_lines; i++) {
		struct para_line *ln = &p->lines[i];
		double shift = flush_right ? w - ln->right : -ln->left;
		double y = top - i * FOOT_LEAD - baseline(FOOT_LEAD, FOOT_SIZE);
		if (ln->n_pieces == 0)
			shift = 0;
		for (int k = 0; k < ln->n_pieces; k++) {
			struct para_piece *pc = &ln->pieces[k];
			if (page_add_run(pg, pc->font, FOOT_SIZE, x + shift + pc->x, y,
			                 pc->width, pc->text, strlen(pc->text)))
				return err_set(L->e, "out of memory");
		}
	}
	return 0;
}

static int add_footers(struct lay *L, int lines)
{
	double top = MARGIN + lines * FOOT_LEAD;
	struct para left = { 0 };
	int rc = -1;

	if (set_para(L, L->d->footer, NULL, FACE_REGULAR, FOOT_SIZE, FOOT_LEFT_W,
	             ALIGN_START, 0, &left))
		return -1;
	for (int p = 0; p < L->out->n_pages; p++) {
		struct page *pg = &L->out->pages[p];
		struct para right = { 0 };
		char *label = page_label(L->nf, page_format(L->d), p + 1,
		                         L->out->n_pages);
		int bad;
		if (label == NULL) {
			err_set(L->e, "out of memory");
			goto cleanup;
		}
		bad = set_para(L, label, NULL, FACE_REGULAR, FOOT_SIZE, FOOT_RIGHT_W,
		               ALIGN_START, 0, &right);
		free(label);
		if (bad)
			goto cleanup;
		/* mirrored in RTL: the reference flush right, the page
		 * label flush left */
		bad = draw_lines(L, pg, &left, col_x(L, MARGIN, FOOT_LEFT_W),
		                 FOOT_LEFT_W, top, L->rtl) ||
		      draw_lines(L, pg, &right,
		                 col_x(L, MARGIN + TEXT_W - FOOT_RIGHT_W, FOOT_RIGHT_W),
		                 FOOT_RIGHT_W, top, !L->rtl) ||
		      page_add_rule(pg, MARGIN, top + FOOT_GAP / 2, MARGIN + TEXT_W,
		                    top + FOOT_GAP / 2, 0.4);
		para_clear(&right);
		if (bad) {
			err_set(L->e, "out of memory");
			goto cleanup;
		}
	}
	rc = 0;
cleanup:
	para_clear(&left);
	return rc;
}

/* ---- the stage ---------------------------------------------------------- */

/* A decimal format without grouping for the language, or NULL. */
static UNumberFormat *open_number_format(const char *lang)
{
	char locale[64];
	UErrorCode st = U_ZERO_ERROR;
	UNumberFormat *nf;

	(void)langtag_icu_locale(lang, locale, sizeof locale);
	nf = unum_open(UNUM_DECIMAL, NULL, 0, locale, NULL, &st);
	if (U_FAILURE(st))
		return NULL;
	unum_setAttribute(nf, UNUM_GROUPING_USED, 0);
	return nf;
}

int layout_doc(const struct doc *d, const struct fontset *fs,
               struct pages *out, struct err *e)
{
	struct lay L = { .d = d, .fs = fs, .e = e, .out = out };
	struct fblock *fbs = NULL;
	int n = 0, lines = 1, rc = -1, header = -1;

	memset(out, 0, sizeof *out);
	out->width = PAGE_W;
	out->height = PAGE_H;
	L.rtl = bidi_lang_rtl(d->lang);
	L.nf = open_number_format(d->lang);
	if (footer_lines(&L, &lines))
		goto cleanup;
	L.body_h = PAGE_H - 2 * MARGIN - lines * FOOT_LEAD - FOOT_GAP;
	/* Every block is set first, so that placing one can look ahead. */
	fbs = calloc((size_t)d->n_blocks + 1, sizeof *fbs);
	if (fbs == NULL) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	for (int k = 0; k < d->n_blocks; n++) {
		int used = fmt_block(&L, k, &fbs[n]);
		if (used < 0)
			goto cleanup;
		fbs[n].block = k;
		k += used;
	}
	mark_tails(fbs, n);
	if (new_page(&L))
		goto cleanup;
	for (int k = 0; k < n; k++) {
		if (!fbs[k].table_row && fbs[k].n_rows > 0)
			header = -1;
		if (place(&L, fbs, n, k, header >= 0 ? &fbs[header] : NULL))
			goto cleanup;
		if (fbs[k].table_row && fbs[k].header)
			header = k;
	}
	if (add_footers(&L, lines))
		goto cleanup;
	rc = 0;
cleanup:
	for (int k = 0; fbs != NULL && k <= n && k <= d->n_blocks; k++)
		fblock_clear(&fbs[k]);  /* k == n: a block being set */
	free(fbs);
	if (L.nf != NULL)
		unum_close(L.nf);
	if (rc)
		pages_clear(out);
	return rc;
}
