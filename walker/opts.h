/*
 * opts: the walker's command line as a plain value (ripgrep's flags/ split: parsing here, the run
 * in run.c, the watch loop in watch.c, main.c only wires them).
 *
 * Calling sequence:
 *   struct opts o;
 *   opts_init(&o);                           (defaults: -j the available cores, 10M, text, ...)
 *   if (opts_parse(&o, argc, argv) < 0) ... err_msg() names the option; "try 'walker --help'" ...
 *   switch (o.action) { OPTS_HELP: print opts_usage; OPTS_VERSION: ...; OPTS_RUN: ... }
 *   opts_release(&o);
 *
 * The strings point into argv (never copied): argv must outlive the options.
 */
#ifndef OPTS_H
#define OPTS_H

#include <stddef.h>
#include <stdint.h>

#include "report.h"
#include "walk.h"

enum opts_action { OPTS_RUN, OPTS_HELP, OPTS_VERSION };
enum opts_format { OPTS_TEXT, OPTS_JSON, OPTS_GITHUB, OPTS_SARIF };

/* --debounce: the default quiet time, in milliseconds, before a batch of events is checked */
#define OPTS_DEBOUNCE_MS 50

struct opts {
	int action;                /* enum opts_action */
	struct walk_opts walk;     /* walking and reading; .cache, .only and .self are set per root */
	struct report_opts report; /* --limit, --all, --stats, --shard */
	/* patterns */
	const char *config; /* --config FILE, or NULL: the nearest .walker.conf */
	int no_defaults;
	const char **patterns; /* -e NAME=RE, in order (the array is malloc'd) */
	size_t npatterns;
	int list_patterns;
	uint64_t max_filesize;
	int binary;
	/* output */
	int format; /* enum opts_format */
	int color;  /* -1 auto, 0 never, 1 always */
	/* cache and incremental runs */
	const char *cache_file; /* --cache FILE, or NULL: the default per root */
	int no_cache, cache_clear;
	const char *changed_since;
	/* --watch */
	int watch;
	long debounce_ms;
	/* the PATHs (malloc'd array; "." when none was given) */
	const char **paths;
	int npaths;
};

/* Set the defaults (-j: the available cores). */
void opts_init(struct opts *o);
/* Parse argv into o (set up by opts_init). Returns 0, or ERR_USAGE with a message that names the
 * option and its value (quoted by the caller when printed); --help and --version set o->action
 * and stop there. */
int opts_parse(struct opts *o, int argc, char **argv);
void opts_release(struct opts *o);

/* The text of --help. */
extern const char opts_usage[];

#endif
