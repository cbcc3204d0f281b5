/* SPDX-License-Identifier: MIT */
/*
 * Write faults for the index writer (RELIABILITY.md section 5): a wrapping
 * SQLite VFS, registered as the default, fails the Nth xOpen, xWrite,
 * xSync or xTruncate with SQLITE_IOERR_WRITE (that call only) or
 * SQLITE_FULL (that call and every later one, as a full disk does), and an
 * allocator given to SQLITE_CONFIG_MALLOC fails the Nth allocation.  For
 * N = 1, 2, ... until a build succeeds untouched by the fault, for full
 * builds and for delta builds (one document changed): the writer
 * returns -1 naming the temporary file, the old index keeps its bytes and
 * no temporary file or journal is left; a build the fault did not stop
 * must have published a complete index.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "card.h"
#include "harness.h"
#include "msg.h"
#include "normalize.h"
#include "schema.h"
#include "util.h"
#include "writer.h"

/* Documents and cards per build: enough for a few dozen pages. */
#define NDOCS		6
#define NCARDS		6
/*
 * About this many fault points per loop: every N up to a quarter of them,
 * then strides.  $KB_FAULT_POINTS lowers it for slow runs (valgrind).
 */
#define POINTS_MAX	200

enum op { OP_OPEN, OP_WRITE, OP_SYNC, OP_TRUNCATE, OP_MALLOC, OP__MAX };

static const char *const op_name[OP__MAX] = {
	"xOpen", "xWrite", "xSync", "xTruncate", "malloc"
};

struct fault {
	enum op		 op;		/* which call to fail */
	long		 nth;		/* fail the nth one (1-based), 0: never */
	int		 rc;		/* SQLite code to return */
	int		 sticky;	/* keep failing after the nth */
	long		 calls;		/* calls of op so far */
	int		 fired;		/* the fault was injected */
};

struct ffile {
	sqlite3_file	 base;		/* our methods */
	sqlite3_file	*real;		/* the wrapped file, right after us */
};

static struct fault	 fault;
static sqlite3_vfs	*real_vfs;
static sqlite3_mem_methods real_mem;
/* tmpfs where there is one: hundreds of builds, each fsyncs twice */
static char		 dir[64];
static char		 out[96], errfile[96];
static int		 reuse;		/* builds copy unchanged documents */
static long		 points = POINTS_MAX; /* fault points per loop */

static void	 fmt(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* snprintf that stops the test rather than truncate. */
static void
fmt(char *buf, size_t size, const char *f, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, f);
	n = vsnprintf(buf, size, f, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		printf("Bail out! %s: string too long\n", f);
		exit(2);
	}
}

/* Counts a call of op; nonzero when it must fail. */
static int
inject(enum op op)
{
	if (fault.op != op || fault.nth == 0)
		return 0;
	fault.calls++;
	if (fault.calls == fault.nth || (fault.sticky &&
	    fault.calls > fault.nth)) {
		fault.fired = 1;
		return 1;
	}
	return 0;
}

static int
f_close(sqlite3_file *f)
{
	return ((struct ffile *)f)->real->pMethods->xClose(
	    ((struct ffile *)f)->real);
}

#define REAL(f)	(((struct ffile *)(f))->real)
#define CALL(f, m, ...) REAL(f)->pMethods->m(REAL(f), __VA_ARGS__)

static int
f_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	return CALL(f, xRead, p, n, off);
}

static int
f_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	if (inject(OP_WRITE))
		return fault.rc;
	return CALL(f, xWrite, p, n, off);
}

static int
f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	if (inject(OP_TRUNCATE))
		return fault.rc;
	return CALL(f, xTruncate, size);
}

static int
f_sync(sqlite3_file *f, int flags)
{
	if (inject(OP_SYNC))
		return fault.rc;
	return CALL(f, xSync, flags);
}

static int
f_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return CALL(f, xFileSize, size);
}

static int
f_lock(sqlite3_file *f, int lock)
{
	return CALL(f, xLock, lock);
}

static int
f_unlock(sqlite3_file *f, int lock)
{
	return CALL(f, xUnlock, lock);
}

static int
f_reserved(sqlite3_file *f, int *res)
{
	return CALL(f, xCheckReservedLock, res);
}

