/* diag.h — diagnostics: one problem found in an input, with its place,
 * severity and rule. Collected in lists; printed only by the commands as
 * "FILE:LINE:COL: error: MESSAGE [rule]". */
#ifndef PACTDOC_DIAG_H
#define PACTDOC_DIAG_H

#include <stdio.h>

enum severity {
	SEV_WARNING,   /* reported; the record is still produced */
	SEV_ERROR      /* the record (or file) is rejected */
};

struct diag {
	char *file;
	int line;
	int col;
	enum severity severity;
	char rule[32];      /* short stable name: id, lang, schema, not-well-formed ... */
	char *message;      /* human-readable, safe to print (no control chars) */
};

struct diag_list {
	struct diag *items;
	int n;
	int cap;
	int errors;         /* how many have SEV_ERROR */
};

/* Appends a diagnostic; the message is formatted and made printable.
 * Returns 0, or -1 when out of memory (the diagnostic is lost). */
int diag_add(struct diag_list *l, const char *file, int line, int col,
             enum severity sev, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* Moves every diagnostic of src to the end of dst; src is left empty. */
int diag_move(struct diag_list *dst, struct diag_list *src);

void diag_list_clear(struct diag_list *l);

/* Prints one diagnostic as "FILE:LINE:COL: error: MESSAGE [rule]", or as
 * "pactdoc: FILE: error: MESSAGE [rule]" when it has no line (an input
 * that does not exist or cannot be read). */
void diag_print(FILE *f, const struct diag *d);

/* Prints every diagnostic of the list, in order, with diag_print. */
void diag_print_list(FILE *f, const struct diag_list *l);

const char *severity_name(enum severity s);

/* Copies s into buf (size bytes) for printing: control characters,
 * invalid UTF-8 and bidi controls become \xNN or U+XXXX escapes, and long
 * values are cut with "…". Returns buf. */
char *diag_printable(const char *s, char *buf, size_t size);

#endif
