/*
 * watch: `walker --watch`: one full run (warm when a cache exists), inotify watches on every
 * directory the walk enters, and per batch of events (after a quiet time, --debounce) a re-check of
 * just the paths that changed, with the walk's own decisions and the cache; what changed is
 * reported: new and fixed violations and the summary line, or one JSON document per cycle
 * (docs/watch.md).
 *
 * Calling sequence:
 *   struct watch *w;
 *   if (watch_new(&w, &opts) < 0) ... err_msg() (a usage error: ERR_USAGE) ...
 *   status = watch_run(w, &sink);      (returns on SIGINT, SIGTERM or SIGHUP: 0; the root removed
 *                                       or moved, or the output closed: 2, with err_msg())
 *   watch_free(w);
 *
 * Nothing here prints: each cycle's report and warnings go to the sink. While watch_run runs,
 * SIGINT, SIGTERM and SIGHUP are blocked and read from a signalfd, so that a cycle (and the cache
 * it saves) is never cut in half; the old mask is restored on return.
 */
#ifndef WATCH_H
#define WATCH_H

#include <stddef.h>

#include "opts.h"

struct watch;

struct watch_sink {
	void *ctx;
	/* a cycle's report, for stdout: 0, or -1 when it cannot be written (the loop stops, 2) */
	int (*report)(void *ctx, const char *buf, size_t len);
	/* warnings and notices for stderr, whole lines ("walker: warning: ...\n") */
	void (*warn)(void *ctx, const char *buf, size_t len);
};

/* Check o for --watch (directories only; no --changed-since, --shard, --files, --follow, github
 * or SARIF) and set up: the rules, the roots, an inotify instance. o must outlive w. Returns 0, or
 * ERR_USAGE / ERR_CONFIG / ERR_IO with err_msg(). */
int watch_new(struct watch **out, const struct opts *o);
/* The first run, then the loop. Returns the exit status (see above). */
int watch_run(struct watch *w, const struct watch_sink *sink);
void watch_free(struct watch *w);

#endif
