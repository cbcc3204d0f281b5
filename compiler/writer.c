/* SPDX-License-Identifier: MIT */
/*
 * Stage 6 of the compiler: the index writer.  Builds OUT.tmp.<pid> (unique,
 * so concurrent builds cannot publish each other's half-written file) in
 * one transaction with prepared statements and a sticky error, checks it
 * with quick_check and FTS5 integrity-check, fsyncs it, renames it over
 * OUT and fsyncs the directory.  Any failure leaves OUT as it was.
 * When OUT is an index written by the same kbc, an unchanged document's
 * rows are copied from it (attached read-only as "old") instead of being
 * compiled again; ids are given in the same order either way, so an
 * incremental build has the contents of a full one.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "card.h"
#include "config.h"
#include "dedup.h"
#include "msg.h"
#include "normalize.h"
#include "schema.h"
#include "stem.h"
#include "util.h"
#include "writer.h"

enum stmt {
	STMT_INSERT_DOC,
	STMT_INSERT_CARD,
	STMT_SET_DUP,
	STMT_INSERT_SECTION,
	STMT_INSERT_ERRSTR,
	STMT_INSERT_ERR_TRI,
	STMT_INSERT_CODE,
	STMT_INSERT_STEP,
	STMT_INSERT_LINK,
	STMT_INSERT_FTS,
	STMT_INSERT_SYNONYM,
	STMT_INSERT_META,
	STMT_INSERT_SIG,
	STMT_INSERT_INCLUDE,
	STMT__MAX
};

static const char *const stmt_sql[STMT__MAX] = {
	"INSERT INTO " KB_TABLE_DOC "(path, title, description, hash, size,"
	" digest) VALUES (?, ?, ?, ?, ?, ?)",
	"INSERT INTO " KB_TABLE_CARD "(doc_id, ord, anchor, title, symptom,"
	" cause, diagnosis, notes, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	"UPDATE " KB_TABLE_CARD " SET dup_of = ? WHERE id = ?",
	"INSERT INTO " KB_TABLE_SECTION "(card_id, ord, role, heading, line)"
	" VALUES (?, ?, ?, ?, ?)",
	"INSERT INTO " KB_TABLE_ERRSTR "(card_id, text, norm, line)"
	" VALUES (?, ?, ?, ?)",
	"INSERT INTO " KB_TABLE_ERR_TRI "(rowid, norm) VALUES (?, ?)",
	"INSERT INTO " KB_TABLE_CODE "(card_id, code, kind, line)"
	" VALUES (?, ?, ?, ?)",
	"INSERT INTO " KB_TABLE_STEP "(card_id, ord, depth, text, note, line)"
	" VALUES (?, ?, ?, ?, ?, ?)",
	"INSERT INTO " KB_TABLE_LINK "(card_id, target, text, line)"
	" VALUES (?, ?, ?, ?)",
	"INSERT INTO " KB_TABLE_CARD_FTS "(rowid, title, symptom, errors,"
	" cause, steps) VALUES (?, ?, ?, ?, ?, ?)",
	"INSERT INTO " KB_TABLE_SYNONYM "(term, expansion) VALUES (?, ?)",
	"INSERT INTO " KB_TABLE_META "(key, value) VALUES (?, ?)",
	"INSERT INTO " KB_TABLE_CARD_SIG "(card_id, sig) VALUES (?, ?)",
	"INSERT INTO " KB_TABLE_DOC_INCLUDE "(doc_id, path, hash)"
	" VALUES (?, ?, ?)",
};

/*
 * A delta build (RELIABILITY.md 3.4) deletes the rows of changed and
 * removed documents one card at a time: FTS5 finds a row to delete by its
 * rowid only, and the other tables have an index on card_id.
 */
enum del_stmt {
	DEL_CARD_IDS,
	DEL_ERRSTR_IDS,
	DEL_FTS,
	DEL_ERR_TRI,
	DEL_SECTION,
	DEL_CODE,
	DEL_STEP,
	DEL_LINK,
	DEL_ERRSTR,
	DEL_SIG,
	DEL_CARD,
	DEL_INCLUDE,
	DEL_DOC,
	DEL_SYNONYMS,
	DEL_FTS_TEXT,
	DEL__MAX
};

static const char *const del_sql[DEL__MAX] = {
	"SELECT id FROM " KB_TABLE_CARD " WHERE doc_id = ?1",
	"SELECT e.id FROM " KB_TABLE_ERRSTR " e JOIN " KB_TABLE_CARD
	" c ON c.id = e.card_id WHERE c.doc_id = ?1",
	"DELETE FROM " KB_TABLE_CARD_FTS " WHERE rowid = ?1",
	"DELETE FROM " KB_TABLE_ERR_TRI " WHERE rowid = ?1",
	"DELETE FROM " KB_TABLE_SECTION " WHERE card_id IN (SELECT id FROM "
	KB_TABLE_CARD " WHERE doc_id = ?1)",
	"DELETE FROM " KB_TABLE_CODE " WHERE card_id IN (SELECT id FROM "
	KB_TABLE_CARD " WHERE doc_id = ?1)",
	"DELETE FROM " KB_TABLE_STEP " WHERE card_id IN (SELECT id FROM "
	KB_TABLE_CARD " WHERE doc_id = ?1)",
	"DELETE FROM " KB_TABLE_LINK " WHERE card_id IN (SELECT id FROM "
	KB_TABLE_CARD " WHERE doc_id = ?1)",
	"DELETE FROM " KB_TABLE_ERRSTR " WHERE card_id IN (SELECT id FROM "
	KB_TABLE_CARD " WHERE doc_id = ?1)",
	"DELETE FROM " KB_TABLE_CARD_SIG " WHERE card_id IN (SELECT id FROM "
	KB_TABLE_CARD " WHERE doc_id = ?1)",
	"DELETE FROM " KB_TABLE_CARD " WHERE doc_id = ?1",
	"DELETE FROM " KB_TABLE_DOC_INCLUDE " WHERE doc_id = ?1",
	"DELETE FROM " KB_TABLE_DOC " WHERE id = ?1",
	"DELETE FROM " KB_TABLE_SYNONYM,
	("SELECT title, symptom, errors, cause, steps FROM " KB_TABLE_CARD_FTS
	" WHERE rowid = ?1"),
};

/*
 * A delta build that changes more documents than this also runs the
 * checks of a full build (quick_check and both FTS5 integrity-checks,
 * about 0.45 s on the 66 MB whole-corpus index) and merges the FTS5
 * segments.  A smaller one checks only what it wrote (check_delta()):
 * the rest of the file is a byte copy of an index that passed the full
 * checks when it was published.  64 documents is about 1.5% of the
 * corpus; compiling them costs as much as the full checks.
 */
#define DELTA_CHECK_MAX	64
/*
 * A full build writes every row before it creates the indexes
 * (KB_SCHEMA_INDEXES: one sort each instead of ordered inserts) and
 * turns FTS5's automerge off until its 'optimize', which merges every
 * segment once anyway; then automerge goes back to FTS5's default, for
 * the delta builds that add small segments later.  About 5% of a full
 * build of the corpus.
 */
#define FTS_AUTOMERGE_OFF \
	"INSERT INTO " KB_TABLE_CARD_FTS "(" KB_TABLE_CARD_FTS ", rank)" \
	" VALUES('automerge', 0); INSERT INTO " KB_TABLE_ERR_TRI "(" \
	KB_TABLE_ERR_TRI ", rank) VALUES('automerge', 0);"
