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
struct writer;

/*
 * Starts a build of the index at out.  Refuses an out that is a
 * directory or an existing file that is not a kbsearch index, and removes
 * the temporary files of builds whose process is gone.  With reuse, an
 * existing out written by this same kbc is opened read-only so that
 * writer_reuse_doc() can copy from it.  Returns NULL after reporting why.
 */
struct writer	*writer_open(const char *out, int reuse);

/* Adds one document and its cards.  Returns 0, or -1 after reporting. */
int		 writer_add_doc(struct writer *w, const struct kb_doc *doc,
		    unsigned long long hash, size_t size);

/*
 * Copies the document at path from the previous index when it has the
 * same hash and size there, with new ids, as writer_add_doc() would have
 * written it.  Returns 1 when copied (*ncards receives its number of
 * cards), 0 when the caller must compile it (not there, changed, or no
 * previous index), -1 after reporting a write error.
 */
int		 writer_reuse_doc(struct writer *w, const char *path,
		    unsigned long long hash, size_t size, size_t *ncards);

/* Adds a synonym: term (one word) also matches expansion.  0 or -1. */
int		 writer_add_synonym(struct writer *w, const char *term,
		    const char *expansion);

/*
 * Marks near-duplicate cards, checks the new index, and publishes it by
 * rename(2).  Frees w.  Returns 0, or -1 with the old index untouched.
 */
int		 writer_commit(struct writer *w);

/* Abandons the build: removes the temporary file and frees w. */
void		 writer_abort(struct writer *w);

/* Async-signal-safe: removes the temporary file of a build under way. */
void		 writer_signal_cleanup(void);

#endif