static int
f_control(sqlite3_file *f, int op, void *arg)
{
	return CALL(f, xFileControl, op, arg);
}

static int
f_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
f_device(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
f_shm_map(sqlite3_file *f, int pg, int size, int extend, void volatile **p)
{
	return CALL(f, xShmMap, pg, size, extend, p);
}

static int
f_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return CALL(f, xShmLock, off, n, flags);
}

static void
f_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
f_shm_unmap(sqlite3_file *f, int del)
{
	return CALL(f, xShmUnmap, del);
}

static int
f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
	return CALL(f, xFetch, off, n, p);
}

static int
f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return CALL(f, xUnfetch, off, p);
}

static const sqlite3_io_methods f_methods = {
	3, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock,
	f_unlock, f_reserved, f_control, f_sector, f_device, f_shm_map,
	f_shm_lock, f_shm_barrier, f_shm_unmap, f_fetch, f_unfetch
};

static int
f_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
    int *outflags)
{
	struct ffile	*f = (struct ffile *)file;
	int		 rc;

	(void)vfs;
	file->pMethods = NULL;
	if (inject(OP_OPEN))
		return fault.rc;
	f->real = (sqlite3_file *)(f + 1);
	rc = real_vfs->xOpen(real_vfs, name, f->real, flags, outflags);
	/* the unix files are version 3; others would need their version */
	if (f->real->pMethods != NULL)
		file->pMethods = &f_methods;
	return rc;
}

static void *
m_malloc(int n)
{
	return inject(OP_MALLOC) ? NULL : real_mem.xMalloc(n);
}

static void *
m_realloc(void *p, int n)
{
	return inject(OP_MALLOC) ? NULL : real_mem.xRealloc(p, n);
}

/* The faulty allocator and VFS; before anything else touches SQLite. */
static int
install(void)
{
	static sqlite3_vfs vfs;
	sqlite3_mem_methods mem;

	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem) != SQLITE_OK)
		return -1;
	mem = real_mem;
	mem.xMalloc = m_malloc;
	mem.xRealloc = m_realloc;
	if (sqlite3_config(SQLITE_CONFIG_MALLOC, &mem) != SQLITE_OK ||
	    sqlite3_initialize() != SQLITE_OK)
		return -1;
	real_vfs = sqlite3_vfs_find(NULL);
	vfs = *real_vfs;
	vfs.zName = "faulty";
	vfs.szOsFile = (int)sizeof(struct ffile) + real_vfs->szOsFile;
	vfs.xOpen = f_open;
	vfs.pNext = NULL;
	return sqlite3_vfs_register(&vfs, 1) == SQLITE_OK ? 0 : -1;
}

static struct kb_doc *
make_doc(int d, const char *path)
{
	struct kb_doc	*doc;
	struct kb_card	*c;
	char		 title[96], text[256];
	int		 i, j;

	fmt(title, sizeof(title), "Document %d about error 0x8009%04d", d,
	    d);
	doc = kb_doc_new(path, title);
	for (i = 0; i < NCARDS; i++) {
		fmt(title, sizeof(title), "Card %d.%d: service fails to"
		    " start after update %d", d, i, i * 7 + d);
		fmt(text, sizeof(text), "card-%d-%d", d, i);
		c = kb_card_new(text, title, 10 * i + 1);
		fmt(text, sizeof(text), "The remote computer %d rejected"
		    " credential set %d with code 0x%08x.", d, i,
		    0x80090000 + d * 16 + i);
		kb_card_add_err(c, text, 10 * i + 2);
		kb_card_add_code(c, "0x80090302", CODE_HEX, 10 * i + 2);
		kb_card_add_text(&c->symptom, text);
		kb_card_add_text(&c->cause, "A policy on the server differs"
		    " from the client's expectation after patching.");
		for (j = 0; j < 8; j++) {
			fmt(text, sizeof(text), "Open the console of"
			    " instance %d, select setting %d and apply the"
			    " value %d; restart the service.", d, j, i);
			kb_card_add_step(c, text, j % 2, 10 * i + 3 + j);
		}
		kb_card_add_link(c, "#card-0-0", "first card", 10 * i + 4);
		kb_card_add_section(c, "Resolution", ROLE_PROCEDURE,
		    10 * i + 3);
		kb_doc_add_card(doc, c);
	}
	return doc;
}

