/* SPDX-License-Identifier: MIT */
/*
 * The index as kbsearch sees it: opened read-only from --db, $KBSEARCH_DB
 * or the image linked into the binary, checked for the kbsearch
 * application_id and schema version, with every statement prepared once.
 * Only db.c and retrieve.c include <sqlite3.h>; others see opaque types.
 */
#ifndef KB_DB_H
#define KB_DB_H

#include <stddef.h>

struct strbuf;

struct db;
struct sqlite3_stmt;

/* The prepared statements; retrieve.c and lookup.c bind and step them. */
enum db_stmt {
	STMT_CARD_COUNT,	/* () -> number of cards */
	STMT_ERRSTR_EQ,		/* (norm) -> id, card_id, text, norm */
	STMT_ERRSTR_GET,	/* (id) -> card_id, text, norm */
	STMT_TRI,		/* (match, limit) -> errstr id, by bm25 */
	STMT_CODE_CARDS,	/* (code) -> distinct card ids */
	STMT_TERM_DF,		/* (match) -> number of cards matching */
	STMT_WORD_DF,		/* (term) -> cards holding it (term_df) */
	STMT_TERM_ANY,		/* (match) -> 1 if a card matches, else 0 */
	STMT_SYNONYM,		/* (term) -> expansion */
	STMT_VOCAB,		/* (from, to) -> indexed terms in [from, to),
				   with the number of cards holding each */
	STMT_FTS,		/* (match, limit, nterm, width) -> card id,
				   relevance, hits */
	STMT_FTS_HITS,		/* (match, card id) -> hits */
	STMT_CARD,		/* (id) -> title, anchor, symptom, cause, notes,
				   dup_of, doc path, doc title */
	STMT_STEPS,		/* (card id) -> depth, text, note, line */
	STMT_DUPS,		/* (card id) -> ids of cards that copy it */
	STMT_CARD_FIND,		/* (doc path, anchor) -> card id, anchor; the
				   anchor ignores case, an exact one wins */
	STMT_DOC_CARDS,		/* (doc path) -> card id, anchor, title */
	STMT_DOC_FIND,		/* (path) -> doc paths equal to it or ending
				   in "/path", ignoring case */
	STMT_ANCHOR_FIND,	/* (anchor) -> doc path, anchor of cards with
				   that anchor, ignoring case */
	STMT_CARD_MORE,		/* (id) -> diagnosis */
	STMT_ERRSTRS,		/* (card id) -> error strings */
	STMT_LINKS,		/* (card id) -> target, text, line */
	STMT__MAX
};

/*
 * In a kb_hits() byte, beside the column bits: the phrase is one of the
 * paste's words found together in the card (see hits_fn() in db.c).
 */
#define KB_HITS_NEAR	0x80

/*
 * Opens the index: path if not NULL, else $KBSEARCH_DB if set and not
 * empty, else the built-in image.  Returns NULL after printing why (no
 * such file, not an index, wrong schema version, damaged).  Free with
 * db_close().
 */
struct db	*db_open(const char *path);
/*
 * Opens the index image of size bytes at image, read-only and with the
 * checks of db_open(); name is what messages call it.  The image is not
 * copied and must outlive the handle.  NULL after printing why.
 */
struct db	*db_open_image(const void *image, size_t size,
		    const char *name);
void		 db_close(struct db *db);

/* Borrowed statement, reset and with its bindings cleared. */
struct sqlite3_stmt *db_stmt(struct db *db, enum db_stmt which);

/* Where the index came from, for messages: a path or "built-in index". */
const char	*db_name(const struct db *db);

/*
 * Sets out to the one term FTS5 indexes word w[0..len) as ("faulting":
 * "fault").  Returns 0; 1 when the word is not one term; -1 after
 * reporting an error.
 */
int		 db_word_stem(struct db *db, const char *w, size_t len,
		    struct strbuf *out);
/*
 * *df: the number of cards holding term (as db_word_stem() gives it).
 * Returns 0, or -1 after reporting an error.
 */
int		 db_term_df(struct db *db, const char *term, long long *df);
/*
 * *df: the number of cards holding word w[0..len) in any field, read from
 * term_df under the term FTS5 indexes it as.  Returns 0; 1 when the word
 * is not one FTS5 term (none, or "multi-agent": count a phrase MATCH
 * instead); -1 after reporting an error.
 */
int		 db_word_df(struct db *db, const char *w, size_t len,
		    long long *df);

/*
 * Text column col of st's current row, "" for NULL: the schema says NOT
 * NULL, but a damaged index says what it likes.  db_text_dup() copies it.
 */
const char	*db_text(struct sqlite3_stmt *st, int col);
char		*db_text_dup(struct sqlite3_stmt *st, int col);

/* Reports a failed statement step ("cannot read index: ..."). */
int		 db_fail(struct db *db);

#endif