#define FTS_AUTOMERGE_DEFAULT \
	"INSERT INTO " KB_TABLE_CARD_FTS "(" KB_TABLE_CARD_FTS ", rank)" \
	" VALUES('automerge', 4); INSERT INTO " KB_TABLE_ERR_TRI "(" \
	KB_TABLE_ERR_TRI ", rank) VALUES('automerge', 4);"

/* A document of the previous index, for a delta build. */
struct olddoc {
	char		*path;		/* doc.path */
	sqlite3_int64	 id;		/* doc.id */
	sqlite3_int64	 size;		/* doc.size */
	size_t		 ncards;	/* its cards */
	char		 hash[17];	/* doc.hash */
	char		 digest[17];	/* doc.digest */
	int		 seen;		/* in this build, changed or not */
	struct kb_include *inc;		/* its doc_include rows */
	size_t		 ninc, inccap;
};

struct writer {
	sqlite3		*db;		/* the temporary index, once open */
	sqlite3_stmt	*stmt[STMT__MAX]; /* prepared once */
	sqlite3_stmt	*del[DEL__MAX];	/* deletions, delta builds */
	char		*out;		/* final path */
	char		*tmp;		/* OUT.tmp.<pid> */
	int		 rc;		/* sticky SQLite error */
	const char	*failed;	/* what the sticky error was doing */
	int		 delta;		/* building on a copy of OUT */
	int		 outfd;		/* delta: OUT, until copied; else -1 */
	int		 tmpfd;		/* delta: tmp, until copied; else -1 */
	struct olddoc	*docs;		/* delta: OUT's documents, by path */
	size_t		 ndocs;
	char		**oldsyn;	/* delta: OUT's synonyms, term\texp */
	size_t		 noldsyn;
	char		**syn;		/* delta: this build's synonyms */
	size_t		 nsyn, syncap;
	struct stemmer	*stem;		/* delta: card_fts's tokenizer */
	char		**terms;	/* delta: terms of the cards written
					   and deleted, whose term_df rows
					   change */
	size_t		 nterms, termcap;
	int		 df_all;	/* recount every term instead */
	size_t		 nwritten;	/* documents inserted */
	size_t		 nremoved;	/* documents deleted, not replaced */
	char		 compiler[17];	/* hash of kbc, hex, or "" */
};
/* The temporary path of the build under way, for signal handlers. */
static char	 signal_tmp[PATH_MAX + 32];

static int	 check(struct writer *, const char *, const char *);
static int	 check_delta(struct writer *);
static int	 check_out(const char *);
static int	 cmp_olddoc(const void *, const void *);
static void	 compiler_id(char *);
static int	 copy_file(int, int);
static void	 delete_doc(struct writer *, sqlite3_int64);
static void	 delete_each(struct writer *, enum del_stmt, enum del_stmt,
		    sqlite3_int64, const char *);
static char	*digest_doc(const struct kb_doc *);
static char	*dir_of(const char *);
static int	 exec(struct writer *, const char *);
static struct olddoc *find_doc(struct writer *, const char *);
static void	 free_olddoc(struct olddoc *);
static int	 fsync_path(const char *, int);
static int	 is_index(const char *);
static int	 load_old(struct writer *);
static int	 mark_dups(struct writer *);
static int	 materialize(struct writer *);
static int	 meta(struct writer *, const char *, const char *);
static int	 open_tmp(struct writer *, int);
static int	 remove_sidecar(const char *, const char *);
static void	 remove_stale(const char *);
static void	 step(struct writer *, enum stmt, const char *);
static int	 sync_synonyms(struct writer *);
static int	 term_add(void *, const char *, size_t);
static int	 term_cmp(const void *, const void *);
static void	 track_terms(struct writer *, const char *);
static int	 update_df(struct writer *, int);
static char	*uri_of(const char *, const char *);
void
writer_signal_cleanup(void)
{
	if (signal_tmp[0] != '\0')
		unlink(signal_tmp);
}

/* Nonzero when path is a SQLite file carrying our application id. */
static int
is_index(const char *path)
{
	unsigned char	 hdr[100];
	ssize_t		 n;
	int		 fd;
	unsigned long	 id;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, hdr, sizeof(hdr));
	close(fd);
	if (n != (ssize_t)sizeof(hdr) ||
	    memcmp(hdr, "SQLite format 3", 16) != 0)
		return 0;
	/* application_id: big-endian 32 bits at offset 68 */
	id = (unsigned long)hdr[68] << 24 | (unsigned long)hdr[69] << 16 |
	    (unsigned long)hdr[70] << 8 | hdr[71];
	return id == KB_APPLICATION_ID;
}

