/* rules.h — the contract rules an XML Schema 1.0 cannot say: ids unique in
 * a run, a countersignatory's positions one per language, eligibility
 * required for eligible records, the category allowed
 * for the role, well-formed BCP 47 tags, assigned country codes, real
 * dates, characters a record may not hold, characters no shipped font
 * can draw, a bound on the length of the support offers. */
#ifndef PACTDOC_RULES_H
#define PACTDOC_RULES_H

#include "diag.h"
#include "fontset.h"
#include "record.h"

/* The most characters all support offers of one record may have
 * together (one offer: the schema's maxLength, 100,000). With
 * RULES_OFFERS_MAX, this bounds one document's pages, time and memory
 * (README, "Checking records"). */
#define RULES_OFFERS_MAX_CHARS 200000

/* The most support offers one record may make. */
#define RULES_OFFERS_MAX 100

/* Checks one record (already through the schema); appends diagnostics at
 * the record's position to out. */
void rules_check_record(const struct record *r, struct diag_list *out);

/* Checks the file's <countersignatory> (read into b, its start tag on
 * `line` of `file`): a name, at least one position, at most one position
 * per xml:lang (compared case-insensitively) and one without, which is
 * required as soon as any has a language; tags well-formed. Appends
 * diagnostics (rules "countersignatory", "position-lang", "lang"). */
void rules_check_countersignatory(const struct batch *b, const char *file,
                                  int line, struct diag_list *out);

/* The glyph rule: appends a diagnostic for each text of the record, and
 * of its batch b (may be NULL), that holds a character no font of fs can
 * draw in the regular or the bold face. */
void rules_check_glyphs(const struct fontset *fs, const struct record *r,
                        const struct batch *b, struct diag_list *out);

/* The longest language tag a record may have (RFC 5646 sets no bound;
 * the longest registered tags have about 30 characters). */
#define RULES_LANG_MAX 64

/* Whether tag is a well-formed BCP 47 language tag (ICU's parser) of at
 * most RULES_LANG_MAX characters. */
int rules_lang_ok(const char *tag);

/* Whether cc is an assigned ISO 3166-1 alpha-2 code. */
int rules_country_ok(const char *cc);

/* Whether category is one the role may have. */
int rules_category_ok(enum role role, const char *category);


/* The ids seen in a run, with where each was first seen. */
struct idset;

struct idset *idset_new(void);
void idset_free(struct idset *s);

/* Adds id seen at file:line. Returns 1 if added, 0 if already present
 * (then *first_file and *first_line say where), -1 on out of memory. */
int idset_add(struct idset *s, const char *id, const char *file, int line,
              const char **first_file, int *first_line);

#endif
