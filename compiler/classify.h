/* SPDX-License-Identifier: MIT */
/*
 * Giving each section of an outline a role (symptom, cause, diagnosis,
 * procedure, note, or topic) and deciding which sections start cards.
 */
#ifndef KB_CLASSIFY_H
#define KB_CLASSIFY_H

struct cmark_node;
struct outline;

/*
 * If node is an inline label ("**Problem**:", "**Cause:**") returns its
 * role and sets *colon when the colon follows in the next text node;
 * otherwise returns -1.
 */
int	 classify_label(struct cmark_node *strong, int *colon);

/* Nonzero when a topic heading is itself an error message or code. */
int	 classify_error_heading(const char *heading);

/* Sets role, has_labels, is_card and owner of every section of o. */
void	 classify_outline(struct outline *o);

#endif
