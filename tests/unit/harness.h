/* SPDX-License-Identifier: MIT */
/*
 * A few assertion macros that print TAP lines (ok N - what / not ok N),
 * for the unit tests in tests/unit/.  A test file calls ok() and is()
 * as often as it likes and returns done() from main().
 */
#ifndef KB_HARNESS_H
#define KB_HARNESS_H

#include <stdio.h>

static int	 harness_n;	/* assertions so far */
static int	 harness_failed; /* of which failed */

/* One TAP line for cond; returns cond so callers can stop early. */
static int
harness_ok(int cond, const char *file, int line, const char *what)
{
	harness_n++;
	if (cond)
		printf("ok %d - %s\n", harness_n, what);
	else {
		harness_failed++;
		printf("not ok %d - %s\n#   at %s:%d\n", harness_n, what,
		    file, line);
	}
	fflush(stdout);
	return cond;
}

#define ok(cond, what)	harness_ok((cond) != 0, __FILE__, __LINE__, (what))
/* Integer equality, printing both values when they differ. */
#define is(got, want, what) (((long long)(got) == (long long)(want)) ? \
	ok(1, what) : (printf("#   got %lld, want %lld\n", \
	(long long)(got), (long long)(want)), ok(0, what)))
/* A note that is not an assertion. */
#define diag(...) (printf("# "), printf(__VA_ARGS__), printf("\n"))

/* Prints the plan; the exit status is 0 only when nothing failed. */
static int
done(void)
{
	printf("1..%d\n", harness_n);
	return harness_failed != 0;
}

#endif
