/* record.h — the validated in-memory model of one application record.
 * The reader fills it (all text NFC-normalised UTF-8); later stages only
 * read it. One record is held at a time; record_free releases everything. */
#ifndef PACTDOC_RECORD_H
#define PACTDOC_RECORD_H

#include <stddef.h>

enum role {
	ROLE_NONE = 0,
	ROLE_COORDINATOR,
	ROLE_NATIONAL_COORDINATOR,
	ROLE_SUPPORTER,
	ROLE_ASSOCIATED_PARTNER
};

enum status {
	STATUS_NONE = 0,
	STATUS_RECEIVED,
	STATUS_ELIGIBLE,
	STATUS_REJECTED,
	STATUS_WITHDRAWN
};

#define RECORD_MAX_ADDRESS_LINES 4

struct person {
	char *name;
	char *position;     /* signatory, countersignatory */
	char *email;        /* signatory, contact */
	char *phone;        /* contact */
};

struct offer {
	char *kind;         /* technical, financial, strategic, capacity-building, other */
	char *text;
};

struct record {
	/* Where it came from, for diagnostics and the run report. */
	const char *file;   /* borrowed from the run */
	int line;
	int col;

	char *id;
	enum role role;
	char *lang;         /* BCP 47 tag as written */
	enum status status;

	char *org_name;
	char *org_acronym;  /* NULL when absent */
	char *org_category;
	char *org_country;  /* ISO 3166-1 alpha-2 */
	char *address[RECORD_MAX_ADDRESS_LINES];
	int n_address;
	char *postcode;     /* NULL when absent */
	char *city;
	char *website;      /* NULL when absent */

	struct person signatory;
	struct person contact;          /* all NULL when absent */
	int has_contact;

	char *eligibility_confirmed;    /* YYYY-MM-DD, NULL when absent */
	char *eligibility_reference;

	struct offer *offers;
	int n_offers;

	char *signing_place;            /* NULL when absent */
};

/* A countersignatory's <position>, in file order; with xml:lang="TAG" it
 * is for documents in TAG, without (lang NULL) it is the default. */
struct lang_text {
	char *lang;                     /* the xml:lang tag as written, or NULL */
	char *text;
	int line;                       /* where it is in the file */
};

/* What the file says about the whole batch (the <applications> element). */
struct batch {
	char *name;                     /* batch attribute, NULL if absent */
	char *exported;                 /* exported attribute, NULL if absent */
	struct person countersignatory; /* NULLs when absent; .position is the
	                                   untagged (default) position */
	int has_countersignatory;
	struct lang_text *positions;    /* every <position>, in file order */
	int n_positions;
};

const char *role_name(enum role r);          /* "coordinator" ... */
enum role role_from_name(const char *s);     /* ROLE_NONE if unknown */
const char *status_name(enum status s);
enum status status_from_name(const char *s);

/* Whether the role gets an agreement form besides its declaration. */
int role_has_agreement(enum role r);

/* Frees every field and zeroes the struct; accepts a zeroed record. */
void record_clear(struct record *r);
void batch_clear(struct batch *b);

/* Deep copy of src into dst (zeroed). Returns 0, or -1 out of memory
 * (dst then holds what was copied; batch_clear frees it). */
int batch_copy(struct batch *dst, const struct batch *src);

/* The countersignatory's position for a document in language `tag`: the
 * position whose xml:lang equals tag or, failing that, one of its shorter
 * prefixes (sr-Latn-RS, sr-Latn, sr; case-insensitive), else the untagged
 * one. Returns a string owned by b, or NULL when b names no position. */
const char *batch_position(const struct batch *b, const char *tag);
void person_clear(struct person *p);

#endif
