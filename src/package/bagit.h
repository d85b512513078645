/* bagit.h — the archivists' dated bundle: a BagIt bag (RFC 8493) of
 * documents, records and run reports, serialised as one deterministic ZIP
 * named after its top folder (pactdoc-DATE.zip holding pactdoc-DATE/). */
#ifndef PACTDOC_BAGIT_H
#define PACTDOC_BAGIT_H

#include <stddef.h>

#include "err.h"

/* Where each input goes under data/ (by extension, case-insensitive):
 *   *.pdf  -> data/documents/REL
 *   *.xml  -> data/records/REL
 *   *.json -> data/reports/REL
 * REL is the file's path below the directory PATH named on the command
 * line, or its base name when PATH is the file itself. Other files,
 * hidden files and directories (names starting with '.') and symbolic
 * links found while walking a directory are left out. */

struct bag_options {
	const char *outdir;          /* where the ZIP goes (created if needed) */
	const char *date;            /* YYYY-MM-DD: name, Bagging-Date, ZIP times */
	const char *organization;    /* Source-Organization */
	const char *software_agent;  /* Bag-Software-Agent, "pactdoc 0.1.0" */
	size_t max_files;            /* refuse more payload files; 0: no limit */
};

struct bag_result {
	char path[4096];             /* the ZIP written */
	char name[64];               /* its top folder, pactdoc-DATE[-N] */
	int number;                  /* 1 for pactdoc-DATE, N for -N */
	size_t files;                /* payload files */
	unsigned long long bytes;    /* payload bytes */
};

/* Bags every document, record and report under paths[0..n-1] into
 * OUTDIR/pactdoc-DATE.zip. An existing bundle is never replaced: the next
 * free number is used (pactdoc-DATE-2.zip holding pactdoc-DATE-2/, ...),
 * and res->number says which. Returns 0, or -1 with e set (nothing is left
 * behind on failure): no payload file found, a file name with control
 * characters or backslashes or invalid UTF-8, two inputs that map to the
 * same data/ path, an unreadable file, more than max_files files. */
int bagit_write(const struct bag_options *opt, char *const *paths,
                int n_paths, struct bag_result *res, struct err *e);

/* A manifest path with CR, LF and '%' percent-encoded (RFC 8493 2.1.3).
 * Returns a string the caller frees, or NULL when out of memory. */
char *bagit_encode_path(const char *path);

/* The inverse: %0D, %0A and %25 (any case) decoded, everything else kept.
 * Returns a string the caller frees, or NULL when out of memory. */
char *bagit_decode_path(const char *path);

#endif
