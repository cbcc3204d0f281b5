/* SPDX-License-Identifier: MIT */
/*
 * Refusing, before cmark sees them, the document shapes that make the
 * distribution's libcmark take minutes or gigabytes (RELIABILITY.md
 * section 2): deep container nesting, bracket floods, comment floods,
 * emphasis floods.
 */
#ifndef KB_GUARD_H
#define KB_GUARD_H

#include <stddef.h>

/*
 * Container markers (">" and list markers) on one line.  Real documents
 * reach about 6; cmark 0.30 is quadratic in the nesting depth.
 */
#define KB_NEST_MAX			32
/* "[" between two blank lines: real maximum 318; stops "![[]()" floods. */
#define KB_BRACKETS_PER_BLOCK_MAX	4096
/*
 * Runs of '*' or '_' between two blank lines: real maximum 1300 (a table
 * of error codes).  libcmark-gfm 0.29 lacks cmark's fix for its issue
 * 389: "*a " x 20000 + "_a*_ " x 20000 (80,000 runs) takes 3 s, 20,000
 * runs 0.06 s.
 */
#define KB_EMPH_PER_BLOCK_MAX		8192
/* "<!--" in one document: real maximum 17; 300k of them cost 187 MB. */
#define KB_HTML_COMMENTS_MAX		1024

/*
 * Scans text (len bytes) once.  Returns 0 when cmark may parse it, or -1
 * after reporting the first limit broken, with its line, as an error for
 * the document called name.
 */
int	 guard_check(const char *text, size_t len, const char *name);

#endif
