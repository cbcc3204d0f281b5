/* SPDX-License-Identifier: MIT */
/*
 * Retrieval (matcher stage 3): turns one query into candidate cards with
 * the evidence of each tier (exact error string, error code, trigram
 * match on error strings, bm25 over card fields), and loads the cards
 * that will be shown.  Pasted text reaches FTS5 only as quoted terms.
 */
#ifndef KB_RETRIEVE_H
#define KB_RETRIEVE_H

#include <stddef.h>

struct cands;
struct db;

/*
 * Fills out (zeroed by the caller) with candidates for text; score.c
 * rates them.  source, when not NULL, is the program the text came
 * from (the command of a shell prompt before it): one the KB never
 * mentions makes the text foreign, as a "prog:" at its start does.
 * Returns 0, 1 when text has no searchable words (nothing was looked
 * up), or -1 on an index error (reported).
 */
int	 retrieve_query(struct db *db, const char *text, const char *source,
	    struct cands *out);

struct card_step {
	char	*text;		/* the step, plain text */
	char	*note;		/* alert attached to it, or NULL */
	int	 depth;		/* 0 top level, 1 sub-step, ... */
};

/* A card as shown to the user; every string is owned by the view. */
struct card_view {
	char		*title;		/* card heading */
	char		*anchor;	/* explicit id or slug */
	char		*symptom;	/* what the user sees */
	char		*cause;		/* why it happens */
	char		*notes;		/* alerts not tied to a step */
	char		*doc;		/* doc path relative to the KB root */
	char		*doc_title;	/* document title */
	struct card_step *steps;	/* ordered, sub-steps kept */
	size_t		 nsteps;
	char		**dups;		/* "doc#anchor" of near-duplicates */
	size_t		 ndups;
};

/* Loads card id into view; returns 0, or -1 (reported). */
int	 retrieve_card(struct db *db, long long id, struct card_view *view);
void	 retrieve_card_release(struct card_view *view);

#endif
