/* cmd_verify.c — the 'verify' command (scaffolding until its issue lands). */
#include <stdio.h>

#include "cli.h"

int cmd_verify(const struct config *cfg)
{
	(void)cfg;
	fprintf(stderr, "pactdoc: 'verify' is not built yet\n");
	return PD_EXIT_FAILURE;
}
