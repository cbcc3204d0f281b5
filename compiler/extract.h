/* SPDX-License-Identifier: MIT */
/*
 * Building the cards of one document from its classified outline: prose
 * by role, exact error strings, codes, ordered steps with their notes,
 * and links.
 */
#ifndef KB_EXTRACT_H
#define KB_EXTRACT_H

struct kb_doc;
struct outline;

/* Longest error string stored; longer ones are cut with a warning. */
#define KB_ERRSTR_MAX_BYTES	1024
/* Most cards taken from one document (real maximum: 148 headings). */
#define KB_CARDS_PER_DOC_MAX	2000

/*
 * Adds to doc the cards found in the outline o of the document called
 * name (for diagnostics).  Returns the number of cards added.
 */
int	 extract_cards(struct outline *o, const char *name, struct kb_doc *doc);

#endif
