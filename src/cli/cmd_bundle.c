/* cmd_bundle.c — the 'bundle' command: the archivists' dated BagIt bundle
 * of documents, records and run reports, checked after it is written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bagit.h"
#include "cli.h"
#include "verify.h"

#define DEFAULT_ORGANIZATION "Covenant of Mayors Office"

/* Source-Organization: $PACTDOC_SOURCE_ORGANIZATION when set to one line
 * of printable text, else the Covenant of Mayors Office. NULL when the
 * variable is set but unusable. */
static const char *source_organization(void)
{
	const char *s = getenv("PACTDOC_SOURCE_ORGANIZATION");

	if (s == NULL || *s == '\0')
		return DEFAULT_ORGANIZATION;
	if (strlen(s) > 200)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return NULL;
	return s;
}

static void count_problem(void *ctx, const char *entry, const char *problem)
{
	const char *zip = ((const char **)ctx)[0];

	fprintf(stderr, "pactdoc: %s: %s%s%s\n", zip, entry ? entry : "",
	        entry ? ": " : "", problem);
}

int cmd_bundle(const struct config *cfg)
{
	struct bag_options opt;
	struct bag_result res;
	struct err e;
	const char *ctx[1];
	int problems;

	opt.outdir = cfg->outdir;
	opt.date = cfg->date;
	opt.organization = source_organization();
	opt.software_agent = "pactdoc " PACTDOC_VERSION;
	/* What verify accepts, less the four tag files. */
	opt.max_files = (size_t)verify_default_limits.max_entries - 4;
	if (opt.organization == NULL) {
		fprintf(stderr, "pactdoc: PACTDOC_SOURCE_ORGANIZATION must be "
		        "one line of at most 200 bytes\n");
		return PD_EXIT_FAILURE;
	}
	if (bagit_write(&opt, cfg->inputs, cfg->n_inputs, &res, &e) != 0) {
		fprintf(stderr, "pactdoc: bundle: %s\n", e.msg);
		return PD_EXIT_FAILURE;
	}
	/* The files were read twice (digest, then ZIP): a file that changed
	 * in between would make a bag that lies. Check it before keeping it. */
	ctx[0] = res.path;
	problems = verify_zip(res.path, NULL, count_problem, ctx, NULL, &e);
	if (problems != 0) {
		if (problems < 0)
			fprintf(stderr, "pactdoc: %s; %s removed\n", e.msg,
			        res.path);
		else
			fprintf(stderr, "pactdoc: %s: the new bundle does not "
			        "verify (did an input change while bundling?); "
			        "removed\n", res.path);
		unlink(res.path);
		return PD_EXIT_FAILURE;
	}
	if (res.number > 1)
		fprintf(stderr, "pactdoc: a bundle for %s already exists; "
		        "wrote %s instead\n", cfg->date, res.path);
	if (!cfg->quiet)
		fprintf(stderr, "pactdoc: bundled %zu files (%llu bytes) "
		        "into %s\n", res.files, res.bytes, res.path);
	printf("%s\n", res.path);
	return PD_EXIT_OK;
}
