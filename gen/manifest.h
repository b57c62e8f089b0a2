/*
 * manifest: DIR/NAME.manifest.json, the description and ground truth of one fixture
 * (schema in docs/fixtures.md). The first lines have a fixed layout, one key a line, so that the
 * up-to-date check reads them without a JSON parser.
 */
#ifndef MANIFEST_H
#define MANIFEST_H

#include <stdint.h>

#include "fx.h"

struct manifest_head {
	char fixture[64];
	char fingerprint[33];
	char digest[33];
	uint64_t seed;
	uint64_t param;
	int64_t mtime;
	int git;
};

/* The fingerprint of everything that determines a fixture's bytes. out: 33 bytes. */
void manifest_fingerprint(const struct fx_plan *plan, char out[33]);

/* Build the manifest text. commit_hex/first_hex may be NULL (no --git). */
void manifest_build(struct sbuf *out, const struct fx_plan *plan, const struct fx_stats *st, const char *first_hex,
		    const char *commit_hex);

/* Read the head of a manifest file at dirfd/name. Returns 0, ERR_NOTFOUND, or ERR_FORMAT when it
 * exists but was not written by genfixtures. */
int manifest_read_head(int dirfd, const char *name, struct manifest_head *h);

#endif
