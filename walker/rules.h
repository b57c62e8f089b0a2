/*
 * rules: the escape patterns (built-in defaults, a config file, -e patterns),
 * compiled with PCRE2 JIT, and the path classes (language by extension, test
 * code by path) they apply to.
 *
 * Calling sequence:
 *   struct rules *r;
 *   rules_new(&r, with_defaults);
 *   rules_load_config(r, ".walker.conf");    (optional; FILE:LINE: message on
 * error) rules_add_cli(r, "todo=\\bTODO\\b");     (optional, repeatable)
 *   rules_compile(r, max_filesize, binary);  (compiles, JITs, extracts
 * literals, computes the digest)
 *   ... share r read-only between threads ...
 *   rules_free(r);
 *
 * docs/patterns.md describes the defaults and the config format; keep them in
 * step.
 */
#ifndef RULES_H
#define RULES_H

#include <stddef.h>
#include <stdint.h>

enum rules_lang { RL_RUST, RL_GO, RL_C, RL_JS, RL_PY, RL_RB, RL_SH, RL_OTHER, RL_COUNT };
enum rules_action { RA_COUNT, RA_COMMENT, RA_FORBID };
/* where a match may start (docs/patterns.md, "Where a pattern matches") */
enum rules_place { RP_CODE, RP_COMMENT, RP_ANY, RP_DIRECTIVE /* at a comment's start, as tools read directives */ };
/* a directive's own description justifies it: none, after " -- " (eslint), after " //" (golangci-lint's
 * nolintlint), any text (@ts-ignore) */
enum rules_desc { RD_NONE, RD_DASHES, RD_SLASHES, RD_TEXT };

#define RULES_NO_THRESHOLD 0xffffffffu /* a count pattern that only counts, never fails */

/* Tools whose directives only mean something where the tool is configured: a directory holding
 * one of its config files (or below one). Bits of rules_class.tools and rules_pattern.requires. */
enum rules_tool { RT_ESLINT = 1, RT_BIOME = 2 };

#define RULES_MAX_PATTERNS 1024
#define RULES_CONFIG_NAME ".walker.conf"

struct rules_pattern {
	char *name;
	char *regex;
	int action;         /* enum rules_action */
	unsigned threshold; /* count: a violation when source matches exceed it (RULES_NO_THRESHOLD: never) */
	int place;          /* enum rules_place */
	int desc;           /* enum rules_desc: comment patterns in comments */
	unsigned requires;  /* enum rules_tool bits: applies only where those tools are configured */
	char **markers;     /* comment: any of these on the line or the comment lines
                         above */
	size_t nmarkers;
	char *advice;
	uint32_t langs; /* bit (1u << rules_lang) per language it applies to */
	char **globs;   /* or a file whose name (or path, when the glob has a '/')
                     matches */
	size_t nglobs;
	int in_tests; /* matches in test code are judged like source code */
	char *origin; /* "built-in", "-e" or "FILE:LINE" of its section */
	/* filled by rules_compile */
	void *code; /* pcre2_code_8 * */
	char *lit;  /* a literal every match contains, or NULL */
	size_t litlen;
	size_t rare;  /* offset in lit of its rarest byte in source code: memchr looks for it */
	size_t rare2; /* ... and of its next rarest elsewhere: where the first is common, both are
                         looked for at once, 16 places at a time (scan.c, pair_find) */
	char **mtext; /* each marker's text without its comment leader: "SAFETY:" for "// SAFETY:" */
	size_t *mlen;
	int opens_block; /* the regex ends at a block's '{' (unsafe { … }) */
	int safety;      /* a comment pattern whose markers include SAFETY: */
};

struct rules {
	struct rules_pattern *pats;
	size_t n, alloc;
	uint64_t max_filesize;
	int binary;
	uint16_t *by_lang[RL_COUNT]; /* indices of glob-free patterns per language */
	size_t nby_lang[RL_COUNT];
	int has_globs;
	unsigned tools_used; /* the rules_tool bits some pattern requires */
	char **test_globs;   /* [tests] globs = … from the config: more test code by path */
	size_t ntest_globs;
	unsigned char digest[16]; /* XXH3-128 of the version and the effective rule set */
	int compiled;
};

/* Create a rule set, with the built-in defaults when with_defaults. */
void rules_new(struct rules **out, int with_defaults);
void rules_free(struct rules *r);

/* Apply a config file (docs/patterns.md). Returns 0, or ERR_CONFIG / ERR_IO
 * with "FILE:LINE: ..." */
int rules_load_config(struct rules *r, const char *path);
int rules_parse_config(struct rules *r, const char *text, size_t len, const char *path);

/* "NAME=REGEX": a count pattern for every file. Returns 0 or ERR_USAGE. */
int rules_add_cli(struct rules *r, const char *spec);

/* Compile every pattern (PCRE2 JIT); errors name the pattern's origin and the
 * PCRE2 error offset. */
int rules_compile(struct rules *r, uint64_t max_filesize, int binary);

/* A literal that every match of regex must contain (longest run found), or 0
 * when none is sure. Writes at most cap bytes to out. Exposed for tests. */
size_t rules_required_literal(const char *regex, char *out, size_t cap);

struct rules_class {
	uint8_t lang;  /* enum rules_lang */
	uint8_t test;  /* the whole file is test code by its path */
	uint8_t tools; /* enum rules_tool bits configured for its directory */
};

/* The rules_tool bit a file name configures (".eslintrc.json", "eslint.config.mjs",
 * "biome.json"), or 0. */
unsigned rules_tool_of_name(const char *name, size_t len);
/* The rules_tool bit the entry name (len bytes, of d_type type, DT_UNKNOWN when not known) of the
 * directory dirfd configures, or 0: a configuration's name, and a regular file or a symlink to one
 * (stat'ed, as ESLint follows it; a directory of that name configures nothing). */
unsigned rules_tool_of_entry(int dirfd, const char *name, size_t len, unsigned char type);
/* The tools configured by files in the directory dirfd, by probing their names. */
unsigned rules_tools_in_dir(int dirfd);

/* Classify a path ('/'-separated, relative to the repository or walk root);
 * base_off is the offset of its last component. r (may be NULL) adds the
 * config's test globs. */
void rules_classify(const struct rules *r, const char *path, size_t len, size_t base_off, struct rules_class *out);

/* A file of no known language whose name has no extension: its first line may name one. */
int rules_maybe_script(const char *path, size_t len, size_t base_off, const struct rules_class *c);
/* The language a "#!" first line names (sh, bash, python3, ruby, node, ... also through env),
 * or RL_OTHER. */
int rules_lang_of_shebang(const char *buf, size_t len);

/* The indices of the patterns that apply to a file, in rule order, into idx
 * (capacity RULES_MAX_PATTERNS). Returns their number; 0 means the file need
 * not be read. */
size_t rules_applicable(const struct rules *r, const char *path, size_t len, size_t base_off,
			const struct rules_class *c, uint16_t *idx);

/* One of p's markers is text once its comment leader is gone ("SAFETY:"), ASCII case ignored. */
int rules_has_marker(const struct rules_pattern *p, const char *text);

const char *rules_lang_name(int lang);
const char *rules_action_name(int action);

#endif
