/* libFuzzer harness: the scanner (walker/scan.c) with the default rules on arbitrary file bytes,
 * as a file of each language (the first byte picks the path), and the comment and test rules. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rules.h"
#include "scan.h"

static struct rules *rules;
static struct scan_ctx *sc;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "src/a.rs", "tests/a.rs", "a.go", "a_test.go", "a.c",  "a.cpp",
					     "a.ts",     "a.test.js",  "a.py", "test_a.py", "a.rb", "a.sh" };
	if (!rules) {
		rules_new(&rules, 1);
		if (rules_compile(rules, 1 << 20, 0))
			return 0;
		sc = scan_ctx_new();
	}
	if (!size)
		return 0;
	const char *path = paths[data[0] % (sizeof(paths) / sizeof(paths[0]))];
	const char *base = strrchr(path, '/');
	size_t boff = base ? (size_t)(base - path) + 1 : 0;
	struct rules_class c;
	rules_classify(NULL, path, strlen(path), boff, &c);
	uint16_t idx[RULES_MAX_PATTERNS];
	size_t n = rules_applicable(rules, path, strlen(path), boff, &c, idx);
	struct scan_result res = SCAN_RESULT_INIT;
	scan_buffer(sc, rules, (const char *)data + 1, size - 1, &c, idx, n, &res);
	for (size_t i = 0; i < res.n; i++)
		if (res.m[i].line == 0 || res.m[i].pat >= rules->n)
			__builtin_trap();
	scan_result_release(&res);
	return 0;
}
