/* SPDX-License-Identifier: MIT */
/*
 * Input (matcher stage 1): where queries come from.  TEXT arguments
 * joined by spaces make one query; without them stdin is read as a stream
 * of lines in fixed chunks (UTF-16 with a BOM transcoded, CRLF, NUL bytes
 * and ANSI escapes handled), which logscan.c turns into error groups.
 */
#ifndef KB_INPUT_H
#define KB_INPUT_H

#include <stddef.h>
#include <stdio.h>

/*
 * Bytes kept of one stdin line; the rest of the line is read, skipped and
 * counted, with one warning "line N truncated".  A buffer that grew to the
 * longest line would let one 1 GB line exhaust memory (RELIABILITY.md 3);
 * the longest line of a real log or pasted page is a few KiB.
 */
#define KB_LINE_MAX	((size_t)64 * 1024)

struct input;

/* One query, borrowed from its owner until the next query is asked for. */
struct input_query {
	const char	*text;		/* the text to match, UTF-8 */
	const char	*query;		/* as shown: the masked signature of a
					   log group, else text */
	long		 line;		/* first stdin line, 0 for arguments */
	long		 count;		/* how many times it occurred */
	const char	*source;	/* the program it came from, when a
					   shell prompt named it, or NULL */
};

/* The words argv[0..argc) joined by single spaces: one query. */
struct input	*input_args(int argc, char *argv[]);
/* Stores the argument query in *q.  Returns 1, then 0. */
int		 input_next(struct input *in, struct input_query *q);

/* Lines read from fp, which input_free() does not close. */
struct input	*input_stream(FILE *fp);
/*
 * Reads at most n bytes (1 to 64 KiB, the default) at a time from now on,
 * so that tests can put chunk boundaries anywhere: the lines are the same.
 */
void		 input_set_chunk(struct input *in, size_t n);
/*
 * Stores in *line and *len the next line of the stream, without its line
 * end, at most KB_LINE_MAX bytes, with NUL bytes turned into spaces and
 * ANSI escape sequences removed; the bytes may still be invalid UTF-8.
 * The line is borrowed until the next call.  *lineno is its 1-based
 * number.  Returns 1, 0 at the end, or -1 on a read error (reported).
 */
int		 input_line(struct input *in, const char **line, size_t *len,
		    long *lineno);
void		 input_free(struct input *in);

#endif
