/* cmd_locales.c — the 'locales' command (scaffolding until its issue lands). */
#include <stdio.h>

#include "cli.h"

int cmd_locales(const struct config *cfg)
{
	(void)cfg;
	fprintf(stderr, "pactdoc: 'locales' is not built yet\n");
	return PD_EXIT_FAILURE;
}
