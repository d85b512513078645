/* fuzz.h — what the libFuzzer harnesses in tests/fuzz/ share: the data
 * directory, a scratch directory in /dev/shm, and an in-memory file
 * (memfd) that holds the current input under a path, for the modules that
 * read files by name. Header-only: each harness is one program. */
#ifndef PACTDOC_FUZZ_H
#define PACTDOC_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "datadir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The data directory (schema/, forms/, locales/, fonts/); exits when none
 * is found, as a harness cannot run without it. */
static inline const char *fuzz_datadir(void)
{
	const char *d = datadir_find();

	if (d == NULL) {
		fprintf(stderr, "fuzz: no data directory (set PACTDOC_DATADIR)\n");
		exit(2);
	}
	return d;
}

/* A fresh scratch directory (mkdtemp in /dev/shm, else /tmp), static
 * storage; exits on failure. The harness removes what it puts there. */
static inline const char *fuzz_scratch(void)
{
	static char dir[64];

	snprintf(dir, sizeof dir, "/dev/shm/pactdoc-fuzz-XXXXXX");
	if (mkdtemp(dir) != NULL)
		return dir;
	snprintf(dir, sizeof dir, "/tmp/pactdoc-fuzz-XXXXXX");
	if (mkdtemp(dir) != NULL)
		return dir;
	perror("fuzz: mkdtemp");
	exit(2);
}

/* Writes data to path (replacing it). Returns 0, or -1 (a harness then
 * skips the input). */
static inline int fuzz_write(const char *path, const uint8_t *data,
                             size_t size)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (f == NULL)
		return -1;
	if (size > 0 && fwrite(data, 1, size, f) != size)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

/* An in-memory file holding the input, named /proc/self/fd/N: no disk
 * write per run. Returns the path (static storage), or NULL. */
static inline const char *fuzz_memfile(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];

	if (fd < 0) {
		fd = memfd_create("pactdoc-fuzz.xml", 0);
		if (fd < 0)
			return NULL;
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 ||
	    (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size))
		return NULL;
	return path;
}

#endif
