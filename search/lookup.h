/* SPDX-License-Identifier: MIT */
/*
 * Cards by name (--show DOC#ANCHOR) and the rest of a card that a search
 * result does not show: diagnosis, error strings and links, each link
 * tied to the step it is written in and, when it leads to another card of
 * the KB ("#VNC", "../area/page.md#id"), to that card's DOC#ANCHOR.
 */
#ifndef KB_LOOKUP_H
#define KB_LOOKUP_H

#include <stddef.h>

struct card_view;
struct db;

/* A cross reference written in a card. */
struct card_link {
	char	*target;	/* as written: URL, "#anchor", "x.md#id" */
	char	*text;		/* the link text */
	char	*card;		/* "doc#anchor" of the KB card it leads to,
				   or NULL (outside the KB, or this card) */
	long	 step;		/* index of the step it is in, or -1 */
};

/* What lookup_more() adds to a card_view; every string is owned. */
struct card_more {
	char		*diagnosis;	/* how to confirm the cause */
	char		**errors;	/* error strings a user can paste */
	size_t		 nerrors;
	struct card_link *links;	/* in source order */
	size_t		 nlinks;
};

/*
 * Loads the diagnosis, error strings and links of card id, whose view v
 * is already loaded (its steps place the links).  Returns 0, or -1
 * (reported).  Release with lookup_more_release() in either case.
 */
int	 lookup_more(struct db *db, long long id, const struct card_view *v,
	    struct card_more *out);
void	 lookup_more_release(struct card_more *m);

/*
 * Finds the cards named by "DOC#ANCHOR": DOC is a doc id as kbsearch
 * shows it (an extension, any case, or only its last path components will
 * do when that is unambiguous), ANCHOR ignores case.  "DOC" alone names
 * every card of the document, in order.  Stores the card ids in *ids
 * (caller frees) and their number in *n.  Returns 0; 1 when nothing has
 * that name, after printing the closest names; -1 on an index error.
 */
int	 lookup_name(struct db *db, const char *name, long long **ids,
	    size_t *n);

#endif
