/* err.h — the error value every module fills instead of printing.
 * A module returns -1 (or NULL) and leaves one human-readable message here;
 * the caller decides whether and where to show it. */
#ifndef PACTDOC_ERR_H
#define PACTDOC_ERR_H

#include <stddef.h>

struct err {
	char msg[1024];
};

/* Formats a message into e (if e is not NULL). Always returns -1 so that
 * `return err_set(e, "...")` reads naturally. When an allocation failed in
 * this thread since the last oom_clear (oom.h), the message becomes
 * "out of memory (MESSAGE)". */
int err_set(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Like err_set, appending ": strerror(errno)". */
int err_sys(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
