/* SPDX-License-Identifier: MIT */
/*
 * Log scanning (matcher stage 2, stdin only): keeps the error-bearing
 * lines and records of a log, masks their variable parts with the shared
 * normalizer and groups equal signatures with a count and the first line
 * number, in bounded memory.  Event Viewer exports become one message per
 * event; a short paste with no log structure is one message.
 */
#ifndef KB_LOGSCAN_H
#define KB_LOGSCAN_H

#include <stddef.h>

/*
 * Distinct groups held; later new signatures are only counted ("N more
 * distinct errors not shown").  Bounds RSS on a log with millions of
 * different messages (RELIABILITY.md 3).
 */
#define KB_GROUPS_MAX	10000

struct logscan;

/* One distinct error: its first occurrence and how often it came. */
struct logscan_group {
	char		*text;		/* first occurrence, UTF-8, to match */
	char		*sig;		/* masked signature (normalize_text) */
	long		 line;		/* 1-based line of the first occurrence */
	long		 count;		/* occurrences */
	char		*cmd;		/* command of the shell prompt before
					   it ("git" after "$ git push"), or
					   NULL */
};

/* A scanner; patterns are compiled once, on the first call. */
struct logscan	*logscan_new(void);
/* Feeds line number lineno, s[0..len) (any bytes, no line end). */
void		 logscan_line(struct logscan *ls, const char *s, size_t len,
		    long lineno);
/* Ends the input: the message or record still open becomes a group. */
void		 logscan_finish(struct logscan *ls);
/*
 * The groups, in order of first line, borrowed until logscan_free();
 * *n is their number.  Valid after logscan_finish().
 */
struct logscan_group *logscan_groups(struct logscan *ls, size_t *n);
/* Distinct signatures seen after KB_GROUPS_MAX groups were held. */
unsigned long	 logscan_more(const struct logscan *ls);
/*
 * The whole input when it was a short paste (a console transcript or a
 * few records), for matching as one text when no group matched; NULL for
 * a long log.  Borrowed until logscan_free().
 */
const struct logscan_group *logscan_paste(struct logscan *ls);
void		 logscan_free(struct logscan *ls);

#endif