static int
check_out(const char *out)
{
	struct stat	 st;

	if (stat(out, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		return msg_error("cannot use %s: %s", out, strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
		return msg_error("cannot write %s: Is a directory", out);
	if (!S_ISREG(st.st_mode))
		return msg_error("cannot write %s: not a regular file", out);
	if (st.st_size > 0 && !is_index(out))
		return msg_error("refusing to overwrite %s: not a kbsearch "
		    "index", out);
	return 0;
}

static int
exec(struct writer *w, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(w->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		msg_error("cannot write %s: %s", w->tmp, err ? err :
		    sqlite3_errmsg(w->db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/*
 * The identity of the running compiler: FNV-1a of its executable.  Rows
 * are reused only from an index this very kbc wrote, since any change to
 * a stage may change what a document compiles to.  id gets "" when the
 * executable cannot be read; nothing is reused then.
 */
static void
compiler_id(char *id)
{
	unsigned char	 buf[65536];
	unsigned long long h = 0xcbf29ce484222325ULL;
	ssize_t		 n, i;
	int		 fd;

	id[0] = '\0';
	if ((fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) == -1)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++) {
			h ^= buf[i];
			h *= 0x100000001b3ULL;
		}
	close(fd);
	if (n == 0)
		snprintf(id, 17, "%016llx", h);
}

/*
 * A SQLite URI naming path, with query (may be NULL) appended: every byte
 * but [A-Za-z0-9/._~-] is %-escaped, so '?', '#' and '%' in a file name
 * stay part of it.  The caller frees the result.
 */
static char *
uri_of(const char *path, const char *query)
{
	static const char hex[] = "0123456789ABCDEF";
	struct strbuf	 sb = { 0 };
	const unsigned char *p;

	sb_adds(&sb, "file:");
	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._~-", *p) != NULL)
			sb_addc(&sb, (char)*p);
		else {
			sb_addc(&sb, '%');
			sb_addc(&sb, hex[*p >> 4]);
			sb_addc(&sb, hex[*p & 15]);
		}
	}
	if (query != NULL)
		sb_addf(&sb, "?%s", query);
	return sb_detach(&sb);
}

/*
 * Removes the OUT.tmp.<pid> files beside out whose process is gone: a
 * build killed by SIGKILL or a crash cannot remove its own.  A pid that
 * still exists (or belongs to someone we may not signal) is left alone.
 */
static void
remove_stale(const char *out)
{
	DIR		*d;
	struct dirent	*de;
	struct strbuf	 sb = { 0 };
	const char	*base, *p;
	char		*dir, *end;
	size_t		 len;
	long		 pid;

	base = strrchr(out, '/');
	base = base ? base + 1 : out;
	if ((len = strlen(base)) == 0)
		return;
	dir = dir_of(out);
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, base, len) != 0 ||
		    strncmp(de->d_name + len, ".tmp.", 5) != 0)
			continue;
		p = de->d_name + len + 5;
		if (*p < '1' || *p > '9')
			continue;
		errno = 0;
		pid = strtol(p, &end, 10);
		if (*end != '\0' || errno != 0 || pid > INT_MAX ||
		    pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		sb_reset(&sb);
		sb_addf(&sb, "%s/%s", dir, de->d_name);
		unlink(sb.buf);
	}
	closedir(d);
	sb_release(&sb);
	free(dir);
}

static int
cmp_olddoc(const void *a, const void *b)
{
	return strcmp(((const struct olddoc *)a)->path,
	    ((const struct olddoc *)b)->path);
}

static void
free_olddoc(struct olddoc *d)
{
	size_t	 i;

	for (i = 0; i < d->ninc; i++)
		free(d->inc[i].path);
	free(d->inc);
	free(d->path);
}

/* OUT's document at path in a delta build, or NULL. */
static struct olddoc *
find_doc(struct writer *w, const char *path)
{
	struct olddoc	 key;

	if (w->ndocs == 0)
		return NULL;
	memset(&key, 0, sizeof(key));
	key.path = (char *)path;
	return bsearch(&key, w->docs, w->ndocs, sizeof(*w->docs), cmp_olddoc);
}

/*
 * Prepares a delta build on OUT: when OUT is an index written by this
 * very kbc with this schema, and no journal of another program lies
 * beside it (its last write may be half done), keeps it open in
 * w->outfd and loads its documents and synonyms.  Returns 0, or -1 when
 * the build must be a full one (no message: nothing is wrong).
 */
static int
load_old(struct writer *w)
{
	struct stat	 fst, pst;
	struct strbuf	 sb = { 0 };
	sqlite3		*db = NULL;
	sqlite3_stmt	*st = NULL;
	struct olddoc	*d;
	const char	*v;
	char		*uri;
	size_t		 cap = 0, syncap = 0;
	int		 fd, rc = -1, i;

	if (w->compiler[0] == '\0' || !is_index(w->out))
		return -1;
	for (i = 0; i < 2; i++) {
		sb_reset(&sb);
		sb_addf(&sb, "%s%s", w->out, i ? "-wal" : "-journal");
		if (access(sb.buf, F_OK) == 0) {
			sb_release(&sb);
			return -1;
		}
	}
	sb_release(&sb);
	if ((fd = open(w->out, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	uri = uri_of(w->out, "mode=ro");
	i = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
	    NULL);
	free(uri);
	/* one read transaction: the documents and synonyms of one file */
	if (i != SQLITE_OK || sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(db, "SELECT (SELECT user_version"
	    " FROM pragma_user_version), (SELECT value FROM " KB_TABLE_META
	    " WHERE key = 'compiler')", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_int(st, 0) != KB_SCHEMA_VERSION ||
	    (v = (const char *)sqlite3_column_text(st, 1)) == NULL ||
	    strcmp(v, w->compiler) != 0)
		goto out;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT d.id, d.path, d.hash, d.size,"
	    " d.digest, (SELECT count(*) FROM " KB_TABLE_CARD " c WHERE"
	    " c.doc_id = d.id) FROM " KB_TABLE_DOC " d ORDER BY d.path", -1,
	    &st, NULL) != SQLITE_OK)
		goto out;
	while ((i = sqlite3_step(st)) == SQLITE_ROW) {
		xgrow((void **)&w->docs, &cap, w->ndocs + 1, sizeof(*w->docs));
		d = &w->docs[w->ndocs++];
		memset(d, 0, sizeof(*d));
		d->id = sqlite3_column_int64(st, 0);
		d->path = xstrdup((const char *)sqlite3_column_text(st, 1));
		/* a longer text than fits is not a hash of ours: no match */
		(void)snprintf(d->hash, sizeof(d->hash), "%s",
		    (const char *)sqlite3_column_text(st, 2));
		d->size = sqlite3_column_int64(st, 3);
		(void)snprintf(d->digest, sizeof(d->digest), "%s",
		    (const char *)sqlite3_column_text(st, 4));
		d->ncards = (size_t)sqlite3_column_int64(st, 5);
	}
	if (i != SQLITE_DONE)
		goto out;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT d.path, i.path, i.hash FROM "
	    KB_TABLE_DOC_INCLUDE " i JOIN " KB_TABLE_DOC " d ON d.id ="
	    " i.doc_id ORDER BY i.rowid", -1, &st, NULL) != SQLITE_OK)
		goto out;
	while ((i = sqlite3_step(st)) == SQLITE_ROW) {
		d = find_doc(w, (const char *)sqlite3_column_text(st, 0));
		if (d == NULL)
			goto out;
		xgrow((void **)&d->inc, &d->inccap, d->ninc + 1,
		    sizeof(*d->inc));
		v = (const char *)sqlite3_column_text(st, 2);
		d->inc[d->ninc].path = xstrdup((const char *)
		    sqlite3_column_text(st, 1));
		/* '' for a file that was not included */
		d->inc[d->ninc].is_read = v != NULL && *v != '\0';
		d->inc[d->ninc++].hash = v ? strtoull(v, NULL, 16) : 0;
	}
	if (i != SQLITE_DONE)
		goto out;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT term || char(9) || expansion FROM "
	    KB_TABLE_SYNONYM " ORDER BY rowid", -1, &st, NULL) != SQLITE_OK)
		goto out;
	while ((i = sqlite3_step(st)) == SQLITE_ROW) {
		xgrow((void **)&w->oldsyn, &syncap, w->noldsyn + 1,
		    sizeof(*w->oldsyn));
		w->oldsyn[w->noldsyn++] = xstrdup((const char *)
		    sqlite3_column_text(st, 0));
	}
	if (i != SQLITE_DONE)
		goto out;
	/* the file read is the file that will be copied: same inode */
	if (fstat(fd, &fst) == -1 || stat(w->out, &pst) == -1 ||
	    fst.st_dev != pst.st_dev || fst.st_ino != pst.st_ino)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (rc == 0) {
		w->outfd = fd;
		w->delta = 1;
		return 0;
	}
	close(fd);
	while (w->ndocs > 0)
		free_olddoc(&w->docs[--w->ndocs]);
	while (w->noldsyn > 0)
		free(w->oldsyn[--w->noldsyn]);
	return -1;
}

