/* SPDX-License-Identifier: MIT */
/*
 * Input (matcher stage 1).  Arguments are joined into one query.  Stdin
 * is read in fixed chunks into a bounded buffer: a UTF-8 BOM is dropped,
 * UTF-16 (with a BOM) is transcoded, and ANSI escape sequences from
 * coloured terminal output are removed before the text is matched.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "msg.h"
#include "util.h"

/*
 * A pasted message or log chunk is matched as one query up to this size;
 * the rest is read and skipped, so memory stays bounded whatever arrives
 * (KB_LINE_MAX in RELIABILITY.md).  64 KiB holds a whole dialog plus the
 * few hundred log lines around it.
 */
#define KB_PASTE_MAX	(64 * 1024)
/* fread() chunk. */
#define KB_CHUNK	4096

struct input {
	FILE		*fp;		/* stdin, or NULL for arguments */
	char		*text;		/* the query */
	int		 done;		/* the query was handed out */
};

static void	 strip_ansi(char *);
static char	*utf16_to_utf8(const unsigned char *, size_t, int);

struct input *
input_args(int argc, char *argv[])
{
	struct input	*in = xcalloc(1, sizeof(*in));
	struct strbuf	 sb = { 0 };
	int		 i;

	for (i = 0; i < argc; i++) {
		if (i > 0)
			sb_addc(&sb, ' ');
		sb_adds(&sb, argv[i]);
	}
	in->text = sb_detach(&sb);
	return in;
}

struct input *
input_stream(FILE *fp)
{
	struct input	*in = xcalloc(1, sizeof(*in));

	in->fp = fp;
	return in;
}

/* UTF-16 (big-endian if be) to UTF-8; unpaired surrogates become U+FFFD. */
static char *
utf16_to_utf8(const unsigned char *p, size_t n, int be)
{
	struct strbuf	 sb = { 0 };
	unsigned long	 c, c2;
	size_t		 i;
	char		 out[4];

	for (i = 0; i + 1 < n; i += 2) {
		c = be ? (p[i] << 8 | p[i + 1]) : (p[i + 1] << 8 | p[i]);
		if (c >= 0xD800 && c <= 0xDBFF && i + 3 < n) {
			c2 = be ? (p[i + 2] << 8 | p[i + 3]) :
			    (p[i + 3] << 8 | p[i + 2]);
			if (c2 >= 0xDC00 && c2 <= 0xDFFF) {
				c = 0x10000 + ((c - 0xD800) << 10) +
				    (c2 - 0xDC00);
				i += 2;
			} else
				c = 0xFFFD;
		} else if (c >= 0xD800 && c <= 0xDFFF)
			c = 0xFFFD;
		if (c < 0x80) {
			out[0] = c == 0 ? ' ' : (char)c;
			sb_add(&sb, out, 1);
		} else if (c < 0x800) {
			out[0] = (char)(0xC0 | c >> 6);
			out[1] = (char)(0x80 | (c & 0x3F));
			sb_add(&sb, out, 2);
		} else if (c < 0x10000) {
			out[0] = (char)(0xE0 | c >> 12);
			out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
			out[2] = (char)(0x80 | (c & 0x3F));
			sb_add(&sb, out, 3);
		} else {
			out[0] = (char)(0xF0 | c >> 18);
			out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
			out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
			out[3] = (char)(0x80 | (c & 0x3F));
			sb_add(&sb, out, 4);
		}
	}
	return sb_detach(&sb);
}

/*
 * Removes ANSI CSI ("ESC [ ... final") and OSC ("ESC ] ... BEL/ST")
 * sequences in place; other escapes lose only the ESC byte, which
 * normalize_clean() would drop anyway.
 */
static void
strip_ansi(char *s)
{
	char	*r = s, *w = s;

	while (*r != '\0') {
		if (*r != '\033') {
			*w++ = *r++;
			continue;
		}
		r++;
		if (*r == '[') {
			r++;
			while (*r != '\0' && !(*r >= 0x40 && *r <= 0x7e))
				r++;
			if (*r != '\0')
				r++;
		} else if (*r == ']') {
			while (*r != '\0' && *r != '\a' &&
			    !(r[0] == '\033' && r[1] == '\\'))
				r++;
			if (*r == '\a')
				r++;
			else if (*r == '\033')
				r += 2;
		}
	}
	*w = '\0';
}

int
input_next(struct input *in, struct input_query *q)
{
	struct strbuf	 sb = { 0 };
	char		 chunk[KB_CHUNK];
	size_t		 n, keep;
	unsigned long long skipped = 0;

	if (in->done)
		return 0;
	in->done = 1;
	q->count = 1;
	if (in->fp == NULL) {
		q->text = in->text;
		q->line = 0;
		return 1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), in->fp)) > 0) {
		keep = sb.len < KB_PASTE_MAX ? KB_PASTE_MAX - sb.len : 0;
		if (keep > n)
			keep = n;
		sb_add(&sb, chunk, keep);
		skipped += n - keep;
	}
	if (ferror(in->fp)) {
		sb_release(&sb);
		return msg_error("cannot read standard input: %s",
		    strerror(errno));
	}
	if (skipped > 0)
		msg_warn("input longer than %d bytes: the last %llu"
		    " bytes were not searched", KB_PASTE_MAX, skipped);
	if (sb.len >= 2 && ((unsigned char)sb.buf[0] == 0xFF ||
	    (unsigned char)sb.buf[0] == 0xFE) &&
	    (unsigned char)sb.buf[1] == ((unsigned char)sb.buf[0] ^ 1)) {
		in->text = utf16_to_utf8((unsigned char *)sb.buf + 2,
		    sb.len - 2, (unsigned char)sb.buf[0] == 0xFE);
		sb_release(&sb);
	} else if (sb.len >= 3 && memcmp(sb.buf, "\xEF\xBB\xBF", 3) == 0) {
		in->text = xstrdup(sb.buf + 3);
		sb_release(&sb);
	} else {
		/* a NUL would end the text early: it separates words */
		for (n = 0; n < sb.len; n++)
			if (sb.buf[n] == '\0')
				sb.buf[n] = ' ';
		in->text = sb_detach(&sb);
	}
	strip_ansi(in->text);
	q->text = in->text;
	q->line = 1;
	return 1;
}

void
input_free(struct input *in)
{
	if (in == NULL)
		return;
	free(in->text);
	free(in);
}
