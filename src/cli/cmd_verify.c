/* cmd_verify.c — the 'verify' command: checks package and bundle ZIPs in
 * place and prints one line per problem, "FILE.zip: entry: problem". */
#include <stdio.h>

#include "cli.h"
#include "verify.h"

static void print_problem(void *ctx, const char *entry, const char *problem)
{
	const char *zip = ctx;

	if (entry != NULL)
		printf("%s: %s: %s\n", zip, entry, problem);
	else
		printf("%s: %s\n", zip, problem);
}

int cmd_verify(const struct config *cfg)
{
	int status = PD_EXIT_OK;

	for (int i = 0; i < cfg->n_inputs; i++) {
		const char *zip = cfg->inputs[i];
		struct verify_summary sum;
		struct err e;
		int problems;

		problems = verify_zip(zip, NULL, print_problem, (void *)zip,
		                      &sum, &e);
		fflush(stdout);
		if (problems < 0) {
			fprintf(stderr, "pactdoc: %s\n", e.msg);
			status = PD_EXIT_FAILURE;
			continue;
		}
		if (problems > 0) {
			if (status == PD_EXIT_OK)
				status = PD_EXIT_REJECTED;
			continue;
		}
		if (!cfg->quiet)
			fprintf(stderr, "pactdoc: %s: intact %s, %llu files, "
			        "%llu bytes\n", zip,
			        sum.kind == 1 ? "bundle" : "package",
			        (unsigned long long)sum.payload_files,
			        (unsigned long long)sum.payload_bytes);
	}
	return status;
}
