/* cli.h — the run's configuration, filled from the command line by main.c
 * and read by the commands. One struct that owns nothing: its strings
 * point into argv or are fixed arrays, so there is nothing to free. */
#ifndef PACTDOC_CLI_H
#define PACTDOC_CLI_H

enum command {
	CMD_NONE,
	CMD_VALIDATE,   /* check records, report problems */
	CMD_GENERATE,   /* records -> PDF documents + countersigning packages */
	CMD_BUNDLE,     /* documents, records, reports -> dated BagIt ZIP */
	CMD_VERIFY,     /* check a package or bundle ZIP */
	CMD_LOCALES     /* list catalogues, completeness, hyphenation */
};

struct config {
	enum command command;
	char **inputs;          /* INPUT... / PATH... / FILE.zip..., borrowed from argv */
	int n_inputs;
	const char *report;     /* --report FILE: JSON run report, or NULL */
	const char *outdir;     /* -o DIR, default "out" */
	char date[11];          /* --date, else SOURCE_DATE_EPOCH, else today (UTC) */
	int jobs;               /* -j N, default: number of cores */
	int quiet;              /* -q: no progress, no summary */
	int require_reviewed;   /* --require-reviewed: refuse unreviewed text */
	const char *datadir;    /* where schema/, forms/, locales/, fonts/ are */
};

/* Exit statuses shared by every command. */
enum {
	PD_EXIT_OK = 0,        /* everything valid / produced / intact */
	PD_EXIT_REJECTED = 1,  /* some record, file or entry rejected */
	PD_EXIT_FAILURE = 2    /* usage or system error */
};

/* The commands, each in its own cmd_*.c; each returns an exit status and
 * prints its own diagnostics to stderr. */
int cmd_validate(const struct config *cfg);
int cmd_generate(const struct config *cfg);
int cmd_bundle(const struct config *cfg);
int cmd_verify(const struct config *cfg);
int cmd_locales(const struct config *cfg);

#endif
