/* SPDX-License-Identifier: MIT */
/*
 * Output (matcher stage 5): the results of one query as text for people
 * or as one JSON Lines object for scripts, written to stdout.  kbsearch.c
 * checks stdout for write errors.
 */
#ifndef KB_RENDER_H
#define KB_RENDER_H

#include <stddef.h>

struct cand;
struct card_more;
struct card_view;
struct input_query;

struct render_opts {
	int	 json;		/* JSON Lines instead of text */
	int	 color;		/* ANSI colour in text output */
	int	 explain;	/* add the evidence behind each result */
	int	 groups;	/* stdin: a header per error group, summary */
	int	 width;		/* wrap text at this column, 0: never */
};

/* One result: a ranked candidate and its loaded card. */
struct render_item {
	const struct cand	*cand;	/* scores and evidence */
	const struct card_view	*card;	/* what to show */
	const struct card_more	*more;	/* where its steps point, or NULL */
};

/*
 * Writes the n results of query q (n may be 0); for a log group, text
 * output first shows its count and first line.
 */
void	 render_query(const struct input_query *q,
	    const struct render_item *items, size_t n,
	    const struct render_opts *o);

/*
 * Text output only: the summary line after the groups of a log, "3
 * distinct errors, 2 matched", and how many were not held.
 */
void	 render_summary(size_t groups, size_t matched, unsigned long more,
	    const struct render_opts *o);

/*
 * --show: one card in full (title, doc#anchor, symptom, error strings,
 * cause, diagnosis, steps with the cards they point to, notes, links);
 * with json, one JSON Lines object with the keys of a result and more.
 */
void	 render_card(const struct card_view *v, const struct card_more *m,
	    const struct render_opts *o);

/* --show DOC in text: "doc#anchor  title", one line per card. */
void	 render_list(const struct card_view *v, size_t n,
	    const struct render_opts *o);

#endif
