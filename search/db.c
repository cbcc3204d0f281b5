/* SPDX-License-Identifier: MIT */
/*
 * Opening the index (matcher stage 0).  The file is checked before SQLite
 * sees it (regular file, not empty), opened read-only, and its
 * application_id and user_version are read before anything else, so a
 * foreign or stale file gives a clear message instead of an SQL error.
 * Also registers kb_hits(), the FTS5 auxiliary function retrieve.c uses to
 * learn which query terms a card contains and in which columns.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "msg.h"
#include "schema.h"
#include "stem.h"
#include "util.h"

/*
 * A foreign writer holding a lock becomes a clear error after this long
 * instead of a hang (RELIABILITY.md section 3).
 */
#define KB_BUSY_TIMEOUT_MS	2000
/*
 * Memory-map up to this much of an index file: the whole of a
 * 20,000-document index (about 50 MB) with room to spare, which saves a
 * read() and a copy per page on every query.
 */
#define KB_MMAP_BYTES		"268435456"
/*
 * SQLite's heap, for the whole process: a damaged index can make FTS5
 * ask for a buffer of a gigabyte (tests/fuzz/fuzz_index found one), which
 * then fails as "out of memory" instead of swapping.  A search of the
 * whole corpus stays under 32 MiB (RELIABILITY.md section 7).
 */
#define KB_HEAP_MAX_MB		256
/* kb_hits() reports at most this many phrases; retrieve.c uses fewer. */
#define KB_HITS_PHRASES_MAX	256

/* bm25() column weights: an error string is the best evidence, steps the
 * weakest (they mention every tool and console page on the way). */
#define W_TITLE		"5.0"
#define W_SYMPTOM	"6.0"
#define W_ERRORS	"10.0"
#define W_CAUSE		"3.0"
#define W_STEPS		"1.0"

struct db {
	sqlite3		*sql;			/* the connection */
	sqlite3_stmt	*stmt[STMT__MAX];	/* prepared at open */
	char		*name;			/* path or "built-in index" */
	struct stemmer	*stem;			/* card_fts's tokenizer */
};

/* The one term a word stands for, in db_word_df(). */
struct one_term {
	struct strbuf	 term;
	int		 n;			/* terms seen */
};

/* The image generated at build time from kb/ (kb_image.c). */
extern const unsigned char kb_image[];
extern const size_t kb_image_size;

static int	 check_file(const char *);
static int	 check_header(struct db *);
static struct db *db_ready(struct db *, int);
static int	 fail(struct db *, const char *, int);
static void	 hits_fn(const Fts5ExtensionApi *, Fts5Context *,
		    sqlite3_context *, int, sqlite3_value **);
static int	 pragma_int(struct db *, const char *, long long *);
static int	 prepare_all(struct db *);
static int	 register_hits(struct db *, fts5_api *);

