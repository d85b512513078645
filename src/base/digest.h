/* digest.h — SHA-256 and SHA-512 with OpenSSL's libcrypto, as hex. */
#ifndef PACTDOC_DIGEST_H
#define PACTDOC_DIGEST_H

#include <stddef.h>

#include "err.h"

enum digest_alg {
	DIGEST_SHA256,
	DIGEST_SHA512
};

/* Hex digest of a buffer into hex (65 bytes for SHA-256, 129 for SHA-512,
 * NUL-terminated). Returns 0, or -1 with e set. */
int digest_buffer(enum digest_alg alg, const void *data, size_t len,
                  char *hex, struct err *e);

/* Hex digest of a file's contents; *size receives its length if not NULL. */
int digest_file(enum digest_alg alg, const char *path, char *hex,
                size_t *size, struct err *e);

#endif
