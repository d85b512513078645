/* enospc.c — an LD_PRELOAD shim for the full-disk tests on a machine where
 * a small tmpfs cannot be mounted: once ENOSPC_LIMIT bytes have been
 * written to files (any fd but 0, 1 and 2), write() writes what fits and
 * then fails with ENOSPC, and so do fsync() and rename(). Built by
 * test_durable.py at test time. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static long long used;

static long long limit(void)
{
	const char *s = getenv("ENOSPC_LIMIT");

	return s ? atoll(s) : -1;
}

/* Takes up to n bytes of the space left; returns how many fit. */
static size_t take(size_t n)
{
	long long max = limit(), before, room;

	if (max < 0)
		return n;
	before = __atomic_fetch_add(&used, (long long)n, __ATOMIC_SEQ_CST);
	room = max - before;
	if (room <= 0)
		return 0;
	return (long long)n < room ? n : (size_t)room;
}

static int full(void)
{
	long long max = limit();

	return max >= 0 && __atomic_load_n(&used, __ATOMIC_SEQ_CST) >= max;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);
	size_t fits = n;

	if (real == NULL)
		real = (ssize_t (*)(int, const void *, size_t))
		       dlsym(RTLD_NEXT, "write");
	if (fd > 2 && n > 0 && (fits = take(n)) == 0) {
		errno = ENOSPC;
		return -1;
	}
	return real(fd, buf, fits);
}

int fsync(int fd)
{
	static int (*real)(int);

	if (real == NULL)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	if (full()) {
		errno = ENOSPC;
		return -1;
	}
	return real(fd);
}

int rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);

	if (real == NULL)
		real = (int (*)(const char *, const char *))
		       dlsym(RTLD_NEXT, "rename");
	if (full()) {
		errno = ENOSPC;
		return -1;
	}
	return real(from, to);
}