static const char *const stmt_sql[STMT__MAX] = {
	[STMT_CARD_COUNT] = "SELECT count(*) FROM " KB_TABLE_CARD,
	[STMT_ERRSTR_EQ] = "SELECT id, card_id, text, norm FROM "
	    KB_TABLE_ERRSTR " WHERE norm = ?1 ORDER BY id LIMIT 16",
	[STMT_ERRSTR_GET] = "SELECT card_id, text, norm FROM "
	    KB_TABLE_ERRSTR " WHERE id = ?1",
	[STMT_TRI] = "SELECT rowid FROM " KB_TABLE_ERR_TRI
	    " WHERE " KB_TABLE_ERR_TRI " MATCH ?1"
	    " ORDER BY bm25(" KB_TABLE_ERR_TRI "), rowid LIMIT ?2",
	[STMT_CODE_CARDS] = "SELECT DISTINCT card_id FROM " KB_TABLE_CODE
	    " WHERE code = ?1 ORDER BY card_id",
	[STMT_TERM_DF] = "SELECT count(*) FROM " KB_TABLE_CARD_FTS
	    " WHERE " KB_TABLE_CARD_FTS " MATCH ?1",
	[STMT_WORD_DF] = "SELECT df FROM " KB_TABLE_TERM_DF " WHERE term = ?1",
	[STMT_TERM_ANY] = "SELECT EXISTS (SELECT 1 FROM " KB_TABLE_CARD_FTS
	    " WHERE " KB_TABLE_CARD_FTS " MATCH ?1)",
	/* a term's expansion, else the term a one-word expansion stands for
	   ("processor" in a paste finds cards that say "CPU") */
	[STMT_SYNONYM] = "SELECT e FROM (SELECT expansion AS e, 0 AS k,"
	    " rowid AS r FROM " KB_TABLE_SYNONYM " WHERE term = ?1"
	    " UNION ALL SELECT term, 1, rowid FROM " KB_TABLE_SYNONYM
	    " WHERE expansion = ?1) ORDER BY k, r LIMIT 1",
	[STMT_VOCAB] = "SELECT term, doc FROM " KB_TABLE_CARD_VOCAB
	    " WHERE term >= ?1 AND term < ?2",
	[STMT_FTS] = "SELECT rowid, -bm25(" KB_TABLE_CARD_FTS ", " W_TITLE
	    ", " W_SYMPTOM ", " W_ERRORS ", " W_CAUSE ", " W_STEPS "),"
	    " kb_hits(" KB_TABLE_CARD_FTS ", ?3, ?4) FROM " KB_TABLE_CARD_FTS
	    " WHERE " KB_TABLE_CARD_FTS " MATCH ?1"
	    " ORDER BY 2 DESC, rowid LIMIT ?2",
	[STMT_FTS_HITS] = "SELECT kb_hits(" KB_TABLE_CARD_FTS ") FROM "
	    KB_TABLE_CARD_FTS " WHERE " KB_TABLE_CARD_FTS " MATCH ?1"
	    " AND rowid = ?2",
	[STMT_CARD] = "SELECT c.title, c.anchor, c.symptom, c.cause,"
	    " c.notes, c.dup_of, d.path, d.title FROM " KB_TABLE_CARD " c"
	    " JOIN " KB_TABLE_DOC " d ON d.id = c.doc_id WHERE c.id = ?1",
	[STMT_STEPS] = "SELECT depth, text, note, line FROM " KB_TABLE_STEP
	    " WHERE card_id = ?1 ORDER BY ord",
	[STMT_DUPS] = "SELECT id FROM " KB_TABLE_CARD
	    " WHERE dup_of = ?1 ORDER BY id",
	[STMT_CARD_FIND] = "SELECT c.id, c.anchor FROM " KB_TABLE_CARD
	    " c JOIN " KB_TABLE_DOC " d ON d.id = c.doc_id WHERE d.path = ?1"
	    " AND c.anchor = ?2 COLLATE NOCASE"
	    " ORDER BY c.anchor = ?2 DESC, c.ord LIMIT 1",
	[STMT_DOC_CARDS] = "SELECT c.id, c.anchor, c.title FROM "
	    KB_TABLE_CARD " c JOIN " KB_TABLE_DOC " d ON d.id = c.doc_id"
	    " WHERE d.path = ?1 ORDER BY c.ord",
	[STMT_DOC_FIND] = "SELECT path FROM " KB_TABLE_DOC
	    " WHERE path = ?1 COLLATE NOCASE"
	    " OR substr(path, -length(?1) - 1) = ('/' || ?1) COLLATE NOCASE"
	    " ORDER BY path = ?1 DESC, path LIMIT 8",
	[STMT_ANCHOR_FIND] = "SELECT d.path, c.anchor FROM " KB_TABLE_CARD
	    " c JOIN " KB_TABLE_DOC " d ON d.id = c.doc_id"
	    " WHERE c.anchor = ?1 COLLATE NOCASE ORDER BY d.path, c.ord"
	    " LIMIT 8",
	[STMT_CARD_MORE] = "SELECT diagnosis FROM " KB_TABLE_CARD
	    " WHERE id = ?1",
	[STMT_ERRSTRS] = "SELECT text FROM " KB_TABLE_ERRSTR
	    " WHERE card_id = ?1 ORDER BY id",
	[STMT_LINKS] = "SELECT target, text, line FROM " KB_TABLE_LINK
	    " WHERE card_id = ?1 ORDER BY rowid",
};

/*
 * Maps a failed call to a message; codes that mean "this file is not a
 * usable index" say what to do about it.
 */