/*
 * One whole build of out; with reuse, a delta build on the old index in
 * which one document changed.  0 when it was published, -1 when refused.
 */
static int
build(void)
{
	struct writer	*w;
	struct writer_stats ws;
	struct kb_doc	*doc;
	unsigned long long hash;
	size_t		 ncards;
	char		 path[64];
	int		 d, rc = 0;

	if ((w = writer_open(out, reuse)) == NULL)
		return -1;
	for (d = 0; d < NDOCS && rc == 0; d++) {
		fmt(path, sizeof(path), "area%d/doc%d.md", d % 3, d);
		/* a delta build: one document changed, the rest kept */
		hash = (unsigned long long)d * 977 + (reuse && d == 1);
		rc = writer_reuse_doc(w, path, hash, 1000, &ncards);
		if (rc == 1) {
			rc = 0;
			continue;
		}
		if (rc == -1)
			break;
		doc = make_doc(d, path);
		rc = writer_add_doc(w, doc, hash, 1000);
		kb_doc_free(doc);
		if (rc == 1)
			rc = 0;
	}
	if (rc == 0)
		rc = writer_add_synonym(w, "rdp", "remote desktop");
	if (rc == 0)
		return writer_commit(w, &ws) == -1 ? -1 : 0;
	writer_abort(w);
	return -1;
}

/* Reads the whole file at path; caller frees.  NULL when unreadable. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp;
	char	*buf;
	long	 n;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		(void)fclose(fp);
		return NULL;
	}
	buf = xmalloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, fp);
	buf[*len] = '\0';
	(void)fclose(fp);	/* read only: nothing to lose */
	return buf;
}

/* Names in dir other than out itself: temporary files and journals. */
static int
leftovers(char *name, size_t size)
{
	DIR		*dp;
	struct dirent	*de;
	int		 n = 0;

	if ((dp = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, "out.db") == 0 ||
		    strcmp(de->d_name, "stderr") == 0)
			continue;
		fmt(name, size, "%s", de->d_name);
		n++;
	}
	closedir(dp);
	return n;
}

/* Nonzero when out is a complete index of the test documents. */
static int
complete(void)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	const char	*sql = "SELECT (SELECT count(*) FROM " KB_TABLE_CARD
	    "), (SELECT quick_check FROM pragma_quick_check),"
	    " (SELECT user_version FROM pragma_user_version)";
	int		 good = 0;

	if (sqlite3_open_v2(out, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &st, NULL) ==
	    SQLITE_OK) {
		good = sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_int(st, 0) == NDOCS * NCARDS &&
		    strcmp((const char *)sqlite3_column_text(st, 1), "ok") ==
		    0 && sqlite3_column_int(st, 2) == KB_SCHEMA_VERSION;
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return good;
}

/* Restores out to old (len bytes) after a build that replaced it. */
static void
restore(const char *old, size_t len)
{
	FILE	*fp = fopen(out, "wb");

	if (fp == NULL || fwrite(old, 1, len, fp) != len || fclose(fp) != 0) {
		perror(out);
		exit(2);
	}
}

/*
 * Builds with the fault at N = 1, 2, ... (in strides past points / 4
 * points) until a build is untouched by it.  Returns the number of faults
 * that fired.
 */
