/* catalog.h — the message catalogues: every locales/<tag>.xlf (XLIFF 2.0)
 * loaded at most once per run (all at once, or each on first use) into a
 * set that never changes once loaded, looked up along the BCP 47
 * fallback chain (sr-Latn-RS -> sr-Latn -> sr -> en). */
#ifndef PACTDOC_CATALOG_H
#define PACTDOC_CATALOG_H

#include "err.h"

/* The language every chain ends in; its catalogue must exist. */
#define CATALOG_BASE_LANG "en"

struct catalog;

/* XLIFF 2.0 segment states, least trusted first. A unit's state is the
 * least of its segments'; a segment without one is `initial` (XLIFF 2.0's
 * default). Only `reviewed` and `final` count as reviewed by a native
 * speaker; en is the source and always counts as final. */
enum catalog_state {
	CATALOG_INITIAL,
	CATALOG_TRANSLATED,
	CATALOG_REVIEWED,
	CATALOG_FINAL
};

/* "initial", "translated", "reviewed", "final" (static). */
const char *catalog_state_name(int state);

/* Loads every *.xlf in dir (parsed safely: no network, no DTD, no
 * entities). The file name gives the language tag and must agree with the
 * file's trgLang (srcLang for en.xlf). Text is NFC-normalised.
 * Returns the set, freed by catalog_free, or NULL with e set (a file that
 * is not well-formed, not XLIFF 2.0, or no en.xlf). */
struct catalog *catalog_load(const char *dir, struct err *e);

/* Like catalog_load, but parses only en.xlf now: every other file is
 * listed (its name checked) and parsed on the first lookup that needs it
 * (any thread), so that a run pays only for the languages its records
 * use. A broken file is then reported by catalog_prepare, not here.
 * Returns the set, freed by catalog_free, or NULL with e set. */
struct catalog *catalog_open(const char *dir, struct err *e);

/* Parses every catalogue the lookup chain of `tag` reads, if not done
 * yet. Returns 0, or -1 with e set to the first broken file's message
 * (then lookups in `tag` would skip that file: the caller must not
 * write a document from them). Thread-safe. */
int catalog_prepare(const struct catalog *c, const char *tag,
                    struct err *e);

/* Frees the set; accepts NULL. */
void catalog_free(struct catalog *c);

/* The catalogue language a document in `tag` is written in: the first of
 * tag, its shorter prefixes (RFC 4647 lookup, case-insensitive) and en
 * that has a catalogue; at each prefix without a catalogue, the alias
 * table in catalog.c is tried (sr -> sr-Cyrl, no -> nb, iw -> he,
 * uz-Cyrl -> en ...). Returns the catalogue's own tag (static in c, e.g.
 * "sr-Latn"), never NULL for a loaded set. Thread-safe. */
const char *catalog_resolve(const struct catalog *c, const char *tag);

/* The tags a lookup of `tag` tries, up to and including the one
 * catalog_resolve picks, joined by " -> " ("sr-Latn-RS -> sr-Latn -> sr
 * -> en"), for reports. Sized from the tag: any length, any number of
 * subtags. Returns a new string (the caller frees it), or NULL when out
 * of memory. Thread-safe. */
char *catalog_chain(const struct catalog *c, const char *tag);

/* The text of unit `unit` of file `file` for language `tag`, trying each
 * language of the chain in turn. When `from` is not NULL it receives the
 * tag of the catalogue the text came from (static in c). Returns the text
 * (owned by c, valid until catalog_free), or NULL when not even en has the
 * unit. Thread-safe. */
const char *catalog_lookup(const struct catalog *c, const char *tag,
                           const char *file, const char *unit,
                           const char **from);

/* Like catalog_lookup; *state (may be NULL) receives the state of the
 * unit found (enum catalog_state; CATALOG_FINAL when it came from en). */
const char *catalog_lookup_state(const struct catalog *c, const char *tag,
                                 const char *file, const char *unit,
                                 const char **from, int *state);

/* Like catalog_lookup but in one catalogue only, with no fallback. */
const char *catalog_get(const struct catalog *c, const char *lang,
                        const char *file, const char *unit);

/* Number of units in `file` of en whose ids start with `prefix` followed
 * by 1, 2, ... without a gap (commitment.1, commitment.2 ... -> N). */
int catalog_series_len(const struct catalog *c, const char *file,
                       const char *prefix);

/* --- listing, for the `locales` command ------------------------------- */

/* Number of languages, and the tag of the i-th in byte order of tags. */
int catalog_n_langs(const struct catalog *c);
const char *catalog_lang(const struct catalog *c, int i);

/* Number of files in en, and the id of the i-th (in the order of en.xlf). */
int catalog_n_files(const struct catalog *c);
const char *catalog_file_id(const struct catalog *c, int i);

/* Completeness of one file of one language: *present receives the number
 * of en's units in `file` that `lang` translates, *total the number of
 * units en has. Returns 0, or -1 when lang or file is unknown. */
int catalog_completeness(const struct catalog *c, const char *lang,
                         const char *file, int *present, int *total);

/* Review of one language over every unit of en: *reviewed receives the
 * number of units it has as reviewed or final (all of them for en), *total
 * the number of units en has. Returns 0, or -1 when lang is unknown. */
int catalog_review(const struct catalog *c, const char *lang, int *reviewed,
                   int *total);

#endif