/* Copies the file open as from into to.  0, or -1 with errno set. */
static int
copy_file(int from, int to)
{
	char		*buf;
	ssize_t		 n, m, done;
	off_t		 off = 0;
	int		 rc = 0;

	/* big reads: the copy is a quarter of an incremental build */
	buf = xmalloc(1 << 20);
	while ((n = pread(from, buf, 1 << 20, off)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		for (done = 0; done < n; done += m)
			if ((m = write(to, buf + done, (size_t)(n - done))) ==
			    -1) {
				if (errno == EINTR) {
					m = 0;
					continue;
				}
				rc = -1;
				break;
			}
		if (rc == -1)
			break;
		off += n;
	}
	free(buf);
	return rc;
}

/*
 * Opens the temporary file with SQLite and starts the one transaction:
 * a fresh file gets the settings and the schema, a copy of OUT keeps
 * its own.  Returns 0, or -1 after reporting.
 */
static int
open_tmp(struct writer *w, int fresh)
{
	struct strbuf	 sb = { 0 };
	char		*uri;
	int		 i, rc;

	uri = uri_of(w->tmp, NULL);
	rc = sqlite3_open_v2(uri, &w->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_URI, NULL);
	free(uri);
	if (rc != SQLITE_OK)
		return msg_error("cannot open %s: %s", w->tmp,
		    w->db ? sqlite3_errmsg(w->db) : "out of memory");
	sb_adds(&sb, "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;"
	    " PRAGMA temp_store=MEMORY;");
	if (fresh)
		sb_addf(&sb, " PRAGMA application_id=%d;"
		    " PRAGMA user_version=%d; PRAGMA page_size=4096;",
		    KB_APPLICATION_ID, KB_SCHEMA_VERSION);
	rc = exec(w, sb.buf);
	sb_release(&sb);
	if (rc == -1 || exec(w, "BEGIN") == -1 ||
	    (fresh && (exec(w, KB_SCHEMA_DDL) == -1 ||
	    exec(w, FTS_AUTOMERGE_OFF) == -1)))
		return -1;
	if (!fresh && (w->stem = stemmer_open(stem_fts5_api(w->db))) == NULL)
		return -1;
	for (i = 0; i < STMT__MAX; i++)
		if (sqlite3_prepare_v3(w->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &w->stmt[i], NULL) != SQLITE_OK)
			return msg_error("cannot prepare statement in %s: %s",
			    w->tmp, sqlite3_errmsg(w->db));
	for (i = 0; i < DEL__MAX; i++)
		if (sqlite3_prepare_v3(w->db, del_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &w->del[i], NULL) != SQLITE_OK)
			return msg_error("cannot prepare statement in %s: %s",
			    w->tmp, sqlite3_errmsg(w->db));
	return 0;
}

/*
 * Delta build, at the first change: copies OUT into the temporary file
 * and opens it.  Until then nothing is written, so a build that changes
 * nothing leaves OUT as it is.  Returns 0, or -1 after reporting.
 */
static int
materialize(struct writer *w)
{
	int	 rc;

	if (w->db != NULL)
		return 0;
	if (w->rc != SQLITE_OK)
		return -1;
	rc = copy_file(w->outfd, w->tmpfd);
	if (rc == -1)
		msg_error("cannot write %s: %s", w->tmp, strerror(errno));
	close(w->outfd);
	w->outfd = -1;
	if (close(w->tmpfd) == -1 && rc == 0)
		rc = msg_error("cannot write %s: %s", w->tmp, strerror(errno));
	w->tmpfd = -1;
	if (rc == -1 || open_tmp(w, 0) == -1) {
		w->rc = SQLITE_ERROR;
		return -1;
	}
	return 0;
}

struct writer *
writer_open(const char *out, int reuse)
{
	struct writer	*w;
	struct strbuf	 sb = { 0 };
	int		 fd;

	if (check_out(out) == -1)
		return NULL;
	remove_stale(out);
	w = xcalloc(1, sizeof(*w));
	w->out = xstrdup(out);
	w->outfd = -1;
	w->tmpfd = -1;
	sb_addf(&sb, "%s.tmp.%ld", out, (long)getpid());
	w->tmp = sb_detach(&sb);
	/* O_EXCL: never write into a file someone else created */
	fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd == -1) {
		msg_error("cannot create %s: %s", w->tmp, strerror(errno));
		free(w->tmp);
		free(w->out);
		free(w);
		return NULL;
	}
	if (strlen(w->tmp) < sizeof(signal_tmp))
		memcpy(signal_tmp, w->tmp, strlen(w->tmp) + 1);
	compiler_id(w->compiler);
	if (reuse && load_old(w) == 0) {
		w->tmpfd = fd;
		return w;
	}
	close(fd);
	if (open_tmp(w, 1) == -1) {
		writer_abort(w);
		return NULL;
	}
	return w;
}
/* Runs a bound statement; on failure keeps the first error (sticky). */
static void
step(struct writer *w, enum stmt s, const char *what)
{
	int	 rc;

	if (w->rc == SQLITE_OK) {
		rc = sqlite3_step(w->stmt[s]);
		if (rc != SQLITE_DONE) {
			w->rc = rc;
			w->failed = what;
			msg_error("cannot write %s: %s: %s", w->tmp, what,
			    sqlite3_errmsg(w->db));
		}
	}
	sqlite3_reset(w->stmt[s]);
	sqlite3_clear_bindings(w->stmt[s]);
}

static void
bind_text(struct writer *w, enum stmt s, int col, const char *text)
{
	sqlite3_bind_text(w->stmt[s], col, text ? text : "", -1,
	    SQLITE_STATIC);
}

/*
 * What a document compiled to, as 16 hex digits: FNV-1a over every value
 * writer_add_doc() stores for it.  A document that is compiled again
 * (it includes files, or has no markdown heading) keeps its rows in a
 * delta build when its digest did not change.  Caller frees.
 */
static char *
digest_doc(const struct kb_doc *doc)
{
	const struct kb_card *c;
	struct strbuf	 sb = { 0 };
	size_t		 i, j;
	char		*hex;

	/* 0x1f separates values: it cannot occur in document text */
	sb_addf(&sb, "%s\x1f%s\x1f%s\x1f", doc->path, doc->title,
	    doc->description ? doc->description : "");
	/* a changed include rewrites doc_include, even for the same cards */
	for (i = 0; i < doc->nincludes; i++)
		sb_addf(&sb, "I\x1f%s\x1f%d\x1f%llx\x1f",
		    doc->includes[i].path, doc->includes[i].is_read,
		    doc->includes[i].hash);
	for (i = 0; i < doc->ncards; i++) {
		c = doc->cards[i];
		sb_addf(&sb, "C\x1f%s\x1f%s\x1f%d\x1f%s\x1f%s\x1f%s\x1f%s\x1f"
		    "%s\x1f", c->anchor, c->title, c->line,
		    sb_str(&c->symptom), sb_str(&c->cause),
		    sb_str(&c->diagnosis), sb_str(&c->notes),
		    sb_str(&c->other));
		for (j = 0; j < c->nsections; j++)
			sb_addf(&sb, "S\x1f%s\x1f%d\x1f%d\x1f",
			    c->sections[j].heading, (int)c->sections[j].role,
			    c->sections[j].line);
		for (j = 0; j < c->nerrs; j++)
			sb_addf(&sb, "E\x1f%s\x1f%d\x1f", c->errs[j].text,
			    c->errs[j].line);
		for (j = 0; j < c->ncodes; j++)
			sb_addf(&sb, "K\x1f%s\x1f%d\x1f%d\x1f",
			    c->codes[j].code, c->codes[j].kind,
			    c->codes[j].line);
		for (j = 0; j < c->nsteps; j++)
			sb_addf(&sb, "P\x1f%s\x1f%s\x1f%d\x1f%d\x1f",
			    c->steps[j].text, c->steps[j].note ?
			    c->steps[j].note : "", c->steps[j].depth,
			    c->steps[j].line);
		for (j = 0; j < c->nlinks; j++)
			sb_addf(&sb, "L\x1f%s\x1f%s\x1f%d\x1f",
			    c->links[j].target, c->links[j].text,
			    c->links[j].line);
	}
	hex = xmalloc(17);
	/* 16 hex digits and the NUL always fit */
	(void)snprintf(hex, 17, "%016llx", hash64(sb.buf, sb.len));
	sb_release(&sb);
	return hex;
}

/*
 * Runs the id query q for doc_id and, for each id, the deletion d of the
 * FTS5 row with that rowid (sticky error).
 */
