/* cmd_validate.c — the 'validate' command (scaffolding until its issue lands). */
#include <stdio.h>

#include "cli.h"

int cmd_validate(const struct config *cfg)
{
	(void)cfg;
	fprintf(stderr, "pactdoc: 'validate' is not built yet\n");
	return PD_EXIT_FAILURE;
}
