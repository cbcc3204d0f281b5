/* SPDX-License-Identifier: MIT */
/*
 * struct kb_card, the procedure card: what outlives a parsed document and
 * the only thing writer.c sees.  Also the JSON that kbc --dump prints.
 */
#ifndef KB_CARD_H
#define KB_CARD_H

#include <stddef.h>

#include "util.h"

/* The role of a section or of an inline-labelled paragraph. */
enum kb_role {
	ROLE_OTHER,		/* background, introduction, references */
	ROLE_SYMPTOM,		/* what the user sees */
	ROLE_CAUSE,		/* why it happens */
	ROLE_DIAGNOSIS,		/* how to confirm the cause */
	ROLE_PROCEDURE,		/* what to do: resolution, workaround, steps */
	ROLE_NOTE,		/* more information, status, references */
	ROLE__MAX
};

const char *kb_role_name(enum kb_role role);

struct kb_errstr {
	char	*text;		/* the error text as a user would paste it */
	int	 line;		/* 1-based source line */
};

struct kb_code {
	char	*code;		/* canonical form from normalize_codes() */
	int	 kind;		/* enum norm_code_kind */
	int	 line;		/* 1-based source line */
};

struct kb_step {
	char	*text;		/* the step as plain text */
	char	*note;		/* alerts attached to the step, or NULL */
	int	 depth;		/* 0 for a top-level step, 1 for a sub-step... */
	int	 line;		/* 1-based source line */
};

struct kb_link {
	char	*target;	/* URL, "#anchor" or relative path, as written */
	char	*text;		/* link text */
	int	 line;		/* 1-based source line */
};

struct kb_section {
	char	*heading;	/* heading text of a section merged into the card */
	enum kb_role role;	/* its role */
	int	 line;		/* 1-based source line */
};

struct kb_card {
	char		*anchor;	/* explicit id, else a unique slug */
	char		*title;		/* the card's heading */
	int		 line;		/* line of the heading, 1 without one */
	struct strbuf	 symptom;	/* what the user sees, prose */
	struct strbuf	 cause;		/* why it happens, prose */
	struct strbuf	 diagnosis;	/* how to confirm it, prose */
	struct strbuf	 notes;		/* alerts not attached to a step */
	struct strbuf	 other;		/* other prose: indexed, not shown */
	struct kb_errstr *errs;		/* exact error strings */
	size_t		 nerrs, errs_cap;
	struct kb_code	*codes;		/* error codes, event ids, ports */
	size_t		 ncodes, codes_cap;
	struct kb_step	*steps;		/* ordered steps, sub-steps kept */
	size_t		 nsteps, steps_cap;
	struct kb_link	*links;		/* cross references */
	size_t		 nlinks, links_cap;
	struct kb_section *sections;	/* sections merged into this card */
	size_t		 nsections, sections_cap;
};

/* A file that a document transcluded with [!INCLUDE], at any depth. */
struct kb_include {
	char		*path;		/* relative to the KB root */
	unsigned long long hash;	/* hash64() of its bytes on disk */
	int		 is_read;	/* 0: refused or unreadable (reported) */
};

/* One compiled document: its cards, owned by it. */
struct kb_doc {
	char		*path;		/* path relative to the KB root */
	char		*title;		/* document title */
	char		*description;	/* front-matter description, or "" */
	struct kb_card	**cards;	/* cards in document order */
	size_t		 ncards, cards_cap;
	struct kb_include *includes;	/* files read for it, in order */
	size_t		 nincludes, includes_cap;
};

/* Returns a new empty card with copies of anchor and title. */
struct kb_card	*kb_card_new(const char *anchor, const char *title, int line);
void		 kb_card_free(struct kb_card *card);

/* The add functions copy their strings; duplicates are ignored. */
void	 kb_card_add_err(struct kb_card *card, const char *text, int line);
void	 kb_card_add_code(struct kb_card *card, const char *code, int kind,
	    int line);
/* Returns the index of the new step. */
size_t	 kb_card_add_step(struct kb_card *card, const char *text, int depth,
	    int line);
/* Appends note to the note of step i. */
void	 kb_card_step_note(struct kb_card *card, size_t i, const char *note);
void	 kb_card_add_link(struct kb_card *card, const char *target,
	    const char *text, int line);
void	 kb_card_add_section(struct kb_card *card, const char *heading,
	    enum kb_role role, int line);
/* Appends a paragraph of prose to one of the card's text fields. */
void	 kb_card_add_text(struct strbuf *field, const char *text);

/* Returns a new document record for path (copied). */
struct kb_doc	*kb_doc_new(const char *path, const char *title);
void		 kb_doc_free(struct kb_doc *doc);
/* Appends card to doc, which takes ownership. */
void		 kb_doc_add_card(struct kb_doc *doc, struct kb_card *card);
/* Records a file that doc included (path is copied); see kb_include. */
void		 kb_doc_add_include(struct kb_doc *doc, const char *path,
		    unsigned long long hash, int is_read);

/* Appends the cards of doc as one JSON document (kbc --dump format). */
void		 kb_doc_json(const struct kb_doc *doc, struct strbuf *out);

#endif