static void
delete_each(struct writer *w, enum del_stmt q, enum del_stmt d,
    sqlite3_int64 doc_id, const char *what)
{
	int	 rc;

	if (w->rc != SQLITE_OK)
		return;
	sqlite3_bind_int64(w->del[q], 1, doc_id);
	while ((rc = sqlite3_step(w->del[q])) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(w->del[q], 0);

		if (d == DEL_FTS && w->stem != NULL && !w->df_all) {
			sqlite3_stmt *t = w->del[DEL_FTS_TEXT];
			int	 col;

			sqlite3_bind_int64(t, 1, id);
			if ((rc = sqlite3_step(t)) == SQLITE_ROW)
				for (col = 0; col < FTS__MAX; col++)
					track_terms(w, (const char *)
					    sqlite3_column_text(t, col));
			sqlite3_reset(t);
			if (rc != SQLITE_ROW && rc != SQLITE_DONE)
				break;
		}
		sqlite3_bind_int64(w->del[d], 1, id);
		if ((rc = sqlite3_step(w->del[d])) != SQLITE_DONE)
			break;
		sqlite3_reset(w->del[d]);
	}
	if (rc != SQLITE_DONE) {
		w->rc = rc;
		w->failed = what;
		msg_error("cannot write %s: deleting %s: %s", w->tmp, what,
		    sqlite3_errmsg(w->db));
	}
	sqlite3_reset(w->del[d]);
	sqlite3_reset(w->del[q]);
}

/* Deletes a document and everything of its cards (sticky error). */
static void
delete_doc(struct writer *w, sqlite3_int64 doc_id)
{
	int	 s, rc;

	delete_each(w, DEL_CARD_IDS, DEL_FTS, doc_id, "full-text index");
	delete_each(w, DEL_ERRSTR_IDS, DEL_ERR_TRI, doc_id, "error trigrams");
	for (s = DEL_SECTION; s <= DEL_DOC && w->rc == SQLITE_OK; s++) {
		sqlite3_bind_int64(w->del[s], 1, doc_id);
		if ((rc = sqlite3_step(w->del[s])) != SQLITE_DONE) {
			w->rc = rc;
			w->failed = "delete";
			msg_error("cannot write %s: deleting a document: %s",
			    w->tmp, sqlite3_errmsg(w->db));
		}
		sqlite3_reset(w->del[s]);
	}
}

int
writer_add_doc(struct writer *w, const struct kb_doc *doc,
    unsigned long long hash, size_t size)
{
	const struct kb_card *c;
	struct olddoc	*od;
	sqlite3_stmt	*st;
	sqlite3_int64	 doc_id, card_id, err_id;
	struct strbuf	 errs = { 0 }, steps = { 0 }, title = { 0 };
	struct strbuf	 cause = { 0 }, symptom = { 0 }, hex = { 0 };
	uint32_t	 sig[DEDUP_NHASH];
	unsigned char	 blob[4 * DEDUP_NHASH];
	size_t		 i, j;
	char		*norm, *digest;

	if (w->rc != SQLITE_OK)
		return -1;
	sb_addf(&hex, "%016llx", hash);
	digest = digest_doc(doc);
	if (w->delta && (od = find_doc(w, doc->path)) != NULL) {
		od->seen = 1;
		if (strcmp(od->hash, hex.buf) == 0 && strcmp(od->digest,
		    digest) == 0 && od->size == (sqlite3_int64)size) {
			free(digest);
			sb_release(&hex);
			return 1;
		}
		if (materialize(w) == 0)
			delete_doc(w, od->id);
	} else if (w->delta)
		materialize(w);
	if (w->rc != SQLITE_OK) {
		free(digest);
		sb_release(&hex);
		return -1;
	}
	w->nwritten++;
	st = w->stmt[STMT_INSERT_DOC];
	bind_text(w, STMT_INSERT_DOC, 1, doc->path);
	bind_text(w, STMT_INSERT_DOC, 2, doc->title);
	bind_text(w, STMT_INSERT_DOC, 3, doc->description);
	bind_text(w, STMT_INSERT_DOC, 4, hex.buf);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)size);
	bind_text(w, STMT_INSERT_DOC, 6, digest);
	step(w, STMT_INSERT_DOC, "doc");
	doc_id = sqlite3_last_insert_rowid(w->db);
	for (i = 0; i < doc->nincludes; i++) {
		sb_reset(&hex);
		if (doc->includes[i].is_read)
			sb_addf(&hex, "%016llx", doc->includes[i].hash);
		sqlite3_bind_int64(w->stmt[STMT_INSERT_INCLUDE], 1, doc_id);
		bind_text(w, STMT_INSERT_INCLUDE, 2, doc->includes[i].path);
		bind_text(w, STMT_INSERT_INCLUDE, 3, sb_str(&hex));
		step(w, STMT_INSERT_INCLUDE, "included file");
	}

	for (i = 0; i < doc->ncards && w->rc == SQLITE_OK; i++) {
		c = doc->cards[i];
		st = w->stmt[STMT_INSERT_CARD];
		sqlite3_bind_int64(st, 1, doc_id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		bind_text(w, STMT_INSERT_CARD, 3, c->anchor);
		bind_text(w, STMT_INSERT_CARD, 4, c->title);
		bind_text(w, STMT_INSERT_CARD, 5, sb_str(&c->symptom));
		bind_text(w, STMT_INSERT_CARD, 6, sb_str(&c->cause));
		bind_text(w, STMT_INSERT_CARD, 7, sb_str(&c->diagnosis));
		bind_text(w, STMT_INSERT_CARD, 8, sb_str(&c->notes));
		sqlite3_bind_int(st, 9, c->line);
		step(w, STMT_INSERT_CARD, "card");
		card_id = sqlite3_last_insert_rowid(w->db);
		/* the MinHash of the steps, kept for mark_dups() */
		sb_reset(&steps);
		for (j = 0; j < c->nsteps; j++)
			kb_card_add_text(&steps, c->steps[j].text);
		if (dedup_sign(sb_str(&steps), sig) == 0) {
			for (j = 0; j < DEDUP_NHASH; j++) {
				blob[4 * j] = (unsigned char)sig[j];
				blob[4 * j + 1] = (unsigned char)(sig[j] >> 8);
				blob[4 * j + 2] = (unsigned char)(sig[j] >> 16);
				blob[4 * j + 3] = (unsigned char)(sig[j] >> 24);
			}
			st = w->stmt[STMT_INSERT_SIG];
			sqlite3_bind_int64(st, 1, card_id);
			sqlite3_bind_blob(st, 2, blob, (int)sizeof(blob),
			    SQLITE_STATIC);
			step(w, STMT_INSERT_SIG, "card signature");
		}

		for (j = 0; j < c->nsections; j++) {
			st = w->stmt[STMT_INSERT_SECTION];
			sqlite3_bind_int64(st, 1, card_id);
			sqlite3_bind_int64(st, 2, (sqlite3_int64)j);
			bind_text(w, STMT_INSERT_SECTION, 3,
			    kb_role_name(c->sections[j].role));
			bind_text(w, STMT_INSERT_SECTION, 4,
			    c->sections[j].heading);
			sqlite3_bind_int(st, 5, c->sections[j].line);
			step(w, STMT_INSERT_SECTION, "section");
		}
		sb_reset(&errs);
		for (j = 0; j < c->nerrs; j++) {
			norm = normalize_text(c->errs[j].text);
			st = w->stmt[STMT_INSERT_ERRSTR];
			sqlite3_bind_int64(st, 1, card_id);
			bind_text(w, STMT_INSERT_ERRSTR, 2, c->errs[j].text);
			bind_text(w, STMT_INSERT_ERRSTR, 3, norm);
			sqlite3_bind_int(st, 4, c->errs[j].line);
			step(w, STMT_INSERT_ERRSTR, "error string");
			err_id = sqlite3_last_insert_rowid(w->db);
			sqlite3_bind_int64(w->stmt[STMT_INSERT_ERR_TRI], 1,
			    err_id);
			bind_text(w, STMT_INSERT_ERR_TRI, 2, norm);
			step(w, STMT_INSERT_ERR_TRI, "error trigrams");
			free(norm);
			kb_card_add_text(&errs, c->errs[j].text);
		}
		for (j = 0; j < c->ncodes; j++) {
			st = w->stmt[STMT_INSERT_CODE];
			sqlite3_bind_int64(st, 1, card_id);
			bind_text(w, STMT_INSERT_CODE, 2, c->codes[j].code);
			bind_text(w, STMT_INSERT_CODE, 3,
			    normalize_code_kind(c->codes[j].kind));
			sqlite3_bind_int(st, 4, c->codes[j].line);
			step(w, STMT_INSERT_CODE, "code");
		}
		sb_reset(&steps);
		for (j = 0; j < c->nsteps; j++) {
			st = w->stmt[STMT_INSERT_STEP];
			sqlite3_bind_int64(st, 1, card_id);
			sqlite3_bind_int64(st, 2, (sqlite3_int64)j);
			sqlite3_bind_int(st, 3, c->steps[j].depth);
			bind_text(w, STMT_INSERT_STEP, 4, c->steps[j].text);
			bind_text(w, STMT_INSERT_STEP, 5, c->steps[j].note);
			sqlite3_bind_int(st, 6, c->steps[j].line);
			step(w, STMT_INSERT_STEP, "step");
			kb_card_add_text(&steps, c->steps[j].text);
		}
		kb_card_add_text(&steps, sb_str(&c->notes));
		kb_card_add_text(&steps, sb_str(&c->other));
		for (j = 0; j < c->nlinks; j++) {
			st = w->stmt[STMT_INSERT_LINK];
			sqlite3_bind_int64(st, 1, card_id);
			bind_text(w, STMT_INSERT_LINK, 2, c->links[j].target);
			bind_text(w, STMT_INSERT_LINK, 3, c->links[j].text);
			sqlite3_bind_int(st, 4, c->links[j].line);
			step(w, STMT_INSERT_LINK, "link");
		}
		/* the document's title and summary describe each of its cards */
		sb_reset(&title);
		sb_adds(&title, c->title);
		if (strcmp(c->title, doc->title) != 0)
			kb_card_add_text(&title, doc->title);
		sb_reset(&symptom);
		sb_adds(&symptom, sb_str(&c->symptom));
		kb_card_add_text(&symptom, doc->description);
		sb_reset(&cause);
		sb_adds(&cause, sb_str(&c->cause));
		kb_card_add_text(&cause, sb_str(&c->diagnosis));
		track_terms(w, sb_str(&title));
		track_terms(w, sb_str(&symptom));
		track_terms(w, sb_str(&errs));
		track_terms(w, sb_str(&cause));
		track_terms(w, sb_str(&steps));
		st = w->stmt[STMT_INSERT_FTS];
		sqlite3_bind_int64(st, 1, card_id);
		bind_text(w, STMT_INSERT_FTS, 2, sb_str(&title));
		bind_text(w, STMT_INSERT_FTS, 3, sb_str(&symptom));
		bind_text(w, STMT_INSERT_FTS, 4, sb_str(&errs));
		bind_text(w, STMT_INSERT_FTS, 5, sb_str(&cause));
		bind_text(w, STMT_INSERT_FTS, 6, sb_str(&steps));
		step(w, STMT_INSERT_FTS, "full-text index");
	}
	sb_release(&errs);
	sb_release(&steps);
	sb_release(&title);
	sb_release(&cause);
	sb_release(&symptom);
	sb_release(&hex);
	free(digest);
	return w->rc == SQLITE_OK ? 0 : -1;
}

