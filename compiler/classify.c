/* SPDX-License-Identifier: MIT */
/*
 * Stage 4 of the compiler: roles and cards.  A section's role comes from
 * its heading through the lexicon; topic headings (no role) are cards when
 * they carry inline labels, have role sub-sections, read as an error
 * message, or stand beside such cards.  Every other section belongs to the
 * card of its nearest card ancestor; the document root is always one.
 */
#include <cmark-gfm.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"
#include "classify.h"
#include "lexicon.h"
#include "normalize.h"
#include "outline.h"
#include "util.h"

/* Longest label text considered ("Possible cause"), in bytes. */
#define LABEL_MAX	40

static int	 has_labels(struct outline_section *);
static void	 implied_procedures(struct outline *, int);
static int	 inside_role(struct outline *, size_t);
static int	 named(const char *);
static int	 problem(struct outline *, size_t);

/* A role whose sub-sections are parts of it. */
#define PART_ROLE(r)	((r) == ROLE_SYMPTOM || (r) == ROLE_CAUSE || \
			 (r) == ROLE_DIAGNOSIS || (r) == ROLE_PROCEDURE)

/*
 * Nonzero when section i lies inside a symptom, cause, diagnosis or
 * procedure section of an article shaped Symptoms / Cause / Resolution:
 * the nearest ancestor that has a role has one of these, a sibling of
 * that ancestor is a symptom section, and no sibling of i has inline
 * labels.  A heading inside Resolution ("### If the service fails to
 * start", "### Method 1") is then a part of the resolution, not a card of
 * its own, even when it reads as an error.  A "Troubleshooting" hub with
 * no Symptoms beside it keeps one card per error heading.
 */
static int
inside_role(struct outline *o, size_t i)
{
	size_t	 j;
	int	 p = o->v[i].parent;

	while (p > 0 && o->v[p].role < 0)
		p = o->v[p].parent;
	if (p <= 0 || !PART_ROLE(o->v[p].role))
		return 0;
	for (j = 1; j < o->n; j++)
		if (o->v[j].parent == o->v[i].parent && o->v[j].has_labels)
			return 0;
	for (j = 1; j < o->n; j++)
		if ((int)j != p && o->v[j].parent == o->v[p].parent &&
		    o->v[j].role == ROLE_SYMPTOM)
			return 1;
	return 0;
}

/*
 * Under parent p, an article that states Symptoms or Cause but has no
 * Resolution often names its fixes by what they do ("Check the RD
 * Licensing configuration"): such topic sections after the symptom are
 * its procedure, not cards without a symptom.
 */
static void
implied_procedures(struct outline *o, int p)
{
	size_t	 i;
	int	 seen = 0;

	for (i = 1; i < o->n; i++) {
		if (o->v[i].parent != p)
			continue;
		if (o->v[i].role == ROLE_PROCEDURE)
			return;
	}
	for (i = 1; i < o->n; i++) {
		struct outline_section *s = &o->v[i];

		if (s->parent != p)
			continue;
		if ((s->role == ROLE_SYMPTOM && !problem(o, i)) ||
		    s->role == ROLE_CAUSE)
			seen = 1;
		else if (seen && s->role < 0 && !s->has_labels &&
		    !classify_error_heading(s->heading))
			s->role = ROLE_PROCEDURE;
	}
}

/*
 * Nonzero when a role heading names its case after a separator: "Issue
 * 1: Jobs print twice", "Problem - no dial tone".
 */
static int
named(const char *h)
{
	const char	*p = strchr(h, ':');

	if (p == NULL && (p = strstr(h, " - ")) != NULL)
		p += 2;
	if (p == NULL && (p = strstr(h, " \xe2\x80\x93 ")) != NULL)
		p += 4;
	return p != NULL && !str_blank(p + 1);
}

/*
 * Nonzero for "## Issue 2: Labels print blank" with its own "### Cause"
 * or "### Resolution": one problem of several on the page, a card.
 */
static int
problem(struct outline *o, size_t i)
{
	size_t	 j;

	if (o->v[i].role != ROLE_SYMPTOM || !named(o->v[i].heading))
		return 0;
	for (j = i + 1; j < o->n; j++)
		if (o->v[j].parent == (int)i && PART_ROLE(o->v[j].role) &&
		    o->v[j].role != ROLE_SYMPTOM)
			return 1;
	return 0;
}

