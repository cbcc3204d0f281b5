/* SPDX-License-Identifier: MIT */
/*
 * Input (matcher stage 1): where queries come from.  TEXT arguments
 * joined by spaces make one query; without them stdin is read in fixed
 * chunks.  The log scanner that will split stdin into error groups plugs
 * in behind input_next(), so kbsearch.c does not change with it.
 */
#ifndef KB_INPUT_H
#define KB_INPUT_H

#include <stdio.h>

struct input;

/* One query, borrowed from the input until the next input_next(). */
struct input_query {
	const char	*text;		/* the query text, UTF-8 */
	long		 line;		/* first stdin line, 0 for arguments */
	long		 count;		/* how many times it occurred */
};

/* The words argv[0..argc) joined by single spaces: one query. */
struct input	*input_args(int argc, char *argv[]);
/*
 * Queries read from fp, which input_free() does not close.  For now the
 * whole stream, up to KB_PASTE_MAX bytes, is one pasted message.
 */
struct input	*input_stream(FILE *fp);
/*
 * Stores the next query in *q.  Returns 1, 0 at the end, or -1 on a read
 * error (reported).
 */
int		 input_next(struct input *in, struct input_query *q);
void		 input_free(struct input *in);

#endif
