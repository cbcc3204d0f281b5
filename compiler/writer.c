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
	STMT__MAX
};

static const char *const stmt_sql[STMT__MAX] = {
	"INSERT INTO " KB_TABLE_DOC "(path, title, description, hash, size)"
	" VALUES (?, ?, ?, ?, ?)",
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
};

/*
 * Copies from the previous index.  The old section and code tables have no
 * index on card_id; temporary copies with one (OLD_SECTION, OLD_CODE) keep
 * each lookup logarithmic.  Rows keep their order: ord, else rowid.
 */
#define OLD_SECTION	"temp.old_section"
#define OLD_CODE	"temp.old_code"

enum old_stmt {
	OLD_FIND_DOC,
	OLD_COPY_DOC,
	OLD_CARDS,
	OLD_COPY_CARD,
	OLD_COPY_SECTION,
	OLD_COPY_ERRSTR,
	OLD_COPY_ERR_TRI,
	OLD_COPY_CODE,
	OLD_COPY_STEP,
	OLD_COPY_LINK,
	OLD_COPY_FTS,
	OLD_STEP_TEXT,
	OLD__MAX
};

static const char *const old_sql[OLD__MAX] = {
	"SELECT id FROM old." KB_TABLE_DOC " WHERE path = ? AND hash = ?"
	" AND size = ?",
	"INSERT INTO main." KB_TABLE_DOC "(path, title, description, hash,"
	" size) SELECT path, title, description, hash, size FROM old."
	KB_TABLE_DOC " WHERE id = ?",
	"SELECT id FROM old." KB_TABLE_CARD " WHERE doc_id = ? ORDER BY ord",
	"INSERT INTO main." KB_TABLE_CARD "(doc_id, ord, anchor, title,"
	" symptom, cause, diagnosis, notes, line) SELECT ?, ord, anchor,"
	" title, symptom, cause, diagnosis, notes, line FROM old."
	KB_TABLE_CARD " WHERE id = ?",
	"INSERT INTO main." KB_TABLE_SECTION "(card_id, ord, role, heading,"
	" line) SELECT ?, ord, role, heading, line FROM " OLD_SECTION
	" WHERE card_id = ? ORDER BY ord",
	"INSERT INTO main." KB_TABLE_ERRSTR "(card_id, text, norm, line)"
	" SELECT ?, text, norm, line FROM old." KB_TABLE_ERRSTR
	" WHERE card_id = ? ORDER BY id",
	"INSERT INTO main." KB_TABLE_ERR_TRI "(rowid, norm) SELECT id, norm"
	" FROM main." KB_TABLE_ERRSTR " WHERE card_id = ? ORDER BY id",
	"INSERT INTO main." KB_TABLE_CODE "(card_id, code, kind, line)"
	" SELECT ?, code, kind, line FROM " OLD_CODE " WHERE card_id = ?"
	" ORDER BY rowid",
	"INSERT INTO main." KB_TABLE_STEP "(card_id, ord, depth, text, note,"
	" line) SELECT ?, ord, depth, text, note, line FROM old."
	KB_TABLE_STEP " WHERE card_id = ? ORDER BY ord",
	"INSERT INTO main." KB_TABLE_LINK "(card_id, target, text, line)"
	" SELECT ?, target, text, line FROM old." KB_TABLE_LINK
	" WHERE card_id = ? ORDER BY rowid",
	"INSERT INTO main." KB_TABLE_CARD_FTS "(rowid, title, symptom,"
	" errors, cause, steps) SELECT ?, title, symptom, errors, cause,"
	" steps FROM old." KB_TABLE_CARD_FTS " WHERE rowid = ?",
	"SELECT text FROM old." KB_TABLE_STEP " WHERE card_id = ?"
	" ORDER BY ord",
};

/* A card copied from the previous index, waiting for dedup_add(). */
struct reused {
	sqlite3_int64	 id;		/* new card id */
	char		*steps;		/* its step texts, for dedup */
};

