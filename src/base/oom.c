/* oom.c — allocation wrappers for libxml2, ICU and libcrypto that remember
 * a failure in a per-thread flag (see oom.h). */
#include "oom.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlmemory.h>
#include <openssl/crypto.h>
#include <unicode/uclean.h>

#define RESERVE_SIZE (1u << 20)

static __thread int flag;
/* Allocations that failed in the whole process (oom_failures). */
static _Atomic unsigned long failures;
/* Released the first time ICU or libcrypto cannot allocate, so that their
 * retry can succeed. */
static _Atomic(void *) reserve;

/* Raises this thread's flag and counts the failure for the process. */
static void raise_flag(void)
{
	flag = 1;
	atomic_fetch_add_explicit(&failures, 1, memory_order_relaxed);
}

void oom_note(void)
{
	raise_flag();
}

unsigned long oom_failures(void)
{
	return atomic_load(&failures);
}

int oom_seen(void)
{
	return flag;
}

void oom_clear(void)
{
	flag = 0;
}

static void *retry_malloc(size_t size);
static void *retry_realloc(void *old, size_t size);

static void *xml_malloc(size_t size)
{
	return retry_malloc(size);
}

static void *xml_realloc(void *p, size_t size)
{
	return retry_realloc(p, size);
}

static char *xml_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *copy = retry_malloc(n);

	if (copy != NULL)
		memcpy(copy, s, n);
	return copy;
}

/* libxml2 2.9, ICU 72, OpenSSL 3 and libharu 2.3 do not survive every
 * failed allocation (libharu's HPDF_Page_New goes on after a failed
 * HPDF_Dict_Add, libxml2 dereferences NULL in xmlSchemaParse and
 * xmlRegexpCompile, ICU in DateFormatSymbols::assignArray and
 * DecimalFormat::setupFastFormat, OpenSSL in EVP_MD_fetch after its lazy
 * initialisation failed). Their allocations that fail raise the flag, so
 * the work in progress fails with "out of memory", and are retried once
 * after releasing the reserve, so that the library never sees NULL while
 * any memory is left. */
static void *retry_malloc(size_t size)
{
	void *p = malloc(size);

	if (p == NULL && size > 0) {
		raise_flag();
		free(atomic_exchange(&reserve, NULL));
		p = malloc(size);
	}
	return p;
}

static void *retry_realloc(void *old, size_t size)
{
	void *p = realloc(old, size);

	if (p == NULL && size > 0) {
		raise_flag();
		free(atomic_exchange(&reserve, NULL));
		p = realloc(old, size);
	}
	return p;
}

void *oom_malloc(size_t size)
{
	return retry_malloc(size);
}

static void *U_CALLCONV icu_malloc(const void *ctx, size_t size)
{
	(void)ctx;
	return retry_malloc(size);
}

static void *U_CALLCONV icu_realloc(const void *ctx, void *p, size_t size)
{
	(void)ctx;
	return retry_realloc(p, size);
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
	return retry_malloc(size);
}

static void *ssl_realloc(void *p, size_t size, const char *file, int line)
{
	(void)file;
	(void)line;
	return retry_realloc(p, size);
}

static void ssl_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	free(p);
}

/* ---- every other library's allocations ---------------------------------
 * HarfBuzz (hb-subset too), json-c, zlib, liblzma and libzip take no
 * allocator, and some answer a failed allocation with an empty object, a
 * missing table or a short string, without a word. pactdoc therefore
 * defines malloc, calloc and realloc itself: the dynamic linker binds
 * every library's calls to these, which pass them on to the next
 * definition (the C library's, or an LD_PRELOAD shim's such as the
 * allocation-failure sweep's) and raise the flag when one fails. Not in
 * sanitized builds, whose runtime must keep the allocator. */
#if defined(__SANITIZE_ADDRESS__)
#define OOM_NO_INTERPOSE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define OOM_NO_INTERPOSE 1
#endif
#endif

#ifndef OOM_NO_INTERPOSE
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

/* The C library's until oom_install looks up the next definitions. */
static void *(*next_malloc)(size_t) = __libc_malloc;
static void *(*next_calloc)(size_t, size_t) = __libc_calloc;
static void *(*next_realloc)(void *, size_t) = __libc_realloc;

void *malloc(size_t size)
{
	void *p = next_malloc(size);

	if (p == NULL && size > 0)
		raise_flag();
	return p;
}

void *calloc(size_t n, size_t size)
{
	void *p = next_calloc(n, size);

	if (p == NULL && n > 0 && size > 0)
		raise_flag();
	return p;
}

void *realloc(void *old, size_t size)
{
	void *p = next_realloc(old, size);

	if (p == NULL && size > 0)
		raise_flag();
	return p;
}

/* Passes the calls on to the next definitions (an LD_PRELOAD shim's,
 * or the C library's). Called once, before any thread starts. */
static void find_next_allocator(void)
{
	void *m = dlsym(RTLD_NEXT, "malloc");
	void *c = dlsym(RTLD_NEXT, "calloc");
	void *r = dlsym(RTLD_NEXT, "realloc");

	if (m == NULL || c == NULL || r == NULL)
		return;
	*(void **)&next_malloc = m;
	*(void **)&next_calloc = c;
	*(void **)&next_realloc = r;
}
#else
static void find_next_allocator(void)
{
}
#endif

int oom_install(void)
{
	UErrorCode status = U_ZERO_ERROR;
	int rc = 0;

	find_next_allocator();

	if (xmlMemSetup(free, xml_malloc, xml_realloc, xml_strdup) != 0)
		rc = -1;
	u_setMemoryFunctions(NULL, icu_malloc, icu_realloc, icu_free, &status);
	if (U_FAILURE(status))
		rc = -1;
	if (CRYPTO_set_mem_functions(ssl_malloc, ssl_realloc, ssl_free) != 1)
		rc = -1;
	atomic_store(&reserve, malloc(RESERVE_SIZE));
	return rc;
}
