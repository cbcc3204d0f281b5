/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics: every line starts with the program name, positions are
 * 1-based, and the worst level seen decides the exit status in main().
 */
#include <stdarg.h>
#include <stdio.h>

#include "msg.h"

static const char	*prog = "kbc";
static int		 quiet;
static enum msg_level	 worst;
static int		 nwarnings;
static void		(*hook)(void);

static void	 vreport(enum msg_level, const char *, int, int,
		    const char *, va_list) __attribute__((format(printf, 5, 0)));

static const char *const level_names[] = {
	"ok", "warning", "error", "error"
};

void
msg_init(const char *name, int q)
{
	prog = name;
	quiet = q;
}

const char *
msg_prog(void)
{
	return prog;
}

static void
vreport(enum msg_level level, const char *file, int line, int col,
    const char *fmt, va_list ap)
{
	if (level > worst)
		worst = level;
	if (level == MSG_WARNING)
		nwarnings++;
	if (level == MSG_WARNING && quiet)
		return;
	if (hook != NULL)
		hook();
	fprintf(stderr, "%s: ", prog);
	if (file != NULL) {
		fputs(file, stderr);
		if (line > 0)
			fprintf(stderr, ":%d", line);
		if (line > 0 && col > 0)
			fprintf(stderr, ":%d", col);
		fputs(": ", stderr);
	}
	if (level != MSG_FATAL || file != NULL)
		fprintf(stderr, "%s: ", level_names[level]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int
msg_report(enum msg_level level, const char *file, int line, int col,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vreport(level, file, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

int
msg_error(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vreport(MSG_FATAL, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return -1;
}

void
msg_warn(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vreport(MSG_WARNING, NULL, 0, 0, fmt, ap);
	va_end(ap);
}

void
msg_set_hook(void (*before)(void))
{
	hook = before;
}

enum msg_level
msg_worst(void)
{
	return worst;
}

int
msg_warnings(void)
{
	return nwarnings;
}
