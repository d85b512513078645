/* verify.h — checks a pactdoc ZIP without extracting it: a BagIt bundle
 * (TOP/bagit.txt) or a package (TOP/manifest-sha256.txt). Every manifest
 * entry present with the right digest, nothing extra, safe entry names,
 * Payload-Oxum and tag manifests right; only regular files (and directory
 * entries) allowed. Memory and output stay bounded: entries and manifests
 * are streamed, the decompressed sizes are checked against the compressed
 * ones before anything is read, and the problems shown are capped. */
#ifndef PACTDOC_VERIFY_H
#define PACTDOC_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Receives each problem found: `entry` is the entry's name (control
 * characters shown as \xNN), or NULL for the archive as a whole. */
typedef void (*verify_problem_fn)(void *ctx, const char *entry,
                                  const char *problem);

struct verify_limits {
	uint64_t max_entries;       /* more entries: refused unread */
	uint64_t max_ratio;         /* uncompressed <= ratio * compressed, for
	                               each entry over 1 MiB and for the whole
	                               archive (+ 1 MiB): else refused unread */
	uint64_t max_manifest_bytes;/* largest manifest, streamed line by line */
	uint64_t max_tag_bytes;     /* largest bagit.txt or bag-info.txt,
	                               read whole */
	int max_problems;           /* problems passed to the callback; the
	                               rest are counted, then summed up in one
	                               last call */
};

/* The defaults: 200,000 entries, ratio 200 (records and reports deflate
 * about 10:1, PDFs are stored), 64 MiB manifests (a 200,000-entry
 * SHA-512 manifest is about 45 MB), 1 MiB bagit.txt and bag-info.txt,
 * 100 problems shown. */
extern const struct verify_limits verify_default_limits;

/* What was checked, for the caller's summary. */
struct verify_summary {
	int kind;                   /* 0 unknown, 1 bag, 2 package */
	uint64_t entries;
	uint64_t payload_files;
	uint64_t payload_bytes;
};

/* Checks the ZIP at path, calling problem() once per problem (at most
 * lim->max_problems times, then once more with entry NULL and "N more
 * problems not shown"). lim NULL means the defaults. Returns the
 * number of problems (0 when intact, all of them counted), or -1 with e
 * set when the file cannot be read at all (missing, unreadable).
 * Thread-safe. */
int verify_zip(const char *path, const struct verify_limits *lim,
               verify_problem_fn problem, void *ctx,
               struct verify_summary *sum, struct err *e);

/* The same for an archive held in memory (data, len bytes, only read;
 * it must outlive the call). */
int verify_zip_mem(const void *data, size_t len,
                   const struct verify_limits *lim,
                   verify_problem_fn problem, void *ctx,
                   struct verify_summary *sum, struct err *e);

#endif
