/* diag.h — diagnostics: one problem found in an input, with its place,
 * severity and rule. Collected in lists; printed only by the commands as
 * "FILE:LINE:COL: error: MESSAGE [rule]". Every rule is one row of the
 * catalogue in diag.c (its name, severity and what it checks), in the
 * manner of mandoc's mandoc_msg.c; README's rule table is checked against
 * it by tests/unit/test_diag.c. Adding a rule: one enum line here, one row
 * in diag.c's table, one row in README's table. */
#ifndef PACTDOC_DIAG_H
#define PACTDOC_DIAG_H

#include <stdio.h>

/* Ordered: a later severity is worse. The run's exit status is that of
 * the worst severity reported (diag_exit_status). */
enum severity {
	SEV_WARNING,   /* reported; the record is still produced (exit 0) */
	SEV_ERROR,     /* the record (or file) is rejected (exit 1) */
	SEV_FAILURE    /* an input cannot be used at all (exit 2); printed as
	                  "error" */
};

/* The rules, one per name printed in brackets. Order is free: diag.c's
 * table is indexed by these values. */
enum diag_rule {
	RULE_INPUT,                 /* input */
	RULE_IO,                    /* io */
	RULE_MEMORY,                /* memory */
	RULE_NOT_WELL_FORMED,       /* not-well-formed */
	RULE_DOCTYPE,               /* doctype */
	RULE_TEXT_SIZE,             /* text-size */
	RULE_READ,                  /* read */
	RULE_ROOT,                  /* root */
	RULE_SCHEMA,                /* schema */
	RULE_ID,                    /* id */
	RULE_ID_UNIQUE,             /* id-unique */
	RULE_ROLE,                  /* role */
	RULE_STATUS,                /* status */
	RULE_LANG,                  /* lang */
	RULE_CATEGORY,              /* category */
	RULE_COUNTRY,               /* country */
	RULE_EMAIL,                 /* email */
	RULE_DATE,                  /* date */
	RULE_BATCH,                 /* batch */
	RULE_ELIGIBILITY_REQUIRED,  /* eligibility-required */
	RULE_TEXT_CONTROL,          /* text-control */
	RULE_UTF8,                  /* utf8 */
	RULE_OFFER_KIND,            /* offer-kind */
	RULE_OFFER_LENGTH,          /* offer-length */
	RULE_OFFERS_COUNT,          /* offers-count */
	RULE_OFFERS_TOTAL,          /* offers-total */
	RULE_SUPPORT_ROLE,          /* support-role */
	RULE_GLYPH,                 /* glyph */
	RULE_COUNTERSIGNATORY,      /* countersignatory */
	RULE_POSITION_LANG,         /* position-lang */
	RULE_UNREVIEWED,            /* unreviewed */
	RULE__COUNT                 /* not a rule: how many there are */
};

struct diag {
	char *file;
	int line;
	int col;
	enum diag_rule id;
	enum severity severity;  /* the rule's, from the catalogue */
	const char *rule;   /* the rule's name (static): id, lang, schema ... */
	char *message;      /* human-readable, safe to print (no control chars) */
};

struct diag_list {
	struct diag *items;
	int n;
	int cap;
	int errors;         /* how many have SEV_ERROR or worse */
};

/* The catalogue: the rule's name ("not-well-formed"), severity, and a
 * sentence saying what it checks (for README and --help texts). r must
 * be a rule (< RULE__COUNT). The strings are static. */
const char *diag_rule_name(enum diag_rule r);
enum severity diag_rule_severity(enum diag_rule r);
const char *diag_rule_summary(enum diag_rule r);

/* Appends a diagnostic of rule r, with the rule's severity; the message
 * (printf format and arguments, the specific words for this place) is
 * formatted and made printable. Returns 0, or -1 when out of memory (the
 * diagnostic is lost). */
int diag_add(struct diag_list *l, const char *file, int line, int col,
             enum diag_rule r, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* The exit status the worst diagnostic of l calls for: 0 for none or
 * warnings only, 1 when one is an error, 2 when one is a failure. */
int diag_exit_status(const struct diag_list *l);

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
