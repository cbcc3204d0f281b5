/* SPDX-License-Identifier: MIT */
/*
 * Word alignment of a paste with a stored error string (search/score.c):
 * what the trigram tier's similarity gives for the pastes users make of
 * one message, and for another program's message that shares its words.
 */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "normalize.h"
#include "score.h"

/* Similarity of paste p to error string e, both as a user would type. */
static double
sim(const char *p, const char *e)
{
	struct toks	 tp, te;
	struct align	 a;
	char		*np = normalize_text(p), *ne = normalize_text(e);

	score_toks_init(&tp, np, 1024);
	score_toks_init(&te, ne, 1024);
	score_align(&tp, &te, &a);
	score_toks_release(&tp);
	score_toks_release(&te);
	free(np);
	free(ne);
	return a.sim;
}

static void
at_least(double got, double want, const char *what)
{
	if (!ok(got >= want, what))
		diag("similarity %.3f, want %.3f or more", got, want);
}

static void
below(double got, double want, const char *what)
{
	if (!ok(got < want, what))
		diag("similarity %.3f, want under %.3f", got, want);
}

int
main(void)
{
	const char *nla = "The remote computer requires Network Level"
	    " Authentication, which your computer does not support.";

	at_least(sim("Access is denied.", "Access is denied."), 0.99,
	    "the whole of a short message");
	at_least(sim("acces is denied", "Access is denied."), 0.7,
	    "a short message with a typo");
	/* the words of a short message are all of it, "is" too */
	below(sim("Access denied for user 'webapp'@'%' to database 'shop'",
	    "Access is denied."), 0.7,
	    "MySQL's \"Access denied\" is not Windows' \"Access is denied.\"");
	below(sim("554 5.7.1 <user@example.net>: Relay access denied",
	    "Access is denied."), 0.7,
	    "Postfix's \"Relay access denied\" either");
	/* in a long message a missing "the" is noise */
	at_least(sim("remote computer requires Network Level Authentication"
	    " which your computer does not support", nla), 0.9,
	    "a long message without its stopwords");
	at_least(sim("RDP: The remote computer requires Network Level"
	    " Authentication, which your computer does not support. (ticket"
	    " 4412, host 10.0.0.7)", nla), 0.95,
	    "a long message inside ticket text");
	return done();
}
