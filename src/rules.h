/* rules.h — the contract rules an XML Schema 1.0 cannot say: ids unique in
 * a run, eligibility required for eligible records, the category allowed
 * for the role, well-formed BCP 47 tags, assigned country codes, real
 * dates, characters a record may not hold. */
#ifndef PACTDOC_RULES_H
#define PACTDOC_RULES_H

#include "diag.h"
#include "record.h"

/* Checks one record (already through the schema); appends diagnostics at
 * the record's position to out. */
void rules_check_record(const struct record *r, struct diag_list *out);

/* Whether tag is a well-formed BCP 47 language tag (ICU's parser). */
int rules_lang_ok(const char *tag);

/* Whether cc is an assigned ISO 3166-1 alpha-2 code. */
int rules_country_ok(const char *cc);

/* Whether category is one the role may have. */
int rules_category_ok(enum role role, const char *category);

/* At most this many characters in all support offers of one record
 * (about 30 pages): what bounds the memory of one document (laying out
 * text costs about 75 bytes a character). More is an error [offer-length]
 * that validate and generate both report. */
#define RULES_MAX_OFFER_CHARS 100000

/* The ids seen in a run, with where each was first seen. */
struct idset;

struct idset *idset_new(void);
void idset_free(struct idset *s);

/* Adds id seen at file:line. Returns 1 if added, 0 if already present
 * (then *first_file and *first_line say where), -1 on out of memory. */
int idset_add(struct idset *s, const char *id, const char *file, int line,
              const char **first_file, int *first_line);

#endif
