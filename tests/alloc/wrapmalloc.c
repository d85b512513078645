/* wrapmalloc.c — allocation failures for the leak sweep: linked into a
 * sanitized pactdoc (build/asan-wrap/pactdoc) with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,
 * --wrap=strndup, so that pactdoc's own calls (not the libraries') come
 * here. ASan keeps its allocator, so LeakSanitizer sees what an error path
 * forgets to free; the LD_PRELOAD shim (failmalloc.c) cannot be used under
 * ASan. Environment, as failmalloc.c but counting only pactdoc's calls:
 *   PACTDOC_FAIL_AT=T:N     call N (1-based) of thread T returns NULL.
 *   PACTDOC_FAIL_SITES=FILE writes "T N SITE" for the first call from every
 *                           call site (the caller's offset in the binary). */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *__real_malloc(size_t);
void *__real_calloc(size_t, size_t);
void *__real_realloc(void *, size_t);
char *__real_strdup(const char *);
char *__real_strndup(const char *, size_t);
void *__wrap_malloc(size_t);
void *__wrap_calloc(size_t, size_t);
void *__wrap_realloc(void *, size_t);
char *__wrap_strdup(const char *);
char *__wrap_strndup(const char *, size_t);

#define MAX_THREADS 64
#define SITE_SLOTS 8192

static _Atomic unsigned long counts[MAX_THREADS];
static _Atomic int n_threads;
static __thread int thread_no = -1;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int fail_thread = -1;
static unsigned long fail_at;
static int sites_fd = -1;
static _Atomic uintptr_t sites[SITE_SLOTS];

static void configure(void)
{
	const char *s = getenv("PACTDOC_FAIL_AT");
	const char *path = getenv("PACTDOC_FAIL_SITES");
	char *end;

	if (s != NULL) {
		long t = strtol(s, &end, 10);
		if (*end == ':' && t >= 0 && t < MAX_THREADS) {
			fail_thread = (int)t;
			fail_at = strtoul(end + 1, NULL, 10);
		}
	}
	if (path != NULL)
		sites_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
}

static void note_site(int t, unsigned long n, void *caller)
{
	Dl_info info;
	uintptr_t site = (uintptr_t)caller;
	char line[80];
	int len;

	if (dladdr(caller, &info) != 0)
		site -= (uintptr_t)info.dli_fbase;
	for (unsigned i = (unsigned)(site % SITE_SLOTS);; i = (i + 1) % SITE_SLOTS) {
		uintptr_t cur = atomic_load(&sites[i]);
		if (cur == site)
			return;
		if (cur == 0) {
			uintptr_t zero = 0;
			if (!atomic_compare_exchange_strong(&sites[i], &zero, site))
				continue;
			break;
		}
	}
	len = snprintf(line, sizeof line, "%d %lu %lx\n", t, n,
	               (unsigned long)site);
	if (write(sites_fd, line, (size_t)len) != len) {
		/* a short list */
	}
}

static int should_fail(void *caller)
{
	unsigned long n;

	pthread_once(&once, configure);
	if (thread_no < 0) {
		thread_no = atomic_fetch_add(&n_threads, 1);
		if (thread_no >= MAX_THREADS)
			thread_no = MAX_THREADS - 1;
	}
	n = atomic_fetch_add(&counts[thread_no], 1) + 1;
	if (sites_fd >= 0)
		note_site(thread_no, n, caller);
	if (thread_no == fail_thread && n == fail_at) {
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

void *__wrap_malloc(size_t size)
{
	return should_fail(__builtin_return_address(0)) ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return should_fail(__builtin_return_address(0)) ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	return should_fail(__builtin_return_address(0)) ? NULL : __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
	return should_fail(__builtin_return_address(0)) ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return should_fail(__builtin_return_address(0)) ? NULL : __real_strndup(s, n);
}
