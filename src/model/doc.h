/* doc.h — the abstract document: styled blocks of text composed from a
 * form, a catalogue and a record (compose.c), which the layout stage turns
 * into pages (layout.h). All text is NFC UTF-8 in logical order. */
#ifndef PACTDOC_DOC_H
#define PACTDOC_DOC_H

#include <stddef.h>

enum block_kind {
	BLOCK_TITLE,      /* large, bold, centred */
	BLOCK_SUBTITLE,   /* centred, regular */
	BLOCK_HEADING,    /* bold section heading; kept with the block after it */
	BLOCK_PARAGRAPH,  /* justified, hyphenated body text */
	BLOCK_ITEM,       /* list item: `label` ("1.", "•") hanging, `text` justified */
	BLOCK_FIELD,      /* applicant detail: `label` in a left column, `text` right */
	BLOCK_TABLE_ROW,  /* cover sheet table row: `cells`, widths in `col_widths` */
	BLOCK_SIGNATURE,  /* never split: heading, lines, an empty signature box */
	BLOCK_SPACE       /* vertical space of `space` points */
};

/* A byte range of `text` that must not be hyphenated (a name, an e-mail
 * address, a URL): it may break only at safe points, or by character as a
 * last resort when it cannot fit on a line. */
struct span {
	size_t start;
	size_t end;
};

struct signature {
	char *heading;      /* the party: "For the applicant" */
	char **lines;       /* organisation, "Name: …", "Position: …",
	                     * "Place: Cēsis" when the record gives it */
	int n_lines;
	char **blanks;      /* labels of the lines the signer fills in by
	                     * hand ("Place", "Date"): drawn as the label and
	                     * a rule to write on, after `lines` */
	int n_blanks;
	char *caption;      /* under the signing line ("Signature"); may be NULL */
	char *field_name;   /* PDF field name: applicant_signature, ... */
	char *tooltip;      /* localised /TU of the field */
};

struct block {
	enum block_kind kind;
	char *text;                 /* PARAGRAPH, ITEM, FIELD, TITLE, ... */
	char *label;                /* ITEM marker, FIELD label */
	struct span *nohyph;        /* ranges of text; may be NULL */
	int n_nohyph;
	int bold;                   /* PARAGRAPH/ITEM/FIELD text in bold */
	int keep_with_next;         /* PARAGRAPH: kept on the page of the first
	                             * lines of the next block, like a heading
	                             * (a bold label over its text) */
	char **cells;               /* TABLE_ROW */
	int n_cells;
	const double *col_widths;   /* TABLE_ROW: fractions of the text width */
	int header;                 /* TABLE_ROW: a header row, repeated on new pages */
	int span_last;              /* TABLE_ROW: the last cell is not a column
	                             * but a line of its own under the others,
	                             * across the row, smaller and unbroken (the
	                             * cover sheet's SHA-256); col_widths has
	                             * n_cells - 1 entries */
	struct signature sig;       /* SIGNATURE */
	double space;               /* SPACE */
};

struct doc {
	char *lang;          /* language of the text (BCP 47): hyphenation, bidi base */
	char *footer;        /* left of the footer: the document reference */
	char *page_format;   /* "Page {page} of {pages}" in the document's language */

	/* PDF metadata (Info dictionary and catalog /Lang). */
	char *title;
	char *author;
	char *subject;

	struct block *blocks;
	int n_blocks;
	int cap_blocks;
};

/* Appends a zeroed block of `kind` and returns it, or NULL when out of
 * memory. The pointer is valid until the next doc_add_block. */
struct block *doc_add_block(struct doc *d, enum block_kind kind);

/* Frees everything the doc owns (all strings are owned) and zeroes it. */
void doc_clear(struct doc *d);

#endif
