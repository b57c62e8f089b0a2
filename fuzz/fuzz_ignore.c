/* libFuzzer harness: the gitignore parser and matcher (walker/ignore.c) on arbitrary ignore-file
 * bytes. The input is split at the first NUL: before it the ignore file, after it paths to match
 * (one per line), each as a file and as a directory, case-sensitive and not. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ignore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, 0, size);
	size_t tlen = nul ? (size_t)(nul - text) : size;
	for (int icase = 0; icase < 2; icase++) {
		struct ign_list *l = ign_list_parse(text, tlen, icase ? "sub/" : "", "fuzz", icase);
		if (!l)
			continue;
		const char *p = nul ? nul + 1 : text + size, *end = text + size;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
			if (len && !memchr(p, 0, len)) {
				const char *base = p;
				for (size_t k = 0; k < len; k++)
					if (p[k] == '/' && k + 1 < len)
						base = p + k + 1;
				char buf[4096];
				if (len < sizeof(buf)) {
					memcpy(buf, p, len);
					buf[len] = '\0';
					ign_list_match(l, buf, len, (size_t)(base - p), 0);
					ign_list_match(l, buf, len, (size_t)(base - p), 1);
				}
			}
			p += len + 1;
		}
		ign_list_free(l);
	}
	/* the wildmatch engine alone: pattern before the first newline, text after */
	if (size < 2048) {
		char buf[2048 + 1];
		memcpy(buf, data, size);
		buf[size] = '\0';
		char *nl = strchr(buf, '\n');
		if (nl) {
			*nl = '\0';
			ign_wildmatch(buf, nl + 1, 1, 0);
			ign_wildmatch(buf, nl + 1, 0, 1);
		}
	}
	return 0;
}
