/* failmalloc.c — an LD_PRELOAD shim that makes one chosen allocation fail,
 * for the allocation-failure sweep (tests/alloc/sweep.py, docs/testing.md).
 *
 * Allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc,
 * memalign, valloc, pvalloc; strdup, strndup and C++ new go through malloc)
 * are counted per thread: the main thread is thread 0, the next thread to
 * allocate is 1, and so on. Each thread's sequence is deterministic when
 * pactdoc runs with -j 1 (one reader, one worker), so a failure found at
 * (T, N) happens again at (T, N).
 *
 * Environment:
 *   PACTDOC_FAIL_AT=T:N     allocation N (1-based) of thread T returns NULL
 *                           with errno ENOMEM. Unset: nothing fails.
 *   PACTDOC_FAIL_MODE=all   that allocation and every later one of that
 *                           thread fail (default "one": only that one).
 *   PACTDOC_FAIL_COUNT=FILE at exit, "T COUNT" per thread is written there.
 *   PACTDOC_FAIL_IN=SYMBOL  instead: the Kth allocation (PACTDOC_FAIL_IN_AT,
 *                           default 1) made, in any thread, while the
 *                           exported function SYMBOL of a shared library is
 *                           on the stack fails (targeted regression tests:
 *                           tests/e2e/test_alloc.py).
 *   PACTDOC_FAIL_TRACE=1    the stack of the failed allocation is printed
 *                           to stderr (to find the code that mishandles it).
 *   PACTDOC_FAIL_BACKTRACE=1 on SIGSEGV, SIGABRT or SIGBUS the stack is
 *                           printed to stderr (backtrace_symbols_fd).
 *   PACTDOC_FAIL_SITES=FILE writes "T N HASH" for the first allocation of
 *                           every distinct call stack (8 frames, glibc
 *                           backtrace), so a sweep can fail each site once.
 *
 * The real allocator is reached through glibc's __libc_* entry points, so
 * no dlsym bootstrap is needed. Allocations made by backtrace itself (its
 * first call loads libgcc_s) are not counted. realloc(p, 0) and free are
 * not counted. Nor are the allocations made before main (the constructors
 * of the shared libraries: GLib, pulled in by HarfBuzz, aborts or hangs in
 * its constructor when one fails, before pactdoc runs): counting starts
 * when main is entered (__libc_start_main is interposed to know when). */
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

#define MAX_THREADS 64
#define SITE_SLOTS (1u << 20)
#define FRAMES 8

static _Atomic unsigned long counts[MAX_THREADS];
static _Atomic int n_threads;
static __thread int thread_no = -1;
static __thread int in_shim;
static _Atomic int in_main;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int fail_thread = -1;
static unsigned long fail_at;
static int fail_all;
static const char *fail_in;
static unsigned long fail_in_at = 1;
static _Atomic unsigned long in_count;
static int trace;
static int sites_fd = -1;
static _Atomic uint64_t sites[SITE_SLOTS];

static void find_named_function(void);

/* Reads the environment once; getenv does not allocate. */
static void configure(void)
{
	const char *s = getenv("PACTDOC_FAIL_AT");
	const char *m = getenv("PACTDOC_FAIL_MODE");
	const char *path = getenv("PACTDOC_FAIL_SITES");
	char *end;

	if (s != NULL) {
		long t = strtol(s, &end, 10);
		if (*end == ':' && t >= 0 && t < MAX_THREADS) {
			fail_thread = (int)t;
			fail_at = strtoul(end + 1, NULL, 10);
		}
	}
	fail_all = m != NULL && strcmp(m, "all") == 0;
	trace = getenv("PACTDOC_FAIL_TRACE") != NULL;
	fail_in = getenv("PACTDOC_FAIL_IN");
	if (getenv("PACTDOC_FAIL_IN_AT") != NULL)
		fail_in_at = strtoul(getenv("PACTDOC_FAIL_IN_AT"), NULL, 10);
	if (path != NULL)
		sites_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
}

/* Records the first allocation of a new call stack. */
static void note_site(int t, unsigned long n)
{
	void *frames[FRAMES + 1];
	uint64_t h = 1469598103934665603ull;
	char line[80];
	int k, len;

	in_shim = 1;
	k = backtrace(frames, FRAMES + 1);
	in_shim = 0;
	for (int i = 1; i < k; i++) {   /* frame 0 is this shim */
		h ^= (uint64_t)(uintptr_t)frames[i];
		h *= 1099511628211ull;
	}
	if (h == 0)
		h = 1;
	for (uint64_t i = h % SITE_SLOTS;; i = (i + 1) % SITE_SLOTS) {
		uint64_t cur = atomic_load(&sites[i]);
		if (cur == h)
			return;
		if (cur == 0) {
			uint64_t zero = 0;
			if (!atomic_compare_exchange_strong(&sites[i], &zero, h))
				continue;
			break;
		}
	}
	len = snprintf(line, sizeof line, "%d %lu %016llx\n", t, n,
	               (unsigned long long)h);
	if (write(sites_fd, line, (size_t)len) != len) {
		/* the sweep sees a short site list */
	}
}

/* The code range of the function named fail_in, found once (dladdr1:
 * exported symbols of shared libraries, e.g. udat_open, hnj_hyphen_load,
 * json_object_new_object, zip_open). */
static uintptr_t in_lo, in_hi;

