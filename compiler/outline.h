/* SPDX-License-Identifier: MIT */
/*
 * The heading tree of a document: one section per top-level heading, with
 * its anchor and body blocks.  Also recovers headings in pages scraped to
 * plain text, before they are parsed.
 */
#ifndef KB_OUTLINE_H
#define KB_OUTLINE_H

#include <stddef.h>

#include "util.h"

struct cmark_node;

struct outline_section {
	char		*heading;	/* plain heading text; "" for the root */
	char		*anchor;	/* explicit id or unique slug */
	int		 level;		/* 0 for the root, else 1 to 6 */
	int		 line;		/* line of the heading, 1 for the root */
	int		 parent;	/* index of the parent, -1 for the root */
	struct cmark_node *first;	/* first body block, or NULL */
	struct cmark_node *end;		/* first block after the body, or NULL */
	int		 role;		/* enum kb_role, or -1 for a topic */
	int		 has_labels;	/* body has inline labels (Problem:) */
	int		 is_card;	/* this section starts a card */
	int		 is_error;	/* its heading is an error message or code */
	int		 owner;		/* index of the section owning its card */
};

struct outline {
	struct outline_section *v;	/* v[0] is the document root */
	size_t		 n, cap;
};

/*
 * Builds the outline of the tree root for document name; duplicate ids
 * are reported.  Returns 0.  Release with outline_release().
 */
int	 outline_build(struct cmark_node *root, const char *name,
	    struct outline *o);
void	 outline_release(struct outline *o);

/*
 * Appends the literal of a code span to sb, without the backslash escapes
 * writers put in code spans by habit ("SCARD\_E\_NO\_SERVICE").
 */
void	 outline_add_code(struct strbuf *sb, const char *lit);
/*
 * Appends the plain text of node's inline content to sb: emphasis and
 * links reduced to their text, images to their alt text, soft breaks to
 * spaces, HTML tags dropped.
 */
void	 outline_text(struct cmark_node *node, struct strbuf *sb);

/* Nonzero when a .txt document holds markdown rather than plain text. */
int	 outline_is_markdown(const char *text);

/*
 * Returns markdown for a page scraped to plain text: stand-alone lines
 * that name a section or read "Step N:" become headings, bullets and
 * numbered lines become nested lists, alert words become alerts.  Every
 * input line is one output line.  Caller frees.
 */
char	*outline_recover_plain(const char *text, size_t *len);

#endif
