/* SPDX-License-Identifier: MIT */
/*
 * Input (matcher stage 1).  Arguments are joined into one query.  Stdin
 * is read in fixed chunks and split into lines of at most KB_LINE_MAX
 * bytes, so memory stays the same whatever the size of the log: a UTF-8
 * BOM is dropped, UTF-16 with a BOM (as PowerShell writes it) is
 * transcoded chunk by chunk, CR before LF is dropped, NUL bytes become
 * spaces and ANSI escape sequences from coloured output are removed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "msg.h"
#include "util.h"

/* fread() chunk: large enough that the per-call cost vanishes. */
#define KB_CHUNK	((size_t)64 * 1024)
/* "line N truncated" warnings before they are only counted. */
#define KB_TRUNC_WARN_MAX	10

enum enc {
	ENC_UNKNOWN,		/* nothing read yet */
	ENC_UTF8,		/* UTF-8 or anything else byte-oriented */
	ENC_UTF16LE,
	ENC_UTF16BE
};

struct input {
	FILE		*fp;		/* stdin, or NULL for arguments */
	char		*text;		/* the argument query */
	int		 done;		/* the argument query was handed out */
	enum enc	 enc;		/* of the stream, from its BOM */
	unsigned char	*raw;		/* bytes as read */
	char		*dec;		/* UTF-16 transcoded to UTF-8 */
	char		*buf;		/* raw or dec: UTF-8 to split */
	size_t		 pos, len;	/* unsplit part of buf */
	int		 odd;		/* UTF-16: a byte left over, or -1 */
	unsigned long	 hi;		/* UTF-16: pending high surrogate */
	int		 eof;		/* fread() reached the end */
	size_t		 chunk;		/* bytes per fread(), KB_CHUNK */
	struct strbuf	 line;		/* a line spanning chunks */
	unsigned long long cut;		/* bytes skipped of this line */
	long		 lineno;	/* of the last line returned */
	long		 ntrunc;	/* lines truncated so far */
};

static size_t	 put_utf8(char *, unsigned long);
static int	 refill(struct input *);
static size_t	 strip_ansi(char *, size_t);
static void	 tidy(struct input *, char *, size_t *);
static size_t	 utf16_decode(struct input *, const unsigned char *, size_t);

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

int
input_next(struct input *in, struct input_query *q)
{
	if (in->done || in->text == NULL)
		return 0;
	in->done = 1;
	q->text = in->text;
	q->query = in->text;
	q->line = 0;
	q->count = 1;
	q->source = NULL;
	return 1;
}

struct input *
input_stream(FILE *fp)
{
	struct input	*in = xcalloc(1, sizeof(*in));

	in->fp = fp;
	in->raw = xmalloc(KB_CHUNK);
	in->odd = -1;
	in->chunk = KB_CHUNK;
	return in;
}

void
input_set_chunk(struct input *in, size_t n)
{
	in->chunk = n < 1 ? 1 : n > KB_CHUNK ? KB_CHUNK : n;
}

/* Writes code point c as UTF-8 at out; returns the length. */
static size_t
put_utf8(char *out, unsigned long c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | c >> 12);
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | c >> 18);
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/*
 * Transcodes n bytes of UTF-16 into in->dec, carrying an odd byte and a
 * high surrogate over to the next chunk; unpaired surrogates become
 * U+FFFD.  Returns the UTF-8 length.
 */
static size_t
utf16_decode(struct input *in, const unsigned char *p, size_t n)
{
	unsigned char	 u[2];
	unsigned long	 c;
	size_t		 i = 0, w = 0;
	int		 be = in->enc == ENC_UTF16BE;

	for (;;) {
		if (in->odd >= 0) {
			if (i >= n)
				break;
			u[0] = (unsigned char)in->odd;
			u[1] = p[i++];
			in->odd = -1;
		} else if (i + 1 < n) {
			u[0] = p[i];
			u[1] = p[i + 1];
			i += 2;
		} else {
			if (i < n)
				in->odd = p[i];
			break;
		}
		c = be ? (unsigned long)(u[0] << 8 | u[1]) :
		    (unsigned long)(u[1] << 8 | u[0]);
		if (in->hi != 0) {
			if (c >= 0xDC00 && c <= 0xDFFF) {
				c = 0x10000 + ((in->hi - 0xD800) << 10) +
				    (c - 0xDC00);
				in->hi = 0;
				w += put_utf8(in->dec + w, c);
				continue;
			}
			in->hi = 0;
			w += put_utf8(in->dec + w, 0xFFFD);
		}
		if (c >= 0xD800 && c <= 0xDBFF)
			in->hi = c;
		else if (c >= 0xDC00 && c <= 0xDFFF)
			w += put_utf8(in->dec + w, 0xFFFD);
		else
			w += put_utf8(in->dec + w, c);
	}
	if (in->eof && in->hi != 0) {
		in->hi = 0;
		w += put_utf8(in->dec + w, 0xFFFD);
	}
	return w;
}

/*
 * Reads the next chunk into in->buf.  Returns 1, 0 at the end of the
 * stream, or -1 on a read error (reported).
 */