struct writer {
	sqlite3		*db;		/* the temporary index */
	sqlite3_stmt	*stmt[STMT__MAX]; /* prepared once */
	char		*out;		/* final path */
	char		*tmp;		/* OUT.tmp.<pid> */
	struct dedup	*dedup;		/* step texts of the cards so far */
	int		 rc;		/* sticky SQLite error */
	const char	*failed;	/* what the sticky error was doing */
	sqlite3_stmt	*old[OLD__MAX]; /* copies from the old index */
	int		 has_old;	/* old index attached */
	char		 compiler[17];	/* hash of kbc, hex, or "" */
};

/* The temporary path of the build under way, for signal handlers. */
static char	 signal_tmp[PATH_MAX + 32];

static int	 attach_old(struct writer *);
static int	 check_out(const char *);
static void	 compiler_id(char *);
static void	 detach_old(struct writer *);
static char	*dir_of(const char *);
static int	 exec(struct writer *, const char *);
static int	 fsync_path(const char *, int);
static int	 is_index(const char *);
static int	 meta(struct writer *, const char *, const char *);
static void	 mark_dup(struct writer *, const char *, sqlite3_int64);
static int	 old_run(struct writer *, enum old_stmt);
static int	 query_one(sqlite3 *, const char *, const char *, char *,
		    size_t);
static int	 remove_sidecar(const char *, const char *);
static void	 remove_stale(const char *);
static void	 step(struct writer *, enum stmt, const char *);
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

/* Reads one integer or text value; rc of the step, value into *out. */
static int
query_one(sqlite3 *db, const char *sql, const char *arg, char *out,
    size_t size)
{
	sqlite3_stmt	*st;
	const char	*v;
	int		 rc;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return SQLITE_ERROR;
	if (arg != NULL)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (v = (const char *)sqlite3_column_text(st,
	    0)) != NULL)
		snprintf(out, size, "%s", v);
	sqlite3_finalize(st);
	return rc;
}

/*
 * Attaches the index at w->out as "old" when this kbc wrote it with this
 * schema, so that writer_reuse_doc() can copy from it once writer_open()
 * has prepared the statements of old_sql.  Returns 0, or -1
 * when there is nothing to reuse (no message: the build is a full one).
 */