int
classify_label(cmark_node *strong, int *colon)
{
	struct strbuf	 sb = { 0 };
	cmark_node	*next, *after;
	const char	*lit;
	int		 role = -1, trailing = 0, alone;

	*colon = 0;
	/* "*Cause:*" serves as a label as well as "**Cause:**" */
	if (cmark_node_get_type(strong) != CMARK_NODE_STRONG &&
	    cmark_node_get_type(strong) != CMARK_NODE_EMPH)
		return -1;
	outline_text(strong, &sb);
	if (sb.buf == NULL || sb.len > LABEL_MAX) {
		sb_release(&sb);
		return -1;
	}
	while (sb.len > 0 && (isspace((unsigned char)sb.buf[sb.len - 1]) ||
	    sb.buf[sb.len - 1] == ':')) {
		trailing |= sb.buf[sb.len - 1] == ':';
		sb.buf[--sb.len] = '\0';
	}
	next = cmark_node_next(strong);
	lit = next != NULL && cmark_node_get_type(next) == CMARK_NODE_TEXT ?
	    cmark_node_get_literal(next) : NULL;
	if (lit != NULL) {
		while (*lit == ' ')
			lit++;
		if (*lit == ':' || strncmp(lit, "\xef\xbc\x9a", 3) == 0)
			*colon = 1;
	}
	/*
	 * AWS style: "**Description**" or "**Possible cause**  " alone on
	 * its line, the text below it.
	 */
	after = next;
	while (after != NULL && cmark_node_get_type(after) == CMARK_NODE_TEXT &&
	    str_blank(cmark_node_get_literal(after)))
		after = cmark_node_next(after);
	alone = cmark_node_get_type(strong) == CMARK_NODE_STRONG &&
	    (after == NULL ||
	    cmark_node_get_type(after) == CMARK_NODE_SOFTBREAK ||
	    cmark_node_get_type(after) == CMARK_NODE_LINEBREAK);
	if (trailing || *colon || alone)
		role = lexicon_label(sb.buf);
	sb_release(&sb);
	return role;
}

int
classify_error_heading(const char *h)
{
	struct norm_code *codes;
	size_t		 n = normalize_codes(h, &codes), i;
	int		 yes = 0;

	for (i = 0; i < n; i++)
		yes |= codes[i].kind != CODE_PORT;
	normalize_codes_free(codes, n);
	return yes || lexicon_error_heading(h);
}

/* Nonzero when a paragraph of the section's body starts with a label. */
static int
has_labels(struct outline_section *s)
{
	cmark_node	*b, *c;
	size_t		 skip;
	int		 colon, at_start;

	for (b = s->first; b != NULL && b != s->end; b = cmark_node_next(b)) {
		if (cmark_node_get_type(b) != CMARK_NODE_PARAGRAPH)
			continue;
		at_start = 1;
		for (c = cmark_node_first_child(b); c != NULL;
		    c = cmark_node_next(c)) {
			if (at_start && classify_label(c, &colon) >= 0)
				return 1;
			if (at_start && cmark_node_get_type(c) ==
			    CMARK_NODE_TEXT && lexicon_text_label(
			    cmark_node_get_literal(c), &skip) >= 0)
				return 1;
			at_start = cmark_node_get_type(c) ==
			    CMARK_NODE_SOFTBREAK ||
			    cmark_node_get_type(c) == CMARK_NODE_LINEBREAK;
		}
	}
	return 0;
}

void
classify_outline(struct outline *o)
{
	struct outline_section *s;
	size_t		 i, j;
	int		 p;

	for (i = 1; i < o->n; i++) {
		s = &o->v[i];
		s->role = lexicon_heading(s->heading);
	}
	for (i = 0; i < o->n; i++)
		o->v[i].has_labels = has_labels(&o->v[i]);
	for (i = 0; i < o->n; i++)
		implied_procedures(o, (int)i);
	o->v[0].is_card = 1;
	for (i = 1; i < o->n; i++) {
		s = &o->v[i];
		if (s->role >= 0 && s->role != ROLE_OTHER)
			continue;
		if (s->has_labels)
			s->is_card = 1;
		for (j = i + 1; j < o->n && !s->is_card; j++) {
			int r = o->v[j].role;

			if (o->v[j].parent == (int)i && (r == ROLE_SYMPTOM ||
			    r == ROLE_CAUSE || r == ROLE_PROCEDURE ||
			    r == ROLE_DIAGNOSIS))
				s->is_card = 1;
		}
		if (s->level >= 2 && classify_error_heading(s->heading)) {
			s->is_error = 1;
			s->is_card = 1;
		}
	}
	/* topics beside cards are cards too (the "Logging in via VNC" case) */
	for (i = 1; i < o->n; i++) {
		s = &o->v[i];
		if (s->is_card || s->role >= 0 || s->first == s->end)
			continue;
		for (j = 1; j < o->n; j++)
			if (j != i && o->v[j].parent == s->parent &&
			    o->v[j].is_card && o->v[j].role < 0)
				break;
		if (j < o->n)
			s->is_card = 1;
	}
	for (i = 1; i < o->n; i++) {
		s = &o->v[i];
		if (s->is_card && !s->has_labels && inside_role(o, i))
			s->is_card = s->is_error = 0;
		if (problem(o, i))
			s->is_card = 1;
	}
	for (i = 0; i < o->n; i++) {
		s = &o->v[i];
		if (s->is_card) {
			s->owner = (int)i;
			continue;
		}
		p = s->parent;
		s->owner = p >= 0 ? o->v[p].owner : 0;
	}
}
