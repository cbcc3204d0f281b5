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
struct fts5_api;
struct stemmer;

/* Called for each term of the text; nonzero stops the run. */
typedef int	(*stem_fn)(void *ctx, const char *term, size_t len);

/*
 * db's FTS5 extension API (from "SELECT fts5(?1)"), or NULL after
 * printing why: SQLite without FTS5, or too old.
 */
struct fts5_api	*stem_fts5_api(struct sqlite3 *db);

/*
 * The tokenizer of an FTS5 module (stem_fts5_api(), or NULL for none),
 * or NULL after printing why.  Free with stemmer_close() before closing
 * its database.
 */
struct stemmer	*stemmer_open(struct fts5_api *api);
void		 stemmer_close(struct stemmer *s);

/*
 * Calls fn for each term of text[0..len), in order.  Returns 0, fn's
 * nonzero value, or -1 if the tokenizer failed.
 */
int		 stemmer_run(struct stemmer *s, const char *text, size_t len,
		    stem_fn fn, void *ctx);

#endif