static int
attach_old(struct writer *w)
{
	char		*uri;
	char		 val[64], want[32];
	int		 rc;

	if (w->compiler[0] == '\0' || !is_index(w->out))
		return -1;
	uri = uri_of(w->out, "mode=ro");
	rc = query_one(w->db, "ATTACH ? AS old", uri, val, sizeof(val));
	free(uri);
	if (rc != SQLITE_DONE)
		return -1;
	w->has_old = 1;
	snprintf(want, sizeof(want), "%d", KB_SCHEMA_VERSION);
	if (query_one(w->db, "PRAGMA old.user_version", NULL, val,
	    sizeof(val)) != SQLITE_ROW || strcmp(val, want) != 0 ||
	    query_one(w->db, "SELECT value FROM old." KB_TABLE_META
	    " WHERE key = 'compiler'", NULL, val, sizeof(val)) != SQLITE_ROW ||
	    strcmp(val, w->compiler) != 0)
		goto fail;
	if (sqlite3_exec(w->db, "CREATE TABLE " OLD_SECTION " AS SELECT"
	    " card_id, ord, role, heading, line FROM old." KB_TABLE_SECTION
	    " ORDER BY rowid; CREATE INDEX temp.old_section_card ON"
	    " old_section(card_id); CREATE TABLE " OLD_CODE " AS SELECT"
	    " card_id, code, kind, line FROM old." KB_TABLE_CODE
	    " ORDER BY rowid; CREATE INDEX temp.old_code_card ON"
	    " old_code(card_id);", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	detach_old(w);
	return -1;
}

/* Stops reusing rows and, outside a transaction, detaches "old". */
static void
detach_old(struct writer *w)
{
	int	 i;

	for (i = 0; i < OLD__MAX; i++) {
		sqlite3_finalize(w->old[i]);
		w->old[i] = NULL;
	}
	if (w->has_old && sqlite3_get_autocommit(w->db)) {
		sqlite3_exec(w->db, "DROP TABLE IF EXISTS " OLD_SECTION ";"
		    " DROP TABLE IF EXISTS " OLD_CODE "; DETACH old", NULL,
		    NULL, NULL);
		w->has_old = 0;
	}
}

struct writer *
writer_open(const char *out, int reuse)
{
	struct writer	*w;
	struct strbuf	 sb = { 0 };
	char		*uri;
	int		 fd, i, rc;

	if (check_out(out) == -1)
		return NULL;
	remove_stale(out);
	w = xcalloc(1, sizeof(*w));
	w->out = xstrdup(out);
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
	close(fd);
	if (strlen(w->tmp) < sizeof(signal_tmp))
		memcpy(signal_tmp, w->tmp, strlen(w->tmp) + 1);
	/* a URI, so that the old index can be attached read-only */
	uri = uri_of(w->tmp, NULL);
	rc = sqlite3_open_v2(uri, &w->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_URI, NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		msg_error("cannot open %s: %s", w->tmp,
		    w->db ? sqlite3_errmsg(w->db) : "out of memory");
		writer_abort(w);
		return NULL;
	}
	sb_addf(&sb, "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;"
	    " PRAGMA application_id=%d; PRAGMA user_version=%d;"
	    " PRAGMA page_size=4096; PRAGMA temp_store=MEMORY;",
	    KB_APPLICATION_ID, KB_SCHEMA_VERSION);
	if (exec(w, sb.buf) == -1) {
		sb_release(&sb);
		writer_abort(w);
		return NULL;
	}
	compiler_id(w->compiler);
	/* before BEGIN: ATTACH is refused inside a transaction */
	if (reuse)
		attach_old(w);
	if (exec(w, "BEGIN") == -1 ||
	    exec(w, KB_SCHEMA_DDL) == -1) {
		sb_release(&sb);
		writer_abort(w);
		return NULL;
	}
	sb_release(&sb);
	for (i = 0; i < STMT__MAX; i++) {
		if (sqlite3_prepare_v3(w->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &w->stmt[i], NULL) != SQLITE_OK) {
			msg_error("cannot prepare statement in %s: %s",
			    w->tmp, sqlite3_errmsg(w->db));
			writer_abort(w);
			return NULL;
		}
	}
	/* the copies name tables of both files: after the DDL */
	for (i = 0; i < OLD__MAX && w->has_old; i++)
		if (sqlite3_prepare_v3(w->db, old_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &w->old[i], NULL) != SQLITE_OK) {
			detach_old(w);
			break;
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

int
writer_add_doc(struct writer *w, const struct kb_doc *doc,
    unsigned long long hash, size_t size)
{
	const struct kb_card *c;
	sqlite3_stmt	*st;
	sqlite3_int64	 doc_id, card_id, err_id;
	struct strbuf	 errs = { 0 }, steps = { 0 }, title = { 0 };
	struct strbuf	 cause = { 0 }, symptom = { 0 }, hex = { 0 };
	size_t		 i, j;
	char		*norm;

	if (w->rc != SQLITE_OK)
		return -1;
	sb_addf(&hex, "%016llx", hash);
	st = w->stmt[STMT_INSERT_DOC];
	bind_text(w, STMT_INSERT_DOC, 1, doc->path);
	bind_text(w, STMT_INSERT_DOC, 2, doc->title);
	bind_text(w, STMT_INSERT_DOC, 3, doc->description);
	bind_text(w, STMT_INSERT_DOC, 4, hex.buf);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)size);
	step(w, STMT_INSERT_DOC, "doc");
	doc_id = sqlite3_last_insert_rowid(w->db);

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
		sb_reset(&steps);
		for (j = 0; j < c->nsteps; j++)
			kb_card_add_text(&steps, c->steps[j].text);
		mark_dup(w, sb_str(&steps), card_id);

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
	return w->rc == SQLITE_OK ? 0 : -1;
}

/*
 * A near duplicate of an earlier card points at it (dup_of).  Cards are
 * given to dedup in id order, whether compiled or reused, so the result
 * is that of a full build.
 */
static void
mark_dup(struct writer *w, const char *steps, sqlite3_int64 card_id)
{
	long long	 dup;

	if (w->dedup == NULL)
		w->dedup = dedup_new();
	dup = dedup_add(w->dedup, steps, card_id, NULL);
	if (dup > 0) {
		sqlite3_bind_int64(w->stmt[STMT_SET_DUP], 1, dup);
		sqlite3_bind_int64(w->stmt[STMT_SET_DUP], 2, card_id);
		step(w, STMT_SET_DUP, "duplicate card");
	}
}

/* Runs a bound statement of the old[] table; returns SQLite's rc. */
static int
old_run(struct writer *w, enum old_stmt s)
{
	int	 rc;

	rc = sqlite3_step(w->old[s]);
	sqlite3_reset(w->old[s]);
	sqlite3_clear_bindings(w->old[s]);
	return rc;
}

int
writer_reuse_doc(struct writer *w, const char *path,
    unsigned long long hash, size_t size, size_t *ncards)
{
	struct reused	*v = NULL;
	struct strbuf	 sb = { 0 };
	sqlite3_stmt	*st;
	sqlite3_int64	 old_doc, doc_id, old_card, card_id;
	size_t		 n = 0, cap = 0, i;
	char		 hex[17], *err;
	int		 rc, s;

	*ncards = 0;
	if (w->rc != SQLITE_OK || w->old[OLD_FIND_DOC] == NULL)
		return 0;
	snprintf(hex, sizeof(hex), "%016llx", hash);
	st = w->old[OLD_FIND_DOC];
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)size);
	rc = sqlite3_step(st);
	old_doc = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE)
		return 0;
	/* a savepoint, so that a bad old index costs a recompile, no more */
	if (rc != SQLITE_ROW || sqlite3_exec(w->db, "SAVEPOINT reuse", NULL,
	    NULL, NULL) != SQLITE_OK)
		goto bad;
	sqlite3_bind_int64(w->old[OLD_COPY_DOC], 1, old_doc);
	if ((rc = old_run(w, OLD_COPY_DOC)) != SQLITE_DONE)
		goto undo;
	doc_id = sqlite3_last_insert_rowid(w->db);
	st = w->old[OLD_CARDS];
	sqlite3_bind_int64(st, 1, old_doc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		old_card = sqlite3_column_int64(st, 0);
		sqlite3_bind_int64(w->old[OLD_COPY_CARD], 1, doc_id);
		sqlite3_bind_int64(w->old[OLD_COPY_CARD], 2, old_card);
		if ((rc = old_run(w, OLD_COPY_CARD)) != SQLITE_DONE)
			break;
		card_id = sqlite3_last_insert_rowid(w->db);
		for (s = OLD_COPY_SECTION; s <= OLD_COPY_FTS; s++) {
			sqlite3_bind_int64(w->old[s], 1, card_id);
			if (s != OLD_COPY_ERR_TRI)
				sqlite3_bind_int64(w->old[s], 2, old_card);
			if ((rc = old_run(w, (enum old_stmt)s)) != SQLITE_DONE)
				break;
		}
		if (rc != SQLITE_DONE)
			break;
		sb_reset(&sb);
		sqlite3_bind_int64(w->old[OLD_STEP_TEXT], 1, old_card);
		while ((rc = sqlite3_step(w->old[OLD_STEP_TEXT])) == SQLITE_ROW)
			kb_card_add_text(&sb, (const char *)sqlite3_column_text(
			    w->old[OLD_STEP_TEXT], 0));
		sqlite3_reset(w->old[OLD_STEP_TEXT]);
		if (rc != SQLITE_DONE)
			break;
		xgrow((void **)&v, &cap, n + 1, sizeof(*v));
		v[n].id = card_id;
		v[n++].steps = xstrdup(sb_str(&sb));
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		goto undo;
	if (sqlite3_exec(w->db, "RELEASE reuse", NULL, NULL, NULL) !=
	    SQLITE_OK)
		goto undo;
	for (i = 0; i < n; i++)
		mark_dup(w, v[i].steps, v[i].id);
	*ncards = n;
	rc = w->rc == SQLITE_OK ? 1 : -1;
	goto out;
undo:
	err = xstrdup(sqlite3_errmsg(w->db));
	if (sqlite3_exec(w->db, "ROLLBACK TO reuse; RELEASE reuse", NULL,
	    NULL, NULL) != SQLITE_OK) {
		w->rc = SQLITE_ERROR;
		msg_error("cannot write %s: %s", w->tmp,
		    sqlite3_errmsg(w->db));
	}
	msg_warn("cannot reuse %s: %s; compiling every document", w->out,
	    err);
	free(err);
	goto drop;
bad:
	msg_warn("cannot reuse %s: %s; compiling every document", w->out,
	    sqlite3_errmsg(w->db));
drop:
	detach_old(w);
	rc = w->rc == SQLITE_OK ? 0 : -1;
out:
	for (i = 0; i < n; i++)
		free(v[i].steps);
	free(v);
	sb_release(&sb);
	return rc;
}

