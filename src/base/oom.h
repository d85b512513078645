/* oom.h — knowing that memory ran out inside a library.
 * Libraries report a failed allocation in their own words ("libharu error
 * 0x1015", "not valid UTF-8", "cannot load the schema") or not at all
 * (HarfBuzz keeps an empty table, json-c writes a short string). Every
 * failed allocation in the process raises a per-thread flag: the release
 * binary defines malloc, calloc and realloc (oom.c), which pass each call
 * on to the next definition; oom_install also routes the allocations of
 * libxml2, ICU and libcrypto through wrappers that, since all three crash
 * on some failures, retry once after releasing a 1 MiB reserve. err_set
 * then says "out of memory" whatever the library said, and a caller can
 * ask whether a failure (or a verdict about the input) was really a lack
 * of memory. */
#ifndef PACTDOC_OOM_H
#define PACTDOC_OOM_H

#include <stddef.h>

/* Installs the wrappers and finds the allocator malloc passes calls on
 * to. Call once, first thing in main, before any thread starts and any
 * use of libxml2, ICU or libcrypto. Returns 0, or -1 if a library refused
 * (then its failures are reported in its own words only). */
int oom_install(void);

/* malloc that raises the flag when it fails, then retries once after
 * releasing the reserve; for libraries that take an allocator (libharu's
 * HPDF_NewEx). */
void *oom_malloc(size_t size);

/* Raises this thread's flag: memory ran out. */
void oom_note(void);

/* Returns 1 if this thread's flag is raised, 0 if not. */
int oom_seen(void);

/* How many allocations have failed in the whole process, any thread
 * (never lowered). A library's shared state, such as a font HarfBuzz
 * loads a table of on first use, may have been left incomplete by a
 * failure in another thread. */
unsigned long oom_failures(void);

/* Lowers this thread's flag; call before a unit of work (a file, a record,
 * a document) whose failure must not be blamed on an earlier one. */
void oom_clear(void);

#endif
