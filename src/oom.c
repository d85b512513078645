/* oom.c — allocation wrappers for libxml2, ICU and libcrypto that remember
 * a failure in a per-thread flag (see oom.h). */
#include "oom.h"

#include <stdlib.h>
#include <string.h>
#include <libxml/xmlmemory.h>
#include <openssl/crypto.h>
#include <unicode/uclean.h>

static __thread int flag;

void oom_note(void)
{
	flag = 1;
}

int oom_seen(void)
{
	return flag;
}

void oom_clear(void)
{
	flag = 0;
}

static void *note_null(void *p, size_t size)
{
	if (p == NULL && size > 0)
		flag = 1;
	return p;
}

static void *xml_malloc(size_t size)
{
	return note_null(malloc(size), size);
}

static void *xml_realloc(void *p, size_t size)
{
	return note_null(realloc(p, size), size);
}

static char *xml_strdup(const char *s)
{
	return note_null(strdup(s), 1);
}

static void *U_CALLCONV icu_malloc(const void *ctx, size_t size)
{
	(void)ctx;
	return note_null(malloc(size), size);
}

static void *U_CALLCONV icu_realloc(const void *ctx, void *p, size_t size)
{
	(void)ctx;
	return note_null(realloc(p, size), size);
}

static void U_CALLCONV icu_free(const void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static void *ssl_malloc(size_t size, const char *file, int line)
{
	(void)file;
	(void)line;
	return note_null(malloc(size), size);
}

static void *ssl_realloc(void *p, size_t size, const char *file, int line)
{
	(void)file;
	(void)line;
	return note_null(realloc(p, size), size);
}

static void ssl_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	free(p);
}

int oom_install(void)
{
	UErrorCode status = U_ZERO_ERROR;
	int rc = 0;

	if (xmlMemSetup(free, xml_malloc, xml_realloc, xml_strdup) != 0)
		rc = -1;
	u_setMemoryFunctions(NULL, icu_malloc, icu_realloc, icu_free, &status);
	if (U_FAILURE(status))
		rc = -1;
	if (CRYPTO_set_mem_functions(ssl_malloc, ssl_realloc, ssl_free) != 1)
		rc = -1;
	return rc;
}