int
writer_add_synonym(struct writer *w, const char *term, const char *expansion)
{
	bind_text(w, STMT_INSERT_SYNONYM, 1, term);
	bind_text(w, STMT_INSERT_SYNONYM, 2, expansion);
	step(w, STMT_INSERT_SYNONYM, "synonym");
	return w->rc == SQLITE_OK ? 0 : -1;
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

int
writer_commit(struct writer *w)
{
	char	*dir;
	int	 i, rc = -1;

	if (w->rc != SQLITE_OK)
		goto out;
	/* merge the FTS5 segments: smaller file, faster queries */
	if (exec(w, "INSERT INTO " KB_TABLE_CARD_FTS "(" KB_TABLE_CARD_FTS
	    ") VALUES('optimize');") == -1 ||
	    exec(w, "INSERT INTO " KB_TABLE_ERR_TRI "(" KB_TABLE_ERR_TRI
	    ") VALUES('optimize');") == -1 ||
	    meta(w, "generator", "kbc " KB_VERSION) == -1 ||
	    meta(w, "compiler", w->compiler) == -1 ||
	    exec(w, "COMMIT") == -1)
		goto out;
	detach_old(w);
	if (check(w, "PRAGMA main.quick_check", "quick_check") == -1 ||
	    check(w, "INSERT INTO " KB_TABLE_CARD_FTS "(" KB_TABLE_CARD_FTS
	    ") VALUES('integrity-check')", "FTS5 integrity-check") == -1 ||
	    check(w, "INSERT INTO " KB_TABLE_ERR_TRI "(" KB_TABLE_ERR_TRI
	    ") VALUES('integrity-check')", "FTS5 integrity-check") == -1)
		goto out;
	for (i = 0; i < STMT__MAX; i++) {
		sqlite3_finalize(w->stmt[i]);
		w->stmt[i] = NULL;
	}
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
	int	 i;

	if (w == NULL)
		return;
	for (i = 0; i < STMT__MAX; i++)
		sqlite3_finalize(w->stmt[i]);
	for (i = 0; i < OLD__MAX; i++)
		sqlite3_finalize(w->old[i]);
	if (w->db != NULL)
		sqlite3_close(w->db);
	if (signal_tmp[0] != '\0') {
		unlink(w->tmp);
		signal_tmp[0] = '\0';
	}
	dedup_free(w->dedup);
	free(w->tmp);
	free(w->out);
	free(w);
}