static void find_named_function(void)
{
	void *addr = dlsym(RTLD_DEFAULT, fail_in);
	const ElfW(Sym) *sym = NULL;
	Dl_info info;
	char versioned[128];

	/* ICU renames its functions by version: udat_open is udat_open_72. */
	for (int v = 50; addr == NULL && v < 100; v++) {
		snprintf(versioned, sizeof versioned, "%s_%d", fail_in, v);
		addr = dlsym(RTLD_DEFAULT, versioned);
	}
	if (addr == NULL || dladdr1(addr, &info, (void **)&sym,
	                            RTLD_DL_SYMENT) == 0 || sym == NULL)
		return;
	in_lo = (uintptr_t)addr;
	in_hi = in_lo + (sym->st_size ? sym->st_size : 1);
}

/* Whether the function named fail_in is on this thread's stack. */
static int in_named_function(void)
{
	void *frames[48];
	int k;

	in_shim = 1;
	if (in_hi == 0)
		find_named_function();   /* once the libraries are loaded */
	if (in_hi == 0) {
		in_shim = 0;
		return 0;
	}
	k = backtrace(frames, 48);
	in_shim = 0;
	for (int i = 2; i < k; i++)
		if ((uintptr_t)frames[i] > in_lo && (uintptr_t)frames[i] <= in_hi)
			return 1;
	return 0;
}

/* Counts one allocation of this thread; returns 1 when it must fail. */
static int should_fail(void)
{
	unsigned long n;

	if (in_shim || !atomic_load(&in_main))
		return 0;
	pthread_once(&once, configure);
	if (thread_no < 0) {
		thread_no = atomic_fetch_add(&n_threads, 1);
		if (thread_no >= MAX_THREADS)
			thread_no = MAX_THREADS - 1;
	}
	n = atomic_fetch_add(&counts[thread_no], 1) + 1;
	if (sites_fd >= 0)
		note_site(thread_no, n);
	if (fail_in != NULL) {
		if (atomic_load(&in_count) >= fail_in_at)
			return 0;   /* done: no more stack walks */
		if (in_named_function() &&
		    atomic_fetch_add(&in_count, 1) + 1 == fail_in_at) {
			errno = ENOMEM;
			return 1;
		}
		return 0;
	}
	if (thread_no != fail_thread || fail_at == 0)
		return 0;
	if (n == fail_at || (fail_all && n > fail_at)) {
		if (trace && n == fail_at) {
			void *frames[32];
			int k;
			in_shim = 1;
			k = backtrace(frames, 32);
			backtrace_symbols_fd(frames, k, 2);
			in_shim = 0;
		}
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

void *malloc(size_t size)
{
	return should_fail() ? NULL : __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	return should_fail() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	if (p != NULL && size == 0)
		return __libc_realloc(p, size);
	return should_fail() ? NULL : __libc_realloc(p, size);
}

void free(void *p)
{
	__libc_free(p);
}

void *memalign(size_t align, size_t size)
{
	return should_fail() ? NULL : __libc_memalign(align, size);
}

void *aligned_alloc(size_t align, size_t size)
{
	return should_fail() ? NULL : __libc_memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	if (should_fail())
		return ENOMEM;
	p = __libc_memalign(align, size);
	if (p == NULL)
		return ENOMEM;
	*out = p;
	return 0;
}

void *valloc(size_t size)
{
	return should_fail() ? NULL : __libc_memalign((size_t)sysconf(_SC_PAGESIZE), size);
}

void *pvalloc(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return should_fail() ? NULL
	                     : __libc_memalign(page, (size + page - 1) / page * page);
}

/* ---- knowing when main starts ---------------------------------------- */

typedef int (*main_fn)(int, char **, char **);
typedef int (*start_fn)(main_fn, int, char **, void (*)(void),
                        void (*)(void), void (*)(void), void *);

static main_fn real_main;

static int counted_main(int argc, char **argv, char **envp)
{
	atomic_store(&in_main, 1);
	return real_main(argc, argv, envp);
}

/* glibc calls main through this; it hands over counted_main instead. */
int __libc_start_main(main_fn main, int argc, char **argv,
                      void (*init)(void), void (*fini)(void),
                      void (*rtld_fini)(void), void *stack_end)
{
	start_fn real = (start_fn)dlsym(RTLD_NEXT, "__libc_start_main");

	real_main = main;
	return real(counted_main, argc, argv, init, fini, rtld_fini,
	            stack_end);
}

/* On a crash, prints the stack to stderr (the sweep shows it). */
static void on_crash(int sig)
{
	void *frames[32];
	int n;

	in_shim = 1;
	n = backtrace(frames, 32);
	backtrace_symbols_fd(frames, n, 2);
	signal(sig, SIG_DFL);
	raise(sig);
}

__attribute__((constructor)) static void install_crash_handler(void)
{
	if (getenv("PACTDOC_FAIL_BACKTRACE") == NULL)
		return;
	signal(SIGSEGV, on_crash);
	signal(SIGABRT, on_crash);
	signal(SIGBUS, on_crash);
}

/* Writes each thread's count, for the sweep to size its range. */
__attribute__((destructor)) static void report_count(void)
{
	const char *path = getenv("PACTDOC_FAIL_COUNT");
	char buf[48];
	int fd, n;

	if (path == NULL)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return;
	for (int t = 0; t < atomic_load(&n_threads) && t < MAX_THREADS; t++) {
		n = snprintf(buf, sizeof buf, "%d %lu\n", t, atomic_load(&counts[t]));
		if (write(fd, buf, (size_t)n) != n)
			break;
	}
	close(fd);
}