static int
fail(struct db *db, const char *what, int rc)
{
	const char	*name = db->name;

	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		return msg_error("%s: not a kbsearch index", name);
	case SQLITE_CORRUPT:
		return msg_error("%s: index is damaged; rebuild with kbc",
		    name);
	case SQLITE_NOMEM:
		return msg_error("%s: %s: out of memory (SQLite may use %d"
		    " MiB); if the index is damaged, rebuild with kbc", name,
		    what, KB_HEAP_MAX_MB);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return msg_error("%s: index is locked by another process"
		    " (waited %d ms); try again when it has finished", name,
		    KB_BUSY_TIMEOUT_MS);
	case SQLITE_READONLY:
		/*
		 * kbc never leaves a journal (it builds a temporary file in
		 * memory-journal mode), so a hot one is another program's
		 * unfinished write, which a read-only connection cannot undo.
		 */
		if (rc == SQLITE_READONLY_ROLLBACK)
			return msg_error("%s: unfinished write by another"
			    " program (%s-journal); remove that file and"
			    " rebuild with kbc", name, name);
		return msg_error("%s: %s: %s (changed by another program?);"
		    " rebuild with kbc", name, what, sqlite3_errmsg(db->sql));
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		/* SQLite's text alone does not say which system call failed */
		if (db->sql != NULL && sqlite3_system_errno(db->sql) != 0)
			return msg_error("%s: %s: %s (%s)", name, what,
			    sqlite3_errmsg(db->sql),
			    strerror(sqlite3_system_errno(db->sql)));
		return msg_error("%s: %s: %s", name, what,
		    db->sql != NULL ? sqlite3_errmsg(db->sql) :
		    sqlite3_errstr(rc));
	default:
		return msg_error("%s: %s: %s", name, what,
		    db->sql != NULL ? sqlite3_errmsg(db->sql) :
		    sqlite3_errstr(rc));
	}
}

const char *
db_text(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);

	return s != NULL ? s : "";
}

char *
db_text_dup(sqlite3_stmt *st, int col)
{
	return xstrdup(db_text(st, col));
}

int
db_fail(struct db *db)
{
	return fail(db, "cannot read index", sqlite3_errcode(db->sql));
}

/*
 * open(2) and fstat(2) first: SQLite opens directories and empty files
 * "fine", and says only "unable to open database file" when it cannot.
 */
static int
check_file(const char *path)
{
	struct stat	 st;
	int		 fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return msg_error("cannot open index %s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		return msg_error("cannot open index %s: %s", path,
		    strerror(saved));
	}
	close(fd);
	if (S_ISDIR(st.st_mode))
		return msg_error("%s: is a directory, not a kbsearch index",
		    path);
	if (!S_ISREG(st.st_mode))
		return msg_error("%s: not a regular file", path);
	if (st.st_size == 0)
		return msg_error("%s: not a kbsearch index (empty file)", path);
	return 0;
}

static int
pragma_int(struct db *db, const char *sql, long long *out)
{
	sqlite3_stmt	*st;
	int		 rc;

	*out = 0;
	rc = sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(db, "cannot read index header", rc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return fail(db, "cannot read index header", rc);
	return 0;
}

/* application_id and user_version, before any table is touched. */
static int
check_header(struct db *db)
{
	long long	 appid, version;

	if (pragma_int(db, "PRAGMA application_id", &appid) == -1 ||
	    pragma_int(db, "PRAGMA user_version", &version) == -1)
		return -1;
	if (appid != KB_APPLICATION_ID)
		return msg_error("%s: not a kbsearch index", db->name);
	if (version != KB_SCHEMA_VERSION)
		return msg_error("%s: index schema version %lld, expected %d:"
		    " rebuild with kbc", db->name, version, KB_SCHEMA_VERSION);
	return 0;
}

/*
 * kb_hits(card_fts [, nterm, width]): one byte per phrase of the MATCH
 * expression, the bit (1 << column) set for each column where that phrase
 * occurs in the row.  With nterm and width, KB_HITS_NEAR is also set on
 * the phrases below nterm that occur in the title, or in the stretch of
 * width tokens of one other column that holds the most of them: words of
 * a paste found together, not scattered over a long card.
 */
static void	 mark_near(const Fts5ExtensionApi *, Fts5Context *, int,
		    unsigned char *, int, int);

static void
hits_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
    int nval, sqlite3_value **val)
{
	unsigned char	 hits[KB_HITS_PHRASES_MAX];
	int		 nphrase, ninst, i, phrase, col, off, nterm = 0, width = 0;

	if (nval == 2) {
		nterm = sqlite3_value_int(val[0]);
		width = sqlite3_value_int(val[1]);
	}
	nphrase = api->xPhraseCount(fts);
	if (nphrase > KB_HITS_PHRASES_MAX)
		nphrase = KB_HITS_PHRASES_MAX;
	memset(hits, 0, sizeof(hits));
	if (api->xInstCount(fts, &ninst) != SQLITE_OK) {
		sqlite3_result_error(ctx, "kb_hits: cannot count instances",
		    -1);
		return;
	}
	for (i = 0; i < ninst; i++) {
		if (api->xInst(fts, i, &phrase, &col, &off) != SQLITE_OK)
			break;
		if (phrase < nphrase && col >= 0 && col < 7)
			hits[phrase] |= (unsigned char)(1u << col);
	}
	if (nterm > 0 && width > 0)
		mark_near(api, fts, ninst, hits, nterm < nphrase ? nterm :
		    nphrase, width);
	sqlite3_result_blob(ctx, hits, nphrase, SQLITE_TRANSIENT);
}

