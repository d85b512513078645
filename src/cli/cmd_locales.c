/* cmd_locales.c — the 'locales' command: every language with a catalogue,
 * how complete it is for each document kind, how much of it a native
 * speaker has reviewed, and whether its text is hyphenated and justified
 * (a libhyphen dictionary is installed) or set ragged right. */
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

/* Percentage of part in whole, rounded down (100 for an empty whole). */
static int percent(int part, int whole)
{
	return whole > 0 ? (int)((long)part * 100 / whole) : 100;
}

/* Prints one language: its name, completeness, review and hyphenation,
 * then each file's count. Returns 1 when it is complete. *reviewed is
 * set to 1 when every unit is reviewed or final. */
static int print_lang(const struct catalog *c, const char *lang,
                      int *reviewed)
{
	char name[128];
	const char *dict = hyph_dict_path(lang);
	const char *pkg = hyph_dict_package(lang);
	const char *base;
	int complete = 1, present_all = 0, total_all = 0, rev = 0, rev_total = 0;

	native_name(lang, name, sizeof name);
	base = dict ? strrchr(dict, '/') : NULL;
	for (int f = 0; f < catalog_n_files(c); f++) {
		int present = 0, total = 0;
		if (catalog_completeness(c, lang, catalog_file_id(c, f), &present,
		                         &total) != 0)
			continue;
		present_all += present;
		total_all += total;
	}
	catalog_review(c, lang, &rev, &rev_total);
	*reviewed = rev == rev_total;
	printf("%-6s %s\n", lang, name);
	printf("       complete: %d%% (%d/%d units)   reviewed: %d%% (%d/%d "
	       "units reviewed or final)\n", percent(present_all, total_all),
	       present_all, total_all, percent(rev, rev_total), rev, rev_total);
	if (dict != NULL)
		printf("       hyphenation: yes (%s%s%s), justified\n",
		       base ? base + 1 : dict, pkg ? " from " : "", pkg ? pkg : "");
	else
		printf("       hyphenation: no (no patterns), ragged right\n");
	for (int f = 0; f < catalog_n_files(c); f++) {
		const char *file = catalog_file_id(c, f);
		int present = 0, total = 0;
		if (catalog_completeness(c, lang, file, &present, &total) != 0)
			continue;
		printf("       %-34s %4d/%-4d %3d%%\n", file, present, total,
		       percent(present, total));
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
	int n, complete = 0, reviewed = 0, hyphenated = 0;

	snprintf(dir, sizeof dir, "%s/locales", cfg->datadir);
	c = catalog_load(dir, &e);
	if (c == NULL) {
		fprintf(stderr, "pactdoc: %s\n", e.msg);
		return PD_EXIT_FAILURE;
	}
	n = catalog_n_langs(c);
	printf("Catalogues in %s: %d language%s\n", dir, n, n == 1 ? "" : "s");
	printf("(units translated / units in en, per file; 'common' is shared by "
	       "every document kind; reviewed: state reviewed or final, checked "
	       "by a native speaker)\n\n");
	for (int i = 0; i < n; i++) {
		int rev = 0;
		complete += print_lang(c, catalog_lang(c, i), &rev);
		reviewed += rev;
		hyphenated += hyph_dict_path(catalog_lang(c, i)) != NULL;
		if (i + 1 < n)
			printf("\n");
	}
	printf("\n%d of %d complete; missing units fall back to English.\n"
	       "%d of %d fully reviewed; %d hyphenated and justified, %d ragged "
	       "right.\n", complete, n, reviewed, n, hyphenated, n - hyphenated);
	catalog_free(c);
	return PD_EXIT_OK;
}
