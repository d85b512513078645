/* err.c — filling the error value (see err.h). */
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "oom.h"

/* When memory ran out in this thread, says so: a library's own words for
 * it ("libharu error 0x1015", "cannot load the schema") mislead. */
static void oom_blame(struct err *e)
{
	static const char head[] = "out of memory (";
	size_t len;

	if (!oom_seen() || strstr(e->msg, "out of memory") != NULL)
		return;
	len = strnlen(e->msg, sizeof e->msg - sizeof head - 1);
	memmove(e->msg + sizeof head - 1, e->msg, len);
	memcpy(e->msg, head, sizeof head - 1);
	memcpy(e->msg + sizeof head - 1 + len, ")", 2);
}

int err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	oom_blame(e);
	return -1;
}

int err_sys(struct err *e, const char *fmt, ...)
{
	int saved = errno;
	size_t len;
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	len = strlen(e->msg);
	snprintf(e->msg + len, sizeof e->msg - len, ": %s", strerror(saved));
	oom_blame(e);
	errno = saved;
	return -1;
}
