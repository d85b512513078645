/* main.c — the command line: parses options into one config and runs the
 * command. Everything else lives in the modules it wires together. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "datadir.h"
#include "dates.h"
#include "fsutil.h"
#include "oom.h"
#include "xmlsafe.h"

/* Which options each command takes. */
enum {
	OPT_REPORT = 1 << 0,
	OPT_OUTDIR = 1 << 1,
	OPT_DATE = 1 << 2,
	OPT_JOBS = 1 << 3,
	OPT_REVIEWED = 1 << 4
};

struct command_spec {
	const char *name;
	enum command command;
	int options;
	int (*run)(const struct config *);
	int needs_data;         /* reads schema/, forms/, locales/ or fonts/ */
	const char *usage;
};

static const struct command_spec commands[] = {
	{ "validate", CMD_VALIDATE, OPT_REPORT, cmd_validate, 1,
	  "validate [--report FILE] INPUT..." },
	{ "generate", CMD_GENERATE,
	  OPT_REPORT | OPT_OUTDIR | OPT_DATE | OPT_JOBS | OPT_REVIEWED,
	  cmd_generate, 1,
	  "generate [-o DIR] [--date YYYY-MM-DD] [-j N] [--report FILE] "
	  "[--require-reviewed] INPUT..." },
	{ "bundle", CMD_BUNDLE, OPT_OUTDIR | OPT_DATE, cmd_bundle, 0,
	  "bundle [--date YYYY-MM-DD] [-o DIR] PATH..." },
	{ "verify", CMD_VERIFY, 0, cmd_verify, 0, "verify FILE.zip..." },
	{ "locales", CMD_LOCALES, 0, cmd_locales, 1, "locales" },
};

static const char help_text[] =
"Usage: pactdoc COMMAND [OPTIONS] ARGS...\n"
"\n"
"Turns XML application records for the Covenant of Mayors into\n"
"signing-ready PDF documents and ZIP bundles.\n"
"\n"
"Commands:\n"
"  validate [--report FILE] INPUT...\n"
"      Check records against the contract; one line per problem.\n"
"  generate [-o DIR] [--date YYYY-MM-DD] [-j N] [--report FILE]\n"
"           [--require-reviewed] INPUT...\n"
"      Write the documents of every eligible record to DIR (default out/),\n"
"      and the countersigning packages to DIR/packages/.\n"
"  bundle [--date YYYY-MM-DD] [-o DIR] PATH...\n"
"      Make the archivists' dated BagIt bundle (a ZIP) of the documents,\n"
"      records and run reports under PATH.\n"
"  verify FILE.zip...\n"
"      Check a package or bundle: digests, entries, Payload-Oxum.\n"
"  locales\n"
"      List the languages with catalogues: how complete and how much\n"
"      reviewed each is, and its hyphenation.\n"
"\n"
"An INPUT is an XML file or a directory (its *.xml files, sorted).\n"
"\n"
"Options:\n"
"  -o, --output DIR       output directory (default: out)\n"
"      --date YYYY-MM-DD  date printed in documents and bundles (default:\n"
"                         SOURCE_DATE_EPOCH if set, else today, UTC)\n"
"  -j, --jobs N           worker threads (default: number of cores)\n"
"      --report FILE      write a JSON run report to FILE\n"
"      --require-reviewed produce nothing for a record whose documents\n"
"                         would contain a message not yet reviewed by a\n"
"                         native speaker (state reviewed or final); the\n"
"                         record is reported 'unreviewed', exit status 1\n"
"  -q, --quiet            no progress or summary on stderr\n"
"  -h, --help             show this help\n"
"  -V, --version          show the version\n"
"\n"
"Exit status: 0 all good, 1 some record, file or entry rejected,\n"
"2 usage or system error.\n";

