/* fixture_fonts.h — the shipped fonts as a cmocka group fixture, for the
 * unit tests that measure or draw text. Header-only, because each unit
 * test is one source file linked with the library (see the Makefile). */
#ifndef PACTDOC_FIXTURE_FONTS_H
#define PACTDOC_FIXTURE_FONTS_H

#include <stdio.h>
#include <stdlib.h>

#include "fontset.h"

static struct fontset *fs;

/* $PACTDOC_FONTS, else fonts/ (the tests run from the source tree). */
static inline const char *fonts_dir(void)
{
	const char *d = getenv("PACTDOC_FONTS");

	return d && *d ? d : "fonts";
}

static inline int fonts_setup(void **state)
{
	struct err e = { "" };

	(void)state;
	fs = fontset_load(fonts_dir(), &e);
	if (fs == NULL)
		fprintf(stderr, "fonts fixture: %s\n", e.msg);
	return fs == NULL ? -1 : 0;
}

static inline int fonts_teardown(void **state)
{
	(void)state;
	fontset_free(fs);
	fs = NULL;
	return 0;
}

#endif
