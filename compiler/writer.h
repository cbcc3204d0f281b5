/* SPDX-License-Identifier: MIT */
/*
 * Writing the index atomically: everything goes into a temporary file
 * beside the output in one transaction, which is checked, synced and
 * renamed over the old index only when the whole build succeeded.
 */
#ifndef KB_WRITER_H
#define KB_WRITER_H

#include <stddef.h>

struct kb_doc;
struct kb_include;
struct writer;

/* What writer_commit() did. */
struct writer_stats {
	size_t	 changed;	/* documents written: new or changed */
	size_t	 removed;	/* documents of OUT no longer there */
	int	 delta;	/* built on a copy of OUT */
	int	 up_to_date;	/* nothing changed: OUT left untouched */
	int	 full_check;	/* quick_check and FTS5 integrity-checks ran */
};

/*
 * Starts a build of the index at out.  Refuses an out that is a
 * directory or an existing file that is not a kbsearch index, and removes
 * the temporary files of builds whose process is gone.  With reuse and an
 * existing out written by this same kbc, the build is a delta: out's
 * documents are read, and at the first change out is copied into the
 * temporary file, where only changed documents are deleted and written.
 * Returns NULL after reporting why.
 */
struct writer	*writer_open(const char *out, int reuse);

/*
 * Adds one document and its cards.  Returns 0, 1 when a delta build
 * found the same document with the same hash, size and cards in out
 * (nothing written), or -1 after reporting.
 */
int		 writer_add_doc(struct writer *w, const struct kb_doc *doc,
		    unsigned long long hash, size_t size);

/*
 * Keeps the document at path as it is in out (a delta build) when it has
 * the same hash and size there.  Returns 1 when kept (*ncards receives
 * its number of cards), 0 when the caller must compile it (not there,
 * changed, or a full build), -1 after an earlier error.
 */
int		 writer_reuse_doc(struct writer *w, const char *path,
		    unsigned long long hash, size_t size, size_t *ncards);

/*
 * The files that the document at path included when out was written (a
 * delta build), in the order they were read, with their hashes then;
 * NULL and *n = 0 when there were none or there is no such document.
 * Borrowed until w is freed.  writer_reuse_doc() does not look at them:
 * a caller keeps a document that included files only when each of them
 * still has the same bytes.
 */
const struct kb_include *writer_includes(struct writer *w, const char *path,
		    size_t *n);

/* Adds a synonym: term (one word) also matches expansion.  0 or -1. */
int		 writer_add_synonym(struct writer *w, const char *term,
		    const char *expansion);

/*
 * Marks near-duplicate cards, checks the new index, and publishes it by
 * rename(2); a delta build that changed nothing publishes nothing.
 * Fills *ws and frees w.  Returns 0 when published, 1 when out was up to
 * date, or -1 with the old index untouched.
 */
int		 writer_commit(struct writer *w, struct writer_stats *ws);

/* Abandons the build: removes the temporary file and frees w. */
void		 writer_abort(struct writer *w);

/* Async-signal-safe: removes the temporary file of a build under way. */
void		 writer_signal_cleanup(void);

#endif
