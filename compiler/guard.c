/* SPDX-License-Identifier: MIT */
/*
 * The guards before cmark: one linear pass over the text that counts
 * container markers per line, "[" and runs of "*" or "_" per block and
 * "<!--" per document, so the inputs on which the distribution's
 * libcmark-gfm is quadratic are refused in microseconds instead of
 * parsed for minutes.
 */
#include <ctype.h>
#include <string.h>

#include "guard.h"
#include "msg.h"

static size_t	 markers(const char *, const char *);

/* Container markers at the start of the line s..eol ("> - 1. >"). */
static size_t
markers(const char *s, const char *eol)
{
	size_t		 n = 0;
	const char	*p;

	for (;;) {
		while (s < eol && (*s == ' ' || *s == '\t'))
			s++;
		if (s < eol && *s == '>') {
			n++;
			s++;
			continue;
		}
		if (s + 1 < eol && (*s == '-' || *s == '*' || *s == '+') &&
		    (s[1] == ' ' || s[1] == '\t')) {
			n++;
			s += 2;
			continue;
		}
		for (p = s; p < eol && p - s < 9 && isdigit((unsigned char)*p);
		    p++)
			;
		if (p > s && p + 1 < eol && (*p == '.' || *p == ')') &&
		    (p[1] == ' ' || p[1] == '\t')) {
			n++;
			s = p + 2;
			continue;
		}
		return n;
	}
}

int
guard_check(const char *text, size_t len, const char *name)
{
	const char	*p = text, *end = text + len, *eol, *q;
	size_t		 brackets = 0, emph = 0, comments = 0, blank;
	int		 line = 1;

	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		if (markers(p, eol) > KB_NEST_MAX)
			return msg_report(MSG_ERROR, name, line, 1,
			    "nesting deeper than %d levels", KB_NEST_MAX);
		for (blank = 1, q = p; q < eol; q++) {
			if (!isspace((unsigned char)*q))
				blank = 0;
			if (*q == '[')
				brackets++;
			else if ((*q == '*' || *q == '_') &&
			    (q == p || q[-1] != *q))
				emph++;
			else if (*q == '<' && eol - q >= 4 &&
			    memcmp(q, "<!--", 4) == 0)
				comments++;
		}
		if (blank)
			brackets = emph = 0;
		if (brackets > KB_BRACKETS_PER_BLOCK_MAX)
			return msg_report(MSG_ERROR, name, line, 1,
			    "more than %d '[' in one block",
			    KB_BRACKETS_PER_BLOCK_MAX);
		if (emph > KB_EMPH_PER_BLOCK_MAX)
			return msg_report(MSG_ERROR, name, line, 1,
			    "more than %d runs of '*' or '_' in one block",
			    KB_EMPH_PER_BLOCK_MAX);
		if (comments > KB_HTML_COMMENTS_MAX)
			return msg_report(MSG_ERROR, name, line, 1,
			    "more than %d HTML comments", KB_HTML_COMMENTS_MAX);
		p = eol + 1;
		line++;
	}
	return 0;
}
