/* cmd_bundle.c — the 'bundle' command (scaffolding until its issue lands). */
#include <stdio.h>

#include "cli.h"

int cmd_bundle(const struct config *cfg)
{
	(void)cfg;
	fprintf(stderr, "pactdoc: 'bundle' is not built yet\n");
	return PD_EXIT_FAILURE;
}
