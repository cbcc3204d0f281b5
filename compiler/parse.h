/* SPDX-License-Identifier: MIT */
/*
 * Turning document text into a cmark tree: YAML front matter first, then
 * cmark-gfm with the table extension.  Only this stage creates and frees
 * trees.
 */
#ifndef KB_PARSE_H
#define KB_PARSE_H

#include <stddef.h>

struct cmark_node;
struct kb_doc;

struct parse_meta {
	char	*title;		/* front-matter title, or NULL */
	char	*description;	/* front-matter description, or NULL */
};

/*
 * Removes a leading YAML front-matter block from text in place, replacing
 * its lines with blank lines so line numbers stay true, and keeps title
 * and description in meta (caller frees with parse_meta_release).
 */
void	 parse_front_matter(char *text, const char *name,
	    struct parse_meta *meta);
void	 parse_meta_release(struct parse_meta *meta);

/* Returns the tree of text; free it with parse_free(). */
struct cmark_node *parse_markdown(const char *text, size_t len);
void	 parse_free(struct cmark_node *root);

/*
 * Replaces each paragraph of root that reads "[!INCLUDE [title](file)]"
 * by the blocks of file, resolved relative to path (the including
 * document) and refused outside the directory kbroot; includes nest.
 * A missing file, one outside kbroot, a cycle or nesting too deep is a
 * warning and the paragraph is dropped.  Included blocks keep the line
 * numbers of their own file.  Unless doc is NULL, every file included,
 * at any depth, and every one that could not be, is recorded in it
 * (kb_doc_add_include()), so that a later build can tell whether the
 * document would compile the same.  Returns the number of problems
 * reported.
 */
int	 parse_includes(struct cmark_node *root, const char *path,
	    const char *kbroot, struct kb_doc *doc);

#endif
