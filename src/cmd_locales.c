/* cmd_locales.c — the 'locales' command: every language with a catalogue,
 * how complete it is for each document kind, and whether its text is
 * hyphenated (a libhyphen dictionary is installed). */
#include <stdio.h>
#include <string.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

#include "catalog.h"
#include "cli.h"
#include "hyph.h"
#include "langtag.h"

/* The language's name in itself ("latviešu"), or the tag. */
static void native_name(const char *tag, char *out, int size)
{
	UErrorCode st = U_ZERO_ERROR;
	char locale[64];
	UChar name[64];
	int32_t n;

	(void)langtag_icu_locale(tag, locale, sizeof locale);
	n = uloc_getDisplayLanguage(locale, locale, name, 64, &st);
	if (U_FAILURE(st) || n <= 0 || st == U_USING_DEFAULT_WARNING) {
		snprintf(out, (size_t)size, "%s", tag);
		return;
	}
	u_strToUTF8(out, size, NULL, name, n, &st);
	if (U_FAILURE(st))
		snprintf(out, (size_t)size, "%s", tag);
}

/* Prints one language: its name, hyphenation, and each file's count. */
static int print_lang(const struct catalog *c, const char *lang)
{
	char name[128];
	const char *dict = hyph_dict_path(lang);
	const char *base;
	int complete = 1;

	native_name(lang, name, sizeof name);
	base = dict ? strrchr(dict, '/') : NULL;
	printf("%-6s %s\n", lang, name);
	printf("       hyphenation: %s%s%s\n", dict ? "yes (" : "no",
	       dict ? (base ? base + 1 : dict) : "", dict ? ")" : "");
	for (int f = 0; f < catalog_n_files(c); f++) {
		const char *file = catalog_file_id(c, f);
		int present = 0, total = 0;
		if (catalog_completeness(c, lang, file, &present, &total) != 0)
			continue;
		printf("       %-34s %4d/%-4d %3d%%\n", file, present, total,
		       total ? present * 100 / total : 100);
		if (present < total)
			complete = 0;
	}
	return complete;
}

int cmd_locales(const struct config *cfg)
{
	char dir[4096];
	struct err e = { 0 };
	struct catalog *c;
	int n, complete = 0;

	snprintf(dir, sizeof dir, "%s/locales", cfg->datadir);
	c = catalog_load(dir, &e);
	if (c == NULL) {
		fprintf(stderr, "pactdoc: %s\n", e.msg);
		return PD_EXIT_FAILURE;
	}
	n = catalog_n_langs(c);
	printf("Catalogues in %s: %d language%s\n", dir, n, n == 1 ? "" : "s");
	printf("(units translated / units in en, per file; 'common' is shared by "
	       "every document kind)\n\n");
	for (int i = 0; i < n; i++) {
		complete += print_lang(c, catalog_lang(c, i));
		if (i + 1 < n)
			printf("\n");
	}
	printf("\n%d of %d complete; missing units fall back to English.\n",
	       complete, n);
	catalog_free(c);
	return PD_EXIT_OK;
}