/*
 * Sets KB_HITS_NEAR in hits on the phrases below nterm found in the
 * title (column 0), and on those of the window of width tokens of one
 * other column holding the most distinct ones.  FTS5 reports instances
 * in column and offset order, which the sliding window relies on.
 */
static void
mark_near(const Fts5ExtensionApi *api, Fts5Context *fts, int ninst,
    unsigned char *hits, int nterm, int width)
{
	unsigned short	 cnt[KB_HITS_PHRASES_MAX];
	int		 lo = 0, hi, distinct = 0, best = 0, bcol = -1, bfrom = 0;
	int		 bto = 0, p, c, o, lp, lc, lo_off, k;

	memset(cnt, 0, sizeof(cnt));
	for (hi = 0; hi < ninst; hi++) {
		if (api->xInst(fts, hi, &p, &c, &o) != SQLITE_OK)
			return;
		if (p >= nterm)
			continue;
		if (c == 0) {
			hits[p] |= KB_HITS_NEAR;
			continue;
		}
		/* drop instances of another column or too far back */
		for (; lo < hi; lo++) {
			if (api->xInst(fts, lo, &lp, &lc, &lo_off) != SQLITE_OK)
				return;
			if (lp >= nterm || lc == 0)
				continue;
			if (lc == c && o - lo_off < width)
				break;
			if (--cnt[lp] == 0)
				distinct--;
		}
		if (cnt[p]++ == 0)
			distinct++;
		if (distinct > best) {
			best = distinct;
			bcol = c;
			bfrom = lo;
			bto = hi;
		}
	}
	for (k = bfrom; bcol > 0 && k <= bto; k++)
		if (api->xInst(fts, k, &p, &c, &o) == SQLITE_OK &&
		    p < nterm && c == bcol)
			hits[p] |= KB_HITS_NEAR;
}

/* kb_hits() in api, the connection's FTS5 (NULL: reported already). */
static int
register_hits(struct db *db, fts5_api *api)
{
	int		 rc;

	if (api == NULL)
		return -1;
	rc = api->xCreateFunction(api, "kb_hits", NULL, hits_fn, NULL);
	if (rc != SQLITE_OK)
		return fail(db, "cannot register kb_hits", rc);
	return 0;
}

static int
prepare_all(struct db *db)
{
	int	 i, rc;

	for (i = 0; i < STMT__MAX; i++) {
		rc = sqlite3_prepare_v3(db->sql, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &db->stmt[i], NULL);
		if (rc == SQLITE_OK)
			continue;
		/* the header was right, so a missing table means damage */
		if ((rc & 0xff) == SQLITE_ERROR)
			return msg_error("%s: index is damaged (%s);"
			    " rebuild with kbc", db->name,
			    sqlite3_errmsg(db->sql));
		return fail(db, "cannot prepare query", rc);
	}
	return 0;
}

/*
 * The checks and settings common to a file and an image: header, pragmas,
 * kb_hits(), statements.  Returns db, or NULL after closing it.
 */
static struct db *
db_ready(struct db *db, int mapped)
{
	fts5_api	*api;
	int		 rc;

	sqlite3_extended_result_codes(db->sql, 1);
	sqlite3_busy_timeout(db->sql, KB_BUSY_TIMEOUT_MS);
	sqlite3_hard_heap_limit64((sqlite3_int64)KB_HEAP_MAX_MB << 20);
	if (check_header(db) == -1)
		goto fail;
	/*
	 * temp_store=MEMORY: sorting never needs a writable TMPDIR.
	 * query_only: a second guard, besides the read-only open.
	 */
	rc = sqlite3_exec(db->sql, "PRAGMA temp_store=MEMORY;"
	    "PRAGMA query_only=1;", NULL, NULL, NULL);
	if (rc == SQLITE_OK && mapped)
		rc = sqlite3_exec(db->sql, "PRAGMA mmap_size=" KB_MMAP_BYTES,
		    NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		fail(db, "cannot configure connection", rc);
		goto fail;
	}
	api = stem_fts5_api(db->sql);
	if (register_hits(db, api) == -1 || prepare_all(db) == -1 ||
	    (db->stem = stemmer_open(api)) == NULL)
		goto fail;
	return db;
fail:
	db_close(db);
	return NULL;
}