int
writer_reuse_doc(struct writer *w, const char *path,
    unsigned long long hash, size_t size, size_t *ncards)
{
	struct olddoc	*od;
	char		 hex[17];

	*ncards = 0;
	if (w->rc != SQLITE_OK)
		return -1;
	if (!w->delta || (od = find_doc(w, path)) == NULL)
		return 0;
	snprintf(hex, sizeof(hex), "%016llx", hash);
	if (strcmp(od->hash, hex) != 0 || od->size != (sqlite3_int64)size)
		return 0;
	od->seen = 1;
	*ncards = od->ncards;
	return 1;
}

const struct kb_include *
writer_includes(struct writer *w, const char *path, size_t *n)
{
	struct olddoc	*od;

	*n = 0;
	if (!w->delta || (od = find_doc(w, path)) == NULL)
		return NULL;
	*n = od->ninc;
	return od->inc;
}

int
writer_add_synonym(struct writer *w, const char *term, const char *expansion)
{
	struct strbuf	 sb = { 0 };

	if (w->delta) {
		/* compared with OUT's at the end: most builds change none */
		sb_addf(&sb, "%s\t%s", term, expansion);
		xgrow((void **)&w->syn, &w->syncap, w->nsyn + 1,
		    sizeof(*w->syn));
		w->syn[w->nsyn++] = sb_detach(&sb);
		return 0;
	}
	bind_text(w, STMT_INSERT_SYNONYM, 1, term);
	bind_text(w, STMT_INSERT_SYNONYM, 2, expansion);
	step(w, STMT_INSERT_SYNONYM, "synonym");
	return w->rc == SQLITE_OK ? 0 : -1;
}

/*
 * Delta build: rewrites the synonym table when this build's synonyms
 * differ from OUT's.  Returns 1 when they differ, 0 when not, -1 after
 * reporting an error.
 */
static int
sync_synonyms(struct writer *w)
{
	char	*tab;
	size_t	 i;
	int	 rc;

	for (i = 0; i < w->nsyn && i < w->noldsyn; i++)
		if (strcmp(w->syn[i], w->oldsyn[i]) != 0)
			break;
	if (i == w->nsyn && i == w->noldsyn)
		return 0;
	if (materialize(w) == -1)
		return -1;
	if ((rc = sqlite3_step(w->del[DEL_SYNONYMS])) != SQLITE_DONE) {
		w->rc = rc;
		msg_error("cannot write %s: synonyms: %s", w->tmp,
		    sqlite3_errmsg(w->db));
	}
	sqlite3_reset(w->del[DEL_SYNONYMS]);
	for (i = 0; i < w->nsyn && w->rc == SQLITE_OK; i++) {
		tab = strchr(w->syn[i], '\t');
		sqlite3_bind_text(w->stmt[STMT_INSERT_SYNONYM], 1, w->syn[i],
		    (int)(tab - w->syn[i]), SQLITE_STATIC);
		bind_text(w, STMT_INSERT_SYNONYM, 2, tab + 1);
		step(w, STMT_INSERT_SYNONYM, "synonym");
	}
	return w->rc == SQLITE_OK ? 1 : -1;
}

/* A card whose dup_of must change. */
struct dupfix {
	sqlite3_int64	 id;		/* the card */
	sqlite3_int64	 dup;		/* new dup_of, 0 for NULL */
};

