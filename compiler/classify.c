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
		if (s->role == ROLE_SYMPTOM || s->role == ROLE_CAUSE)
			seen = 1;
		else if (seen && s->role < 0 && !s->has_labels &&
		    !classify_error_heading(s->heading))
			s->role = ROLE_PROCEDURE;
	}
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
