/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: bytes as a pasted query through the matcher as
 * kbsearch runs it: the shared normalizer (clean, mask, codes), then
 * retrieve_query() with every FTS5 expression it builds run against the
 * default index (kb/, compiled by the build), then score_finish() and
 * the cards that would be shown.  Beyond "no crash, no leak":
 *   - cleaning and normalizing are idempotent: the clean text cleans to
 *     itself and the signature of a signature is itself;
 *   - every expression bound to "MATCH ?1" is quoted terms only: an
 *     optional column filter "{col ...} : ", then "..." phrases (inner
 *     quotes doubled) joined by " OR " or " AND ", maybe in parentheses;
 *   - sqlite3_step() never fails (no FTS5 syntax error, no other error);
 *     retrieve_query() never returns -1.
 * The two SQLite calls are wrapped (ld --wrap, see CMakeLists.txt) to
 * see what retrieve.c binds and steps without changing it.
 *
 * The index is read once into memory and opened with db_open_image():
 * $KB_FUZZ_DB if set, else the kb.db of the build (FUZZ_KB_DB).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "lookup.h"
#include "msg.h"
#include "normalize.h"
#include "retrieve.h"
#include "score.h"
#include "util.h"

int	 LLVMFuzzerInitialize(int *, char ***);
int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	 __real_sqlite3_bind_text(sqlite3_stmt *, int, const char *, int,
	    void (*)(void *));
int	 __real_sqlite3_step(sqlite3_stmt *);
int	 __wrap_sqlite3_bind_text(sqlite3_stmt *, int, const char *, int,
	    void (*)(void *));
int	 __wrap_sqlite3_step(sqlite3_stmt *);

/* Pasted queries longer than this are cut by kbsearch anyway. */
#define FUZZ_QUERY_MAX	4096
/* Results kbsearch shows by default, each loaded in full. */
#define FUZZ_SHOWN	3

static struct db	*db;
static unsigned char	*image;
static const char	*query;		/* the input, for reports */

static void	 load_index(void);
static int	 only_quoted(const char *, size_t);
static int	 quoted_item(const char **, const char *, int);
static int	 quoted_seq(const char **, const char *, int);
static void	 same(const char *, const char *, const char *);

/*
 * Reads "..." (inner quotes doubled), or "(" seq ")", at *e; then seq:
 * such items joined by " OR " or " AND ".  Returns 0 when it is not.
 */
static int
quoted_item(const char **e, const char *end, int depth)
{
	const char	*p = *e;

	if (p < end && *p == '(') {
		p++;
		if (depth > 8 || !quoted_seq(&p, end, depth + 1) ||
		    p == end || *p++ != ')')
			return 0;
		*e = p;
		return 1;
	}
	if (p == end || *p++ != '"')
		return 0;
	for (;;) {
		if (p == end || *p == '\0')
			return 0;
		if (*p++ != '"')
			continue;
		if (p < end && *p == '"') {
			p++;
			continue;
		}
		*e = p;
		return 1;
	}
}

static int
quoted_seq(const char **e, const char *end, int depth)
{
	for (;;) {
		if (!quoted_item(e, end, depth))
			return 0;
		if (end - *e >= 4 && memcmp(*e, " OR ", 4) == 0)
			*e += 4;
		else if (end - *e >= 5 && memcmp(*e, " AND ", 5) == 0)
			*e += 5;
		else
			return 1;
	}
}

/*
 * Nonzero when e (n bytes) is quoted terms only: an optional column
 * filter "{col ...} : ", then a seq as above and nothing else.
 */
static int
only_quoted(const char *e, size_t n)
{
	const char	*end = e + n;

	if (e < end && *e == '{') {
		while (e < end && ((*e >= 'a' && *e <= 'z') || *e == ' ' ||
		    *e == '{'))
			e++;
		if (end - e < 4 || memcmp(e, "} : ", 4) != 0)
			return 0;
		e += 4;
	}
	return quoted_seq(&e, end, 0) && e == end;
}

