/* form.h — the declarative document layouts in forms/, one .xml per
 * document kind: its blocks and the catalogue messages and record fields
 * they show. Loaded and validated against forms/form.xsd once per run
 * into an immutable set, read by compose.c from any thread. */
#ifndef PACTDOC_FORM_H
#define PACTDOC_FORM_H

#include "catalog.h"
#include "err.h"
#include "record.h"

#define FORM_NS "urn:pactdoc:form:1"

/* A reference to a catalogue message: "unit" in the form's own file, or
 * "file:unit" (e.g. "common:label.organisation"). */
struct form_msg {
	char *file;     /* NULL when the reference is absent */
	char *unit;
};

enum form_block_kind {
	FB_TITLE,
	FB_SUBTITLE,
	FB_HEADING,
	FB_PARAGRAPH,
	FB_ITEM,        /* one list item from `text` */
	FB_ITEMS,       /* a list: `series`1, `series`2 ... as en has them */
	FB_FIELD,       /* label + record field; omitted when the value is empty */
	FB_OFFERS,      /* the applicant's support offers; omitted when none */
	FB_SIGNATURE,
	FB_SPACE,
	FB_DOCUMENTS    /* cover sheet: a table of the package's documents */
};

enum form_marker {
	FM_NUMBER,      /* "1.", "2." ... counted within a run of items */
	FM_BULLET       /* "•" */
};

/* A line under a signature heading: "label: value", or the value alone. */
struct form_line {
	struct form_msg label;  /* optional */
	char *field;            /* record field path; NULL: always a blank */
	int keep_blank;         /* when the value is empty: a blank to fill in
	                           by hand instead of omitting the line */
	int rule;               /* with keep_blank: the blank is a drawn
	                           line to write on (empty="rule") */
};

struct form_block {
	enum form_block_kind kind;
	struct form_msg text;   /* TITLE..ITEM, OFFERS: its heading (optional),
	                           SIGNATURE: its heading */
	struct form_msg label;  /* FIELD */
	char *field;            /* FIELD: record field path */
	char *series;           /* ITEMS: unit id prefix, e.g. "commitment." */
	enum form_marker marker;/* ITEM, ITEMS */
	int bold;               /* PARAGRAPH */
	char *sig_field;        /* SIGNATURE: PDF field name */
	struct form_msg tooltip;/* SIGNATURE */
	struct form_msg caption;/* SIGNATURE: under the signing line (optional) */
	struct form_line *lines;/* SIGNATURE */
	int n_lines;
	double space;           /* SPACE, points */
	unsigned roles;         /* bit 1 << role for each role the block is
	                           shown to; 0: every role of the form */
	struct form_msg cols[5];/* DOCUMENTS: column headings (id, organisation,
	                           document, pages, sha256) */
};

/* Whether block b is shown in a document for role r. */
int form_block_for_role(const struct form_block *b, enum role r);

/* One subject part: a message or a record field. */
struct form_part {
	struct form_msg msg;
	char *field;
};

struct form {
	char *id;               /* "coordinator-declaration" */
	char *kind;             /* "declaration", "agreement" (names output files) */
	char *catalogue;        /* the catalogue file id of its own messages */
	int order;              /* documents of a role are made in this order */
	int cover;              /* purpose="countersign-cover": the cover sheet
	                           of a countersigning package; no roles */
	char *countersign_folder;  /* its documents go into the countersigning
	                           package, in this folder; NULL: they do not */
	enum role roles[4];
	int n_roles;
	struct form_msg title;          /* PDF title and document title */
	struct form_part *subject;      /* joined with " — " */
	int n_subject;
	struct form_msg footer;         /* left footer text */
	struct form_msg page;           /* "Page {page} of {pages}" */
	struct form_block *blocks;
	int n_blocks;
	char *path;             /* the file it came from */
};

struct form_set;

/* Loads every *.xml in dir, each validated against schema_path (an XSD,
 * normally forms/form.xsd) and checked for rules XSD cannot say (unique
 * ids, one form per role and kind, roles on every record form and none
 * on the one cover form). Field paths are checked by the XSD alone (its
 * f:field enumeration), not in C. Returns the set,
 * freed by form_set_free, or NULL with e set ("path:line: message"). */
struct form_set *form_set_load(const char *dir, const char *schema_path,
                               struct err *e);

/* Frees the set; accepts NULL. */
void form_set_free(struct form_set *s);

int form_set_count(const struct form_set *s);
const struct form *form_set_get(const struct form_set *s, int i);

/* The form with this id, or NULL. */
const struct form *form_set_find(const struct form_set *s, const char *id);

/* The countersigning cover sheet's form (purpose="countersign-cover"),
 * or NULL when the set has none. */
const struct form *form_set_cover(const struct form_set *s);

/* The forms for role r, by `order` then id, into out (at most max).
 * Returns how many there are (may exceed max). Thread-safe. */
int form_set_for_role(const struct form_set *s, enum role r,
                      const struct form **out, int max);

/* Checks that every message form f references exists in the base (en)
 * catalogue and that each ITEMS series has at least one unit. Returns 0,
 * or -1 with e naming the first missing message. */
int form_check_messages(const struct form *f, const struct catalog *c,
                        struct err *e);


#endif