struct db *
db_open(const char *path)
{
	struct db	*db;
	const char	*env;
	int		 rc;

	if (path == NULL && (env = getenv("KBSEARCH_DB")) != NULL &&
	    *env != '\0')
		path = env;
	if (path == NULL) {
		if (kb_image_size == 0) {
			msg_error("no built-in index in this build:"
			    " use --db FILE or set KBSEARCH_DB");
			return NULL;
		}
		return db_open_image(kb_image, kb_image_size,
		    "built-in index");
	}
	db = xcalloc(1, sizeof(*db));
	db->name = xstrdup(path);
	if (check_file(path) == -1)
		goto fail;
	rc = sqlite3_open_v2(path, &db->sql, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		fail(db, "cannot open index", rc);
		goto fail;
	}
	return db_ready(db, 1);
fail:
	db_close(db);
	return NULL;
}

struct db *
db_open_image(const void *image, size_t size, const char *name)
{
	struct db	*db = xcalloc(1, sizeof(*db));
	int		 rc;

	db->name = xstrdup(name);
	if (size == 0) {
		msg_error("%s: not a kbsearch index (empty image)", name);
		goto fail;
	}
	rc = sqlite3_open_v2(":memory:", &db->sql, SQLITE_OPEN_READWRITE,
	    NULL);
	if (rc != SQLITE_OK) {
		fail(db, "cannot open index", rc);
		goto fail;
	}
	/*
	 * READONLY: SQLite never writes to the image, so a const array in
	 * .rodata can be handed over as is.
	 */
	rc = sqlite3_deserialize(db->sql, "main",
	    (unsigned char *)(size_t)image, (sqlite3_int64)size,
	    (sqlite3_int64)size, SQLITE_DESERIALIZE_READONLY);
	if (rc != SQLITE_OK) {
		fail(db, "cannot load index", rc);
		goto fail;
	}
	return db_ready(db, 0);
fail:
	db_close(db);
	return NULL;
}

void
db_close(struct db *db)
{
	int	 i;

	if (db == NULL)
		return;
	for (i = 0; i < STMT__MAX; i++)
		sqlite3_finalize(db->stmt[i]);
	stemmer_close(db->stem);
	sqlite3_close(db->sql);
	free(db->name);
	free(db);
}

struct sqlite3_stmt *
db_stmt(struct db *db, enum db_stmt which)
{
	sqlite3_stmt	*st = db->stmt[which];

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

const char *
db_name(const struct db *db)
{
	return db->name;
}

/* stem_fn: keeps the first term, stops at the second. */
static int
first_term(void *ctx, const char *term, size_t len)
{
	struct one_term	*o = ctx;

	if (o->n++ > 0)
		return 1;
	sb_add(&o->term, term, len);
	return 0;
}

int
db_word_stem(struct db *db, const char *w, size_t len, struct strbuf *out)
{
	struct one_term	 o = { { 0 }, 0 };
	int		 rc;

	rc = stemmer_run(db->stem, w, len, first_term, &o);
	if (rc == -1) {
		sb_release(&o.term);
		return msg_error("%s: the FTS5 tokenizer failed", db->name);
	}
	if (o.n != 1) {
		sb_release(&o.term);
		return 1;
	}
	sb_reset(out);
	sb_add(out, o.term.buf, o.term.len);
	sb_release(&o.term);
	return 0;
}

int
db_term_df(struct db *db, const char *term, long long *df)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_WORD_DF);
	int		 rc;

	*df = 0;
	sqlite3_bind_text(st, 1, term, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*df = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db);
	return 0;
}

int
db_word_df(struct db *db, const char *w, size_t len, long long *df)
{
	struct strbuf	 stem = { 0 };
	int		 rc;

	*df = 0;
	if ((rc = db_word_stem(db, w, len, &stem)) == 0)
		rc = db_term_df(db, stem.buf, df);
	sb_release(&stem);
	return rc;
}
