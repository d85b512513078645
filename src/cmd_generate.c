/* cmd_generate.c — the 'generate' command (scaffolding until its issue lands). */
#include <stdio.h>

#include "cli.h"

int cmd_generate(const struct config *cfg)
{
	(void)cfg;
	fprintf(stderr, "pactdoc: 'generate' is not built yet\n");
	return PD_EXIT_FAILURE;
}
