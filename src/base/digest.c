/* digest.c — SHA-256 and SHA-512 of buffers and files (see digest.h). */
#include "digest.h"

#include <errno.h>
#include <stdio.h>

#include <openssl/evp.h>

static const EVP_MD *digest_md(enum digest_alg alg)
{
	return alg == DIGEST_SHA512 ? EVP_sha512() : EVP_sha256();
}

static void to_hex(const unsigned char *raw, unsigned len, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (unsigned i = 0; i < len; i++) {
		hex[2 * i] = digits[raw[i] >> 4];
		hex[2 * i + 1] = digits[raw[i] & 15];
	}
	hex[2 * len] = '\0';
}

int digest_buffer(enum digest_alg alg, const void *data, size_t len,
                  char *hex, struct err *e)
{
	unsigned char raw[EVP_MAX_MD_SIZE];
	unsigned raw_len = 0;

	if (!EVP_Digest(data, len, raw, &raw_len, digest_md(alg), NULL))
		return err_set(e, "digest failed");
	to_hex(raw, raw_len, hex);
	return 0;
}

int digest_file(enum digest_alg alg, const char *path, char *hex,
                size_t *size, struct err *e)
{
	unsigned char buf[65536], raw[EVP_MAX_MD_SIZE];
	unsigned raw_len = 0;
	size_t total = 0, n;
	EVP_MD_CTX *ctx = NULL;
	FILE *f = NULL;
	int rc = -1;

	f = fopen(path, "rb");
	if (f == NULL) {
		err_sys(e, "%s", path);
		goto cleanup;
	}
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || !EVP_DigestInit_ex(ctx, digest_md(alg), NULL)) {
		err_set(e, "digest failed");
		goto cleanup;
	}
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		EVP_DigestUpdate(ctx, buf, n);
		total += n;
	}
	if (ferror(f)) {
		err_sys(e, "%s: read", path);
		goto cleanup;
	}
	EVP_DigestFinal_ex(ctx, raw, &raw_len);
	to_hex(raw, raw_len, hex);
	if (size != NULL)
		*size = total;
	rc = 0;
cleanup:
	EVP_MD_CTX_free(ctx);
	if (f != NULL)
		fclose(f);
	return rc;
}
