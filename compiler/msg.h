/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics in one format, "prog: file:line:col: level: text", and the
 * worst level seen, which main() maps to the exit status.
 */
#ifndef KB_MSG_H
#define KB_MSG_H

enum msg_level {
	MSG_OK = 0,		/* nothing to report */
	MSG_WARNING,		/* reported, the document still compiled */
	MSG_ERROR,		/* a document was rejected */
	MSG_FATAL		/* usage or system error: nothing written */
};

/* Set the program name that starts every line, and whether warnings print. */
void	 msg_init(const char *prog, int quiet);
const char *msg_prog(void);
/* Report at level; file may be NULL, line and col 0 when unknown.  Returns -1. */
int	 msg_report(enum msg_level level, const char *file, int line, int col,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Shorthands without a position: msg_error returns -1 for "return msg_error()". */
int	 msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Sets a function called before each diagnostic line is printed (kbc
 * clears its progress line there); NULL for none.
 */
void	 msg_set_hook(void (*before)(void));
/* The worst level reported so far, and the number of warnings. */
enum msg_level msg_worst(void);
int	 msg_warnings(void);

#endif
