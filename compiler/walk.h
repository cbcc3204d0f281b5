/* SPDX-License-Identifier: MIT */
/*
 * Expanding the DIR|FILE arguments of kbc into a sorted list of documents.
 */
#ifndef KB_WALK_H
#define KB_WALK_H

#include <stddef.h>

/* What stat(2) said of a document when it was found (see cache.h). */
struct walk_stamp {
	long long	 size;		/* st_size */
	long long	 mtime;		/* st_mtim, ns since the epoch */
	long long	 ctime;		/* st_ctim, ns since the epoch */
	unsigned long long dev;		/* st_dev */
	unsigned long long ino;		/* st_ino */
};

struct walk_entry {
	char	*path;		/* path to open */
	char	*id;		/* doc id: path under the root, no extension */
	char	*root;		/* the KB root the id is relative to */
	int	 is_arg;	/* named on the command line, not found in a DIR */
	struct walk_stamp stamp; /* taken before the file is read */
};

struct walk_list {
	struct walk_entry *v;	/* entries sorted by id */
	size_t		 n, cap;
};

/* Nonzero when name ends in .md, .markdown or .txt. */
int	 walk_is_doc(const char *name);

/*
 * Adds the documents named by arg (a file, or a directory searched
 * recursively) to list.  Problems are reported as errors and the walk
 * goes on.  Returns 0, or -1 when arg itself cannot be used.
 */
int	 walk_add(struct walk_list *list, const char *arg);
/* Sorts by id and drops duplicates. */
void	 walk_finish(struct walk_list *list);
void	 walk_release(struct walk_list *list);

#endif