/* stem_fn: keeps a term of a card written or deleted. */
static int
term_add(void *ctx, const char *term, size_t len)
{
	struct writer	*w = ctx;

	xgrow((void **)&w->terms, &w->termcap, w->nterms + 1,
	    sizeof(*w->terms));
	w->terms[w->nterms++] = xstrndup(term, len);
	return 0;
}

static int
term_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Delta build: keeps the terms of text, a card_fts column of a card
 * written or deleted, whose card counts term_df must update.  Past
 * DELTA_CHECK_MAX documents every count is redone instead.
 */
static void
track_terms(struct writer *w, const char *text)
{
	size_t	 i;

	if (w->stem == NULL || w->df_all || text == NULL ||
	    w->rc != SQLITE_OK)
		return;
	if (w->nwritten > DELTA_CHECK_MAX) {
		for (i = 0; i < w->nterms; i++)
			free(w->terms[i]);
		w->nterms = 0;
		w->df_all = 1;
		return;
	}
	if (stemmer_run(w->stem, text, strlen(text), term_add, w) != 0) {
		w->rc = SQLITE_ERROR;
		w->failed = "term counts";
		msg_error("cannot write %s: the FTS5 tokenizer failed",
		    w->tmp);
	}
}

/*
 * term_df: the number of cards holding each term of card_fts, as
 * card_vocab counts it, so that kbsearch reads a word's card count with
 * one B-tree lookup.  A full build (all) copies card_vocab, about 60 ms
 * for the whole corpus; a small delta recounts only the terms of the
 * cards it wrote and deleted.  Returns 0, or -1 after reporting.
 */
