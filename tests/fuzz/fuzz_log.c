/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: bytes as a log on stdin through input (chunks, BOMs,
 * UTF-16, CR, NUL, ANSI escapes, long lines) and logscan (records,
 * messages, masking, grouping).  Beyond "no crash, no leak" within
 * -malloc_limit_mb=64: the groups (signature, count, first line, and the
 * count of those not held) are the same whether the stream is read in
 * the usual 64 KiB chunks or in the sizes the fuzzer picks, and every
 * group's text and signature is valid UTF-8.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "logscan.h"
#include "msg.h"
#include "util.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Logs stay small so each input runs in milliseconds. */
#define FUZZ_LOG_MAX	65536
/* Chunk sizes the first bytes may give, cycled over the stream. */
#define FUZZ_SIZES_MAX	8

static char	*scan(const uint8_t *, size_t, const uint8_t *, size_t);
static int	 valid_utf8(const char *);

/* Nonzero when s is valid UTF-8 (no overlong forms, no surrogates). */
static int
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long	 cp;
	size_t		 n, i;

	while (*p != 0) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xC2 && *p <= 0xDF)
			n = 2, cp = *p & 0x1F;
		else if (*p >= 0xE0 && *p <= 0xEF)
			n = 3, cp = *p & 0x0F;
		else if (*p >= 0xF0 && *p <= 0xF4)
			n = 4, cp = *p & 0x07;
		else
			return 0;
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3F);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		p += n;
	}
	return 1;
}

/*
 * Reads log[0..len) through input and logscan, changing the chunk size
 * before each line from sizes[0..nsizes) in turn (none: the default).
 * Returns the groups as text, one per line; caller frees.
 */
static char *
scan(const uint8_t *log, size_t len, const uint8_t *sizes, size_t nsizes)
{
	struct strbuf	 sb = { 0 };
	struct input	*in;
	struct logscan	*ls;
	const struct logscan_group *g;
	const char	*s;
	FILE		*fp;
	size_t		 n, i, k = 0;
	long		 lineno;

	/* fmemopen() refuses a zero-length buffer */
	fp = len > 0 ? fmemopen((void *)log, len, "r") :
	    fopen("/dev/null", "r");
	if (fp == NULL)
		abort();
	in = input_stream(fp);
	ls = logscan_new();
	for (;;) {
		if (nsizes > 0)
			input_set_chunk(in, 1 + sizes[k++ % nsizes] * 4);
		if (input_line(in, &s, &n, &lineno) != 1)
			break;
		logscan_line(ls, s, n, lineno);
	}
	logscan_finish(ls);
	g = logscan_groups(ls, &n);
	for (i = 0; i < n; i++) {
		if (!valid_utf8(g[i].text) || !valid_utf8(g[i].sig))
			abort();	/* a group's text is not UTF-8 */
		sb_addf(&sb, "%ld %ld %s\n", g[i].line, g[i].count, g[i].sig);
	}
	sb_addf(&sb, "more %lu\n", logscan_more(ls));
	logscan_free(ls);
	input_free(in);
	fclose(fp);
	return sb_detach(&sb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*a, *b;
	size_t	 nsizes;

	if (size == 0 || size > FUZZ_LOG_MAX)
		return 0;
	msg_init("fuzz_log", 1);
	/* the first byte says how many chunk sizes follow it */
	nsizes = 1 + data[0] % FUZZ_SIZES_MAX;
	if (size < 1 + nsizes)
		return 0;
	a = scan(data + 1 + nsizes, size - 1 - nsizes, NULL, 0);
	b = scan(data + 1 + nsizes, size - 1 - nsizes, data + 1, nsizes);
	if (strcmp(a, b) != 0) {
		fprintf(stderr, "64 KiB chunks:\n%s\nfuzzer's chunks:\n%s",
		    a, b);
		abort();	/* the chunking changed the groups */
	}
	free(a);
	free(b);
	return 0;
}
