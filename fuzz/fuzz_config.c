/* libFuzzer harness: the .walker.conf parser (walker/rules.c) and the rule compiler, including
 * the required-literal extraction, on arbitrary config bytes. */
#include <stddef.h>
#include <stdint.h>

#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rules *r;
	rules_new(&r, 1);
	if (rules_parse_config(r, (const char *)data, size, "fuzz.conf") == 0 && r->n)
		rules_compile(r, 1 << 20, 0);
	rules_free(r);
	return 0;
}
