/* SPDX-License-Identifier: MIT */
/*
 * FTS5's own tokenizer, called from C, configured as card_fts is (see
 * KB_FTS_TOKENIZE in schema.h).  kbc keys the term_df table by the terms
 * it yields, and kbsearch looks a word's card count up there: the same
 * stems FTS5 indexes, without running a MATCH for each word.
 */
#ifndef KB_STEM_H
#define KB_STEM_H

#include <stddef.h>

struct sqlite3;
struct stemmer;

/* Called for each term of the text; nonzero stops the run. */
typedef int	(*stem_fn)(void *ctx, const char *term, size_t len);

/*
 * The tokenizer of db's FTS5 module, or NULL after printing why (SQLite
 * without FTS5 or its extension API, out of memory).  Free with
 * stemmer_close() before closing db.
 */
struct stemmer	*stemmer_open(struct sqlite3 *db);
void		 stemmer_close(struct stemmer *s);

/*
 * Calls fn for each term of text[0..len), in order.  Returns 0, fn's
 * nonzero value, or -1 if the tokenizer failed.
 */
int		 stemmer_run(struct stemmer *s, const char *text, size_t len,
		    stem_fn fn, void *ctx);

#endif