static long
fault_loop(enum op op, int rc, int sticky, long total, const char *old,
    size_t oldlen)
{
	char		 what[512], name[256], *now, *err;
	size_t		 len, errlen;
	long		 n, stride, fired = 0, bad = 0;
	int		 saved, fd, res;

	stride = total / points + 1;
	for (n = 1;; n += n < points / 4 ? 1 : stride) {
		memset(&fault, 0, sizeof(fault));
		fault.op = op;
		fault.nth = n;
		fault.rc = rc;
		fault.sticky = sticky;
		(void)fflush(stderr);
		saved = dup(2);
		fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 2);
		close(fd);
		res = build();
		(void)fflush(stderr);
		dup2(saved, 2);
		close(saved);
		fault.nth = 0;
		if (!fault.fired) {
			fmt(what, sizeof(what), "%s: build %ld untouched"
			    " by the fault publishes a complete index",
			    op_name[op], n);
			ok(res == 0 && complete(), what);
			restore(old, oldlen);
			break;
		}
		fired++;
		now = slurp(out, &len);
		err = slurp(errfile, &errlen);
		if (res == 0) {
			/* SQLite recovered (a cache allocation, say) */
			if (!complete()) {
				fmt(what, sizeof(what), "%s #%ld (%s): a"
				    " build that succeeded is complete",
				    op_name[op], n, sqlite3_errstr(rc));
				ok(0, what);
				bad++;
			}
			restore(old, oldlen);
		} else if (now == NULL || len != oldlen ||
		    memcmp(now, old, len) != 0) {
			fmt(what, sizeof(what), "%s #%ld (%s): old index"
			    " keeps its bytes", op_name[op], n,
			    sqlite3_errstr(rc));
			ok(0, what);
			diag("stderr: %s", err ? err : "(none)");
			diag("out: %s", now == NULL ? "missing" : complete() ?
			    "a complete new index" : "changed");
			bad++;
			if (now != NULL)
				restore(old, oldlen);
		} else if (err == NULL || (strstr(err, ".tmp.") == NULL &&
		    strstr(err, "out of memory") == NULL)) {
			fmt(what, sizeof(what), "%s #%ld (%s): failure"
			    " names the temporary file", op_name[op], n,
			    sqlite3_errstr(rc));
			ok(0, what);
			diag("stderr: %s", err ? err : "(none)");
			bad++;
		}
		if (leftovers(name, sizeof(name)) != 0) {
			fmt(what, sizeof(what), "%s #%ld (%s): no"
			    " temporary file left (%s)", op_name[op], n,
			    sqlite3_errstr(rc), name);
			ok(0, what);
			bad++;
			fmt(what, sizeof(what), "%s/%s", dir, name);
			unlink(what);
		}
		free(now);
		free(err);
		if (bad > 5) {
			diag("%s: giving up after 5 failures", op_name[op]);
			break;
		}
	}
	fmt(what, sizeof(what), "%s %s%s: %ld faults injected, each"
	    " left the old index and no temporary file", op_name[op],
	    sqlite3_errstr(rc), sticky ? " from the Nth on" : "", fired);
	ok(bad == 0, what);
	return fired;
}

/* How many calls of op one clean build makes. */
static long
count_calls(enum op op)
{
	memset(&fault, 0, sizeof(fault));
	fault.op = op;
	fault.nth = -1;		/* count, never fire */
	if (build() != 0)
		return -1;
	fault.nth = 0;
	return fault.calls;
}

int
main(void)
{
	static const int rcs[] = { SQLITE_IOERR_WRITE, SQLITE_FULL };
	const char	*env;
	char		*old;
	size_t		 oldlen;
	long		 calls;
	int		 op, i;

	msg_init("test_writer", 0);
	if ((env = getenv("KB_FAULT_POINTS")) != NULL &&
	    (points = strtol(env, NULL, 10)) < 4)
		points = 4;
	fmt(dir, sizeof(dir), "%s/test_writer.XXXXXX",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (install() == -1 || mkdtemp(dir) == NULL) {
		printf("Bail out! cannot install the faulty VFS\n");
		return 2;
	}
	fmt(out, sizeof(out), "%s/out.db", dir);
	fmt(errfile, sizeof(errfile), "%s/stderr", dir);
	if (!ok(build() == 0 && complete(), "a clean build publishes the index"))
		return done();
	if ((old = slurp(out, &oldlen)) == NULL) {
		printf("Bail out! cannot read %s\n", out);
		return 2;
	}
	for (reuse = 0; reuse < 2; reuse++) {
		diag("builds %s", reuse ? "on a copy of the old index, one"
		    " document changed" : "compiling every document");
		for (op = 0; op < OP__MAX; op++) {
			calls = count_calls(op);
			diag("%s: %ld calls in a build", op_name[op], calls);
			restore(old, oldlen);
			if (op == OP_MALLOC) {
				fault_loop(op, SQLITE_NOMEM, 0, calls, old,
				    oldlen);
				continue;
			}
			for (i = 0; i < 2; i++)
				fault_loop(op, rcs[i], rcs[i] == SQLITE_FULL,
				    calls, old, oldlen);
		}
	}
	free(old);
	unlink(out);
	unlink(errfile);
	rmdir(dir);
	return done();
}
