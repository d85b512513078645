/* verify.h — checks a pactdoc ZIP without extracting it: a BagIt bundle
 * (TOP/bagit.txt) or a package (TOP/manifest-sha256.txt). Every manifest
 * entry present with the right digest, nothing extra, safe entry names,
 * Payload-Oxum and tag manifests right. Memory stays bounded: entries are
 * streamed through the digests, and the decompressed total is capped. */
#ifndef PACTDOC_VERIFY_H
#define PACTDOC_VERIFY_H

#include <stdint.h>

#include "err.h"

/* Receives each problem found: `entry` is the entry's name (control
 * characters shown as \xNN), or NULL for the archive as a whole. */
typedef void (*verify_problem_fn)(void *ctx, const char *entry,
                                  const char *problem);

struct verify_limits {
	uint64_t max_entries;       /* more entries: refused unread */
	uint64_t max_ratio;         /* decompressed total <= ratio * file size */
	uint64_t max_tag_bytes;     /* largest manifest or tag file read */
};

/* The defaults: 200,000 entries, ratio 1100 (deflate cannot exceed about
 * 1032:1 without overlapping entries), 256 MiB tag files. */
extern const struct verify_limits verify_default_limits;

/* What was checked, for the caller's summary. */
struct verify_summary {
	int kind;                   /* 0 unknown, 1 bag, 2 package */
	uint64_t entries;
	uint64_t payload_files;
	uint64_t payload_bytes;
};

/* Checks the ZIP at path, calling problem() once per problem. Returns the
 * number of problems (0 when intact), or -1 with e set when the file
 * cannot be read at all (missing, unreadable). Thread-safe. */
int verify_zip(const char *path, const struct verify_limits *lim,
               verify_problem_fn problem, void *ctx,
               struct verify_summary *sum, struct err *e);

#endif