int
__wrap_sqlite3_bind_text(sqlite3_stmt *st, int i, const char *s, int n,
    void (*del)(void *))
{
	const char	*sql = sqlite3_sql(st);
	size_t		 len;

	if (i == 1 && s != NULL && sql != NULL &&
	    strstr(sql, " MATCH ?1") != NULL) {
		len = n < 0 ? strlen(s) : (size_t)n;
		if (!only_quoted(s, len)) {
			fprintf(stderr, "fuzz_query: not only quoted terms:"
			    " [%.*s]\nfor query [%s]\n", (int)len, s, query);
			abort();
		}
	}
	return __real_sqlite3_bind_text(st, i, s, n, del);
}

int
__wrap_sqlite3_step(sqlite3_stmt *st)
{
	int	 rc = __real_sqlite3_step(st);
	char	*sql;

	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sql = sqlite3_expanded_sql(st);
		fprintf(stderr, "fuzz_query: sqlite3_step: %s: %s\n"
		    "for query [%s]\n", sqlite3_errmsg(sqlite3_db_handle(st)),
		    sql != NULL ? sql : "?", query);
		abort();
	}
	return rc;
}

static void
load_index(void)
{
	const char	*path = getenv("KB_FUZZ_DB");
	FILE		*fp;
	long		 size;

	if (path == NULL || *path == '\0')
		path = FUZZ_KB_DB;
	if ((fp = fopen(path, "rb")) == NULL ||
	    fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) <= 0 ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		fprintf(stderr, "fuzz_query: cannot read index %s\n", path);
		exit(2);
	}
	image = xmalloc((size_t)size);
	if (fread(image, 1, (size_t)size, fp) != (size_t)size) {
		fprintf(stderr, "fuzz_query: short read of %s\n", path);
		exit(2);
	}
	fclose(fp);
	if ((db = db_open_image(image, (size_t)size, path)) == NULL)
		exit(2);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	msg_init("fuzz_query", 1);
	load_index();
	return 0;
}

/* Aborts unless a and b are the same string. */
static void
same(const char *what, const char *a, const char *b)
{
	if (strcmp(a, b) == 0)
		return;
	fprintf(stderr, "fuzz_query: %s is not idempotent:\n[%s]\n[%s]\n",
	    what, a, b);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cands	 cands = { 0 };
	struct card_view views[FUZZ_SHOWN];
	struct card_more more[FUZZ_SHOWN];
	struct norm_code *codes;
	char		*text, *clean, *again, *norm, *norm2;
	size_t		 n, i;

	if (size > FUZZ_QUERY_MAX)
		return 0;
	/* the normalizer on the raw bytes, NULs included */
	clean = normalize_clean((const char *)data, size);
	if (strlen(clean) > size)
		abort();
	again = normalize_clean(clean, strlen(clean));
	same("normalize_clean", clean, again);
	norm = normalize_text(clean);
	norm2 = normalize_text(norm);
	same("normalize_text", norm, norm2);
	n = normalize_codes(clean, &codes);
	normalize_codes_free(codes, n);
	free(norm2);
	free(norm);
	free(again);
	free(clean);

	/*
	 * kbsearch joins its TEXT arguments with spaces, so a query holds
	 * no NUL: a NUL here separates two arguments.
	 */
	text = xmalloc(size + 1);
	for (i = 0; i < size; i++)
		text[i] = data[i] == '\0' ? ' ' : (char)data[i];
	text[size] = '\0';
	query = text;
	if (retrieve_query(db, text, NULL, &cands) == -1) {
		fprintf(stderr, "fuzz_query: retrieve_query failed for [%s]\n",
		    text);
		abort();
	}
	score_finish(&cands);
	memset(views, 0, sizeof(views));
	memset(more, 0, sizeof(more));
	for (i = 0; i < cands.n && i < FUZZ_SHOWN; i++) {
		if (retrieve_card(db, cands.v[i].card, &views[i]) == -1 ||
		    lookup_more(db, cands.v[i].card, &views[i], &more[i]) == -1)
			abort();
	}
	for (i = 0; i < FUZZ_SHOWN; i++) {
		retrieve_card_release(&views[i]);
		lookup_more_release(&more[i]);
	}
	score_cands_release(&cands);
	query = NULL;
	free(text);
	return 0;
}
