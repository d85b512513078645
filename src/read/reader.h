/* reader.h — the record reader: streams the applications of an XML file,
 * checks each against the schema and the contract's rules, and hands each
 * record with its diagnostics to a callback. One record in memory at a
 * time. Safe against hostile input: no network, no external entities, no
 * DTDs, files that are not well-formed rejected whole before any record. */
#ifndef PACTDOC_READER_H
#define PACTDOC_READER_H

#include "diag.h"
#include "err.h"
#include "fontset.h"
#include "record.h"

struct reader;

struct reader_events {
	void *ctx;
	/* Called for each <application>, valid or not: diags holds its
	 * problems (diags->errors > 0: rejected). The callee may take
	 * ownership of the record's fields by copying *r and zeroing it, and
	 * of the diagnostics with diag_move. Return 0 to go on, -1 to stop
	 * the run (a system error, already reported by the callee). */
	int (*on_record)(void *ctx, struct record *r, const struct batch *b,
	                 struct diag_list *diags);
	/* Called once per file after its records, with the problems of the
	 * file itself (not well-formed, wrong root, a bad countersignatory);
	 * diags is empty for a good file. Same return convention. */
	int (*on_file)(void *ctx, const char *path, struct diag_list *diags);
};

/* Compiles the schema at schema_path. fonts (may be NULL: no glyph
 * rule) is borrowed for the glyph rule: a record holding a character no
 * shipped font can draw is rejected here, by validate and generate
 * alike. NULL with e set on failure. */
struct reader *reader_new(const char *schema_path,
                          const struct fontset *fonts, struct err *e);
void reader_free(struct reader *rd);

/* The records stage as a command opens it from the data directory: the
 * fonts of DATADIR/fonts (for the glyph rule) and a reader of the schema
 * DATADIR/schema/records.xsd. Returns the reader, with *fonts set to the
 * fonts it borrows (the caller may share them; it frees the reader, then
 * the fonts); or NULL with e set and *fonts NULL. */
struct reader *reader_open(const char *datadir, struct fontset **fonts,
                           struct err *e);

/* Reads one file. Ids are checked for uniqueness across every file read by
 * the same reader. Returns 0 when the file was read (even if it held bad
 * records: those go to the callbacks), -1 when a callback stopped the run
 * or on a system error (e set). */
int reader_read_file(struct reader *rd, const char *path,
                     const struct reader_events *ev, struct err *e);

/* Reads the n files of files with rd, in order, until one returns -1
 * (to stop between files, on_file returns -1). Returns 0, or -1 as
 * reader_read_file does. */
int reader_read_files(struct reader *rd, char *const *files, int n,
                      const struct reader_events *ev, struct err *e);

/* Forgets the ids read so far, so that the next file is checked as if rd
 * were new (for a caller reading unrelated inputs with one compiled
 * schema, such as the fuzzing harness). Returns 0, or -1 with e set when
 * out of memory (rd then keeps its old ids). */
int reader_forget_ids(struct reader *rd, struct err *e);

/* Counts the <application> elements of a file without validating (for a
 * progress line's total). Returns -1 when the file cannot be read. */
long reader_count(const char *path);

#endif