static const struct option long_options[] = {
	{ "report", required_argument, NULL, 'r' },
	{ "output", required_argument, NULL, 'o' },
	{ "date", required_argument, NULL, 'd' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "require-reviewed", no_argument, NULL, 'R' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static int usage_error(const struct command_spec *spec, const char *what)
{
	fprintf(stderr, "pactdoc: %s\n", what);
	if (spec != NULL)
		fprintf(stderr, "usage: pactdoc %s\n", spec->usage);
	fprintf(stderr, "Try 'pactdoc --help'.\n");
	return PD_EXIT_FAILURE;
}

static const struct command_spec *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int parse_jobs(const char *s, int *jobs)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || n < 1 || n > 256)
		return -1;
	*jobs = (int)n;
	return 0;
}

static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* Checks that option `flag` (spelt `name`) is one the command takes. */
static int allowed(const struct command_spec *spec, int flag,
                   const char *name)
{
	char msg[96];

	if (spec->options & flag)
		return 1;
	snprintf(msg, sizeof msg, "'%s' does not take %s", spec->name, name);
	usage_error(spec, msg);
	return 0;
}

static int parse_options(const struct command_spec *spec, int argc,
                         char **argv, struct config *cfg)
{
	int opt;
	const char *date = NULL;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+o:j:qhV", long_options,
	                          NULL)) != -1) {
		switch (opt) {
		case 'r':
			if (!allowed(spec, OPT_REPORT, "--report"))
				return -1;
			cfg->report = optarg;
			break;
		case 'R':
			if (!allowed(spec, OPT_REVIEWED, "--require-reviewed"))
				return -1;
			cfg->require_reviewed = 1;
			break;
		case 'o':
			if (!allowed(spec, OPT_OUTDIR, "-o/--output"))
				return -1;
			cfg->outdir = optarg;
			break;
		case 'd':
			if (!allowed(spec, OPT_DATE, "--date"))
				return -1;
			date = optarg;
			break;
		case 'j':
			if (!allowed(spec, OPT_JOBS, "-j/--jobs"))
				return -1;
			if (parse_jobs(optarg, &cfg->jobs) != 0) {
				usage_error(spec, "-j takes a number from 1 to 256");
				return -1;
			}
			break;
		case 'q':
			cfg->quiet = 1;
			break;
		case 'h':
			fputs(help_text, stdout);
			exit(PD_EXIT_OK);
		case 'V':
			printf("pactdoc %s\n", PACTDOC_VERSION);
			exit(PD_EXIT_OK);
		default:
			usage_error(spec, "bad option");
			return -1;
		}
	}
	if (date != NULL && dates_parse_iso(date, cfg->date) != 0) {
		usage_error(spec, "--date takes a real date as YYYY-MM-DD");
		return -1;
	}
	if (date == NULL && dates_default(cfg->date) != 0) {
		usage_error(spec, "SOURCE_DATE_EPOCH is not a valid time");
		return -1;
	}
	cfg->inputs = argv + optind;
	cfg->n_inputs = argc - optind;
	if (cfg->n_inputs == 0 && spec->command != CMD_LOCALES) {
		usage_error(spec, "no input given");
		return -1;
	}
	return 0;
}

/* An interrupted run removes the temporary files it was writing, then
 * dies of the same signal: no partial file is left, under any name. */
static void on_fatal_signal(int sig)
{
	fs_remove_temps();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signal_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int main(int argc, char **argv)
{
	const struct command_spec *spec;
	struct config cfg = { 0 };

	if (argc < 2)
		return usage_error(NULL, "no command given");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(help_text, stdout);
		return PD_EXIT_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("pactdoc %s\n", PACTDOC_VERSION);
		return PD_EXIT_OK;
	}
	spec = find_command(argv[1]);
	if (spec == NULL)
		return usage_error(NULL, "unknown command");

	oom_install();
	xmlsafe_init();
	install_signal_handlers();
	cfg.command = spec->command;
	cfg.outdir = "out";
	cfg.jobs = default_jobs();
	if (parse_options(spec, argc - 1, argv + 1, &cfg) != 0)
		return PD_EXIT_FAILURE;
	cfg.datadir = datadir_find();
	if (cfg.datadir == NULL && spec->needs_data) {
		fprintf(stderr, "pactdoc: cannot find the data directory "
		        "(schema/, forms/, locales/, fonts/); set PACTDOC_DATADIR\n");
		return PD_EXIT_FAILURE;
	}
	return spec->run(&cfg);
}