static int
update_df(struct writer *w, int all)
{
	sqlite3_stmt	*del = NULL, *ins = NULL;
	size_t		 i;
	int		 rc = SQLITE_OK;

	if (all || w->df_all || !w->delta)
		return exec(w, "DELETE FROM " KB_TABLE_TERM_DF "; INSERT INTO "
		    KB_TABLE_TERM_DF " SELECT term, doc FROM "
		    KB_TABLE_CARD_VOCAB);
	if (w->nterms == 0)
		return 0;
	qsort(w->terms, w->nterms, sizeof(*w->terms), term_cmp);
	if ((rc = sqlite3_prepare_v2(w->db, "DELETE FROM " KB_TABLE_TERM_DF
	    " WHERE term = ?1", -1, &del, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_prepare_v2(w->db, "INSERT INTO " KB_TABLE_TERM_DF
	    " SELECT term, doc FROM " KB_TABLE_CARD_VOCAB " WHERE term = ?1",
	    -1, &ins, NULL)) != SQLITE_OK)
		goto out;
	for (i = 0; i < w->nterms && rc == SQLITE_OK; i++) {
		if (i > 0 && strcmp(w->terms[i], w->terms[i - 1]) == 0)
			continue;
		sqlite3_bind_text(del, 1, w->terms[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 1, w->terms[i], -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(del)) == SQLITE_DONE &&
		    (rc = sqlite3_step(ins)) == SQLITE_DONE)
			rc = SQLITE_OK;
		sqlite3_reset(del);
		sqlite3_reset(ins);
	}
out:
	if (rc != SQLITE_OK)
		msg_error("cannot write %s: term counts: %s", w->tmp,
		    sqlite3_errmsg(w->db));
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	return rc == SQLITE_OK ? 0 : -1;
}

/*
 * Sets card.dup_of over the whole index from the stored signatures, in
 * the order of a full build (documents by path, cards by ord), so that
 * full and delta builds mark the same cards; only the rows that change
 * are written.  Returns 0, or -1 after reporting.
 */
static int
mark_dups(struct writer *w)
{
	struct dedup	*dd;
	struct dupfix	*fix = NULL;
	sqlite3_stmt	*st;
	const unsigned char *b;
	uint32_t	 sig[DEDUP_NHASH];
	sqlite3_int64	 id, old;
	size_t		 nfix = 0, cap = 0, i;
	long long	 dup;
	int		 rc, k;

	if (w->rc != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(w->db, "SELECT c.id, c.dup_of, s.sig FROM "
	    KB_TABLE_CARD " c JOIN " KB_TABLE_DOC " d ON d.id = c.doc_id"
	    " JOIN " KB_TABLE_CARD_SIG " s ON s.card_id = c.id"
	    " ORDER BY d.path, c.ord", -1, &st, NULL) != SQLITE_OK)
		return msg_error("cannot write %s: duplicate cards: %s", w->tmp,
		    sqlite3_errmsg(w->db));
	dd = dedup_new();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		old = sqlite3_column_int64(st, 1);	/* NULL reads 0 */
		b = sqlite3_column_blob(st, 2);
		if (b == NULL || sqlite3_column_bytes(st, 2) != 4 * DEDUP_NHASH)
			continue;
		for (k = 0; k < DEDUP_NHASH; k++)
			sig[k] = (uint32_t)b[(size_t)4 * k] |
			    (uint32_t)b[(size_t)4 * k + 1] << 8 |
			    (uint32_t)b[(size_t)4 * k + 2] << 16 |
			    (uint32_t)b[(size_t)4 * k + 3] << 24;
		dup = dedup_add_sig(dd, sig, id, NULL);
		if (dup < 0)
			dup = 0;
		if (dup != old) {
			xgrow((void **)&fix, &cap, nfix + 1, sizeof(*fix));
			fix[nfix].id = id;
			fix[nfix++].dup = dup;
		}
	}
	if (rc != SQLITE_DONE) {
		w->rc = rc;
		msg_error("cannot write %s: duplicate cards: %s", w->tmp,
		    sqlite3_errmsg(w->db));
	}
	sqlite3_finalize(st);
	dedup_free(dd);
	/* after the query: its cursor must not see the updates */
	for (i = 0; i < nfix && rc == SQLITE_DONE; i++) {
		if (fix[i].dup == 0)
			sqlite3_bind_null(w->stmt[STMT_SET_DUP], 1);
		else
			sqlite3_bind_int64(w->stmt[STMT_SET_DUP], 1,
			    fix[i].dup);
		sqlite3_bind_int64(w->stmt[STMT_SET_DUP], 2, fix[i].id);
		step(w, STMT_SET_DUP, "duplicate card");
	}
	free(fix);
	return rc == SQLITE_DONE && w->rc == SQLITE_OK ? 0 : -1;
}
/* fsync a file or, with is_dir, a directory; 0 or -1 after reporting. */
static int
fsync_path(const char *path, int is_dir)
{
	int	 fd, rc, saved;

	fd = open(path, (is_dir ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd == -1)
		return msg_error("cannot open %s: %s", path, strerror(errno));
	rc = fsync(fd);
	saved = errno;
	close(fd);
	/* some file systems cannot sync a directory: that is not an error */
	if (rc == -1 && !(is_dir && (saved == EINVAL || saved == EBADF)))
		return msg_error("cannot sync %s: %s", path, strerror(saved));
	return 0;
}

/* The directory part of path ("." when it has none); caller frees. */
static char *
dir_of(const char *path)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* Runs a check that returns rows of text; 0 when it says "ok". */
static int
check(struct writer *w, const char *sql, const char *what)
{
	sqlite3_stmt	*st;
	const char	*res;
	int		 rc, ok = 0;

	if (sqlite3_prepare_v2(w->db, sql, -1, &st, NULL) != SQLITE_OK)
		return msg_error("cannot check %s: %s: %s", w->tmp, what,
		    sqlite3_errmsg(w->db));
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		ok = 1;		/* FTS5 integrity-check returns no row */
	else if (rc == SQLITE_ROW) {
		res = (const char *)sqlite3_column_text(st, 0);
		ok = res != NULL && strcmp(res, "ok") == 0;
	}
	if (!ok)
		msg_error("new index %s failed %s: %s", w->tmp, what,
		    rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) :
		    sqlite3_errmsg(w->db));
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

/* Adds a row to the meta table; 0 or -1 after reporting. */
static int
meta(struct writer *w, const char *key, const char *value)
{
	bind_text(w, STMT_INSERT_META, 1, key);
	bind_text(w, STMT_INSERT_META, 2, value);
	step(w, STMT_INSERT_META, "meta");
	return w->rc == SQLITE_OK ? 0 : -1;
}

/*
 * The checks of a small delta build (see DELTA_CHECK_MAX): quick_check,
 * which reads every page but is linear and cheap (0.06 s on the whole
 * corpus), and, in place of the FTS5 integrity-checks, that both FTS5
 * tables hold one row per row of their source table, which is what the
 * deletions and insertions of a delta could get wrong.  Returns 0, or -1
 * after reporting.
 */
static int
check_delta(struct writer *w)
{
	if (check(w, "PRAGMA main.quick_check", "quick_check") == -1)
		return -1;
	return check(w, "SELECT CASE WHEN (SELECT count(*) FROM " KB_TABLE_CARD
	    ") = (SELECT count(*) FROM " KB_TABLE_CARD_FTS "_docsize) AND"
	    " (SELECT count(*) FROM " KB_TABLE_ERRSTR ") = (SELECT count(*)"
	    " FROM " KB_TABLE_ERR_TRI "_docsize) THEN 'ok' ELSE"
	    " 'full-text rows do not match their tables' END",
	    "full-text row count");
}

int
writer_commit(struct writer *w, struct writer_stats *ws)
{
	char	*dir;
	size_t	 i;
	int	 i2, rc = -1, full;

	memset(ws, 0, sizeof(*ws));
	ws->delta = w->delta;
	if (w->rc != SQLITE_OK)
		goto out;
	if (w->delta) {
		for (i = 0; i < w->ndocs; i++)
			w->nremoved += !w->docs[i].seen;
		if (w->nremoved > 0 && materialize(w) == -1)
			goto out;
		for (i = 0; i < w->ndocs; i++)
			if (!w->docs[i].seen)
				delete_doc(w, w->docs[i].id);
		if (w->rc != SQLITE_OK || sync_synonyms(w) == -1)
			goto out;
		if (w->db == NULL) {
			/* nothing changed: OUT stays as it is */
			ws->up_to_date = 1;
			rc = 1;
			goto out;
		}
	}
	ws->changed = w->nwritten;
	ws->removed = w->nremoved;
	full = !w->delta || w->nwritten + w->nremoved > DELTA_CHECK_MAX;
	ws->full_check = full;
	if (!w->delta && exec(w, KB_SCHEMA_INDEXES FTS_AUTOMERGE_DEFAULT) == -1)
		goto out;
	if (mark_dups(w) == -1)
		goto out;
	/*
	 * Merge the FTS5 segments: smaller file, faster queries; term_df
	 * after, so that its copy of card_vocab reads one segment.
	 */
	if (full && (exec(w, "INSERT INTO " KB_TABLE_CARD_FTS "("
	    KB_TABLE_CARD_FTS ") VALUES('optimize');") == -1 ||
	    exec(w, "INSERT INTO " KB_TABLE_ERR_TRI "(" KB_TABLE_ERR_TRI
	    ") VALUES('optimize');") == -1))
		goto out;
	if (update_df(w, full) == -1)
		goto out;
	if (!w->delta && (meta(w, "generator", "kbc " KB_VERSION) == -1 ||
	    meta(w, "compiler", w->compiler) == -1))
		goto out;
	if (exec(w, "COMMIT") == -1)
		goto out;
	if (full ? check(w, "PRAGMA main.quick_check", "quick_check") == -1 ||
	    check(w, "INSERT INTO " KB_TABLE_CARD_FTS "(" KB_TABLE_CARD_FTS
	    ") VALUES('integrity-check')", "FTS5 integrity-check") == -1 ||
	    check(w, "INSERT INTO " KB_TABLE_ERR_TRI "(" KB_TABLE_ERR_TRI
	    ") VALUES('integrity-check')", "FTS5 integrity-check") == -1 :
	    check_delta(w) == -1)
		goto out;
	for (i2 = 0; i2 < STMT__MAX; i2++) {
		sqlite3_finalize(w->stmt[i2]);
		w->stmt[i2] = NULL;
	}
	for (i2 = 0; i2 < DEL__MAX; i2++) {
		sqlite3_finalize(w->del[i2]);
		w->del[i2] = NULL;
	}
	stemmer_close(w->stem);
	w->stem = NULL;
	if (sqlite3_close(w->db) != SQLITE_OK) {
		msg_error("cannot close %s: %s", w->tmp, sqlite3_errmsg(w->db));
		goto out;
	}
	w->db = NULL;
	if (fsync_path(w->tmp, 0) == -1)
		goto out;
	if (rename(w->tmp, w->out) == -1) {
		msg_error("cannot rename %s to %s: %s", w->tmp, w->out,
		    strerror(errno));
		goto out;
	}
	signal_tmp[0] = '\0';
	/*
	 * A journal left beside OUT by a crashed writer of another program
	 * belongs to the old file: SQLite pairs it with the new one by name
	 * and would refuse it, or worse, roll the old pages into it.
	 */
	if (remove_sidecar(w->out, "-journal") == -1 ||
	    remove_sidecar(w->out, "-wal") == -1 ||
	    remove_sidecar(w->out, "-shm") == -1)
		goto out;
	dir = dir_of(w->out);
	rc = fsync_path(dir, 1);
	free(dir);
out:
	writer_abort(w);
	return rc;
}

/* Removes out + suffix if it exists.  Returns 0, or -1 after reporting. */
static int
remove_sidecar(const char *out, const char *suffix)
{
	struct strbuf	 sb = { 0 };
	int		 rc = 0;

	sb_addf(&sb, "%s%s", out, suffix);
	if (unlink(sb.buf) == -1 && errno != ENOENT)
		rc = msg_error("cannot remove %s: %s", sb.buf,
		    strerror(errno));
	sb_release(&sb);
	return rc;
}

void
writer_abort(struct writer *w)
{
	size_t	 i;

	if (w == NULL)
		return;
	for (i = 0; i < STMT__MAX; i++)
		sqlite3_finalize(w->stmt[i]);
	for (i = 0; i < DEL__MAX; i++)
		sqlite3_finalize(w->del[i]);
	stemmer_close(w->stem);
	if (w->db != NULL)
		sqlite3_close(w->db);
	if (w->outfd != -1)
		close(w->outfd);
	if (w->tmpfd != -1)
		close(w->tmpfd);
	if (signal_tmp[0] != '\0') {
		unlink(w->tmp);
		signal_tmp[0] = '\0';
	}
	for (i = 0; i < w->ndocs; i++)
		free_olddoc(&w->docs[i]);
	free(w->docs);
	for (i = 0; i < w->noldsyn; i++)
		free(w->oldsyn[i]);
	free(w->oldsyn);
	for (i = 0; i < w->nsyn; i++)
		free(w->syn[i]);
	free(w->syn);
	for (i = 0; i < w->nterms; i++)
		free(w->terms[i]);
	free(w->terms);
	free(w->tmp);
	free(w->out);
	free(w);
}