static int
refill(struct input *in)
{
	size_t		 n, want, skip = 0;

	if (in->eof)
		return 0;
	/* the first chunk holds the whole BOM, however small chunks are */
	want = in->enc == ENC_UNKNOWN && in->chunk < 3 ? 3 : in->chunk;
	n = fread(in->raw, 1, want, in->fp);
	if (n < want) {
		/* a closed stdin ("kbsearch <&-") is an empty log */
		if (ferror(in->fp) && errno != EBADF)
			return msg_error("cannot read standard input: %s",
			    strerror(errno));
		in->eof = 1;
	}
	if (in->enc == ENC_UNKNOWN) {
		in->enc = ENC_UTF8;
		if (n >= 2 && in->raw[0] == 0xFF && in->raw[1] == 0xFE)
			in->enc = ENC_UTF16LE;
		else if (n >= 2 && in->raw[0] == 0xFE && in->raw[1] == 0xFF)
			in->enc = ENC_UTF16BE;
		else if (n >= 3 && memcmp(in->raw, "\xEF\xBB\xBF", 3) == 0)
			skip = 3;
		if (in->enc != ENC_UTF8) {
			skip = 2;
			/* 2 bytes in, at most 3 out, plus a carried unit */
			in->dec = xmalloc(KB_CHUNK / 2 * 3 + 8);
		}
	}
	if (in->enc == ENC_UTF8) {
		in->buf = (char *)in->raw + skip;
		in->len = n - skip;
	} else {
		in->buf = in->dec;
		in->len = utf16_decode(in, in->raw + skip, n - skip);
	}
	in->pos = 0;
	return n > 0 || in->len > 0;
}

/*
 * Removes ANSI CSI ("ESC [ ... final") and OSC ("ESC ] ... BEL/ST")
 * sequences from s[0..n) in place; other escapes lose only the ESC byte.
 * Returns the new length.
 */
static size_t
strip_ansi(char *s, size_t n)
{
	size_t	 r = 0, w = 0;

	while (r < n) {
		if (s[r] != '\033') {
			s[w++] = s[r++];
			continue;
		}
		r++;
		if (r < n && s[r] == '[') {
			r++;
			while (r < n && !(s[r] >= 0x40 && s[r] <= 0x7e))
				r++;
			if (r < n)
				r++;
		} else if (r < n && s[r] == ']') {
			while (r < n && s[r] != '\a' &&
			    !(s[r] == '\033' && r + 1 < n && s[r + 1] == '\\'))
				r++;
			if (r < n)
				r += s[r] == '\a' ? 1 : 2;
		}
	}
	return w;
}

/* Final touches on a line in place: CR, NUL, ANSI; warns if it was cut. */
static void
tidy(struct input *in, char *s, size_t *n)
{
	char	*p;

	in->lineno++;
	if (*n > 0 && s[*n - 1] == '\r')
		(*n)--;
	while ((p = memchr(s, '\0', *n)) != NULL)
		*p = ' ';
	if (memchr(s, '\033', *n) != NULL)
		*n = strip_ansi(s, *n);
	if (in->cut > 0) {
		if (++in->ntrunc <= KB_TRUNC_WARN_MAX)
			msg_warn("line %ld truncated: %llu bytes after the"
			    " first %zu not searched%s", in->lineno, in->cut,
			    KB_LINE_MAX, in->ntrunc == KB_TRUNC_WARN_MAX ?
			    " (further truncated lines not reported)" : "");
		in->cut = 0;
	}
}

int
input_line(struct input *in, const char **line, size_t *len, long *lineno)
{
	char	*nl;
	size_t	 avail, keep;
	int	 rc;

	for (;;) {
		if (in->pos >= in->len) {
			if ((rc = refill(in)) == -1)
				return -1;
			if (rc == 0) {
				/* a last line with no line end */
				if (in->line.len == 0 && in->cut == 0)
					return 0;
				break;
			}
			continue;
		}
		avail = in->len - in->pos;
		nl = memchr(in->buf + in->pos, '\n', avail);
		if (nl != NULL)
			avail = (size_t)(nl - (in->buf + in->pos));
		if (nl != NULL && in->line.len == 0 && in->cut == 0 &&
		    avail <= KB_LINE_MAX) {
			/* the common case: the whole line is in the chunk */
			*line = in->buf + in->pos;
			*len = avail;
			in->pos += avail + 1;
			tidy(in, in->buf + (*line - in->buf), len);
			*lineno = in->lineno;
			return 1;
		}
		keep = KB_LINE_MAX - in->line.len;
		if (keep > avail)
			keep = avail;
		sb_add(&in->line, in->buf + in->pos, keep);
		in->cut += avail - keep;
		in->pos += avail;
		if (nl != NULL) {
			in->pos++;
			break;
		}
	}
	if (in->line.buf == NULL)
		sb_add(&in->line, "", 0);
	*len = in->line.len;
	tidy(in, in->line.buf, len);
	in->line.len = *len;
	*line = in->line.buf;
	*lineno = in->lineno;
	/* the next line starts afresh; the buffer is reused */
	in->line.len = 0;
	return 1;
}

void
input_free(struct input *in)
{
	if (in == NULL)
		return;
	free(in->text);
	free(in->raw);
	free(in->dec);
	sb_release(&in->line);
	free(in);
}
