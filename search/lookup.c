/* SPDX-License-Identifier: MIT */
/*
 * Cards by name, for --show, and the parts of a card beyond a search
 * result: diagnosis, error strings and links.  A link is tied to the step
 * it is written in, and a link that leads to another card of the KB (an
 * anchor of the same document, or a relative path to another document)
 * is resolved to that card's DOC#ANCHOR, so a step that says "see Logging
 * in via VNC" can say where that card is.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "db.h"
#include "lookup.h"
#include "msg.h"
#include "retrieve.h"
#include "score.h"
#include "util.h"

/* Names printed after "did you mean": enough to spot the right one. */
#define SUGGEST_MAX	8
/* Anchors within this many typing errors of the one asked for are
 * "close"; more than that and the whole list of the document is shown. */
#define SUGGEST_EDITS	3

static char	*card_name(const char *, const char *);
static sqlite3_stmt *card_stmt(struct db *, const char *, const char *);
static int	 doc_find(struct db *, const char *, char **);
static int	 link_step(const struct card_view *, const long *,
		    const char *, long);
static int	 resolve(struct db *, const char *, const char *,
		    const char *, char **);
static char	*resolve_path(const char *, const char *);
static void	 strip_ext(char *);
static void	 suggest_anchor(struct db *, const char *, const char *);
static void	 suggest_doc(struct db *, const char *, const char *);

/*
 * The statement, bound and ready to step, that lists card path#anchor when
 * hash is "#anchor", or every card of document path when hash is NULL or
 * a bare "#".  Columns: id, anchor.  path and hash are borrowed until the
 * statement is reset.
 */
static sqlite3_stmt *
card_stmt(struct db *db, const char *path, const char *hash)
{
	sqlite3_stmt	*st;

	if (hash != NULL && hash[1] != '\0') {
		st = db_stmt(db, STMT_CARD_FIND);
		sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, hash + 1, -1, SQLITE_STATIC);
	} else {
		st = db_stmt(db, STMT_DOC_CARDS);
		sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	}
	return st;
}

/* "doc#anchor", owned by the caller. */
static char *
card_name(const char *doc, const char *anchor)
{
	struct strbuf	 sb = { 0 };

	sb_addf(&sb, "%s#%s", doc, anchor);
	return sb_detach(&sb);
}

/* Drops the extension of a document kbc reads, in place. */
static void
strip_ext(char *path)
{
	static const char *const ext[] = { ".md", ".markdown", ".txt" };
	size_t		 i, n = strlen(path), m;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		m = strlen(ext[i]);
		if (n > m && strcasecmp(path + n - m, ext[i]) == 0) {
			path[n - m] = '\0';
			return;
		}
	}
}

/*
 * The doc id a relative link from doc leads to ("../b/x.md" from "a/y"
 * is "b/x"), or NULL for a URL, an absolute path, a path leaving the KB
 * or a file kbc does not read.  Caller frees.
 */
static char *
resolve_path(const char *doc, const char *target)
{
	struct strbuf	 sb = { 0 };
	const char	*p, *slash;
	char		*path;
	size_t		 n;

	for (p = target; isalnum((unsigned char)*p) || *p == '+' ||
	    *p == '-' || *p == '.'; p++)
		continue;
	if (*p == ':' || *target == '/' || *target == '\0')
		return NULL;
	n = strcspn(target, "?#");
	if ((slash = strrchr(doc, '/')) != NULL)
		sb_add(&sb, doc, (size_t)(slash - doc + 1));
	/* percent-decoding: "my%20page.md" is the file "my page.md" */
	for (p = target; p < target + n; p++) {
		if (*p == '%' && isxdigit((unsigned char)p[1]) &&
		    isxdigit((unsigned char)p[2])) {
			char hex[3] = { p[1], p[2], '\0' };

			sb_addc(&sb, (char)strtol(hex, NULL, 16));
			p += 2;
		} else
			sb_addc(&sb, *p);
	}
	path = sb_detach(&sb);
	if (!str_endswith(path, ".md") && !str_endswith(path, ".markdown") &&
	    !str_endswith(path, ".txt")) {
		free(path);
		return NULL;
	}
	strip_ext(path);
	/* "." and ".." segments, in place */
	for (p = path, n = 0; *p != '\0'; ) {
		size_t len = strcspn(p, "/");

		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (n == 0) {
				free(path);
				return NULL;
			}
			while (n > 0 && path[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
		} else if (len > 1 || (len == 1 && p[0] != '.')) {
			if (n > 0)
				path[n++] = '/';
			memmove(path + n, p, len);
			n += len;
		}
		p += len;
		if (*p == '/')
			p++;
	}
	path[n] = '\0';
	if (n == 0) {
		free(path);
		return NULL;
	}
	return path;
}

/*
 * The card a link of card doc#self leads to, as "doc#anchor" in *out, or
 * NULL when it leads outside the KB or back to the card itself.  Returns
 * 0, or -1 on an index error (reported).
 */
static int
resolve(struct db *db, const char *doc, const char *self,
    const char *target, char **out)
{
	sqlite3_stmt	*st;
	const char	*hash = strchr(target, '#');
	char		*path;
	int		 rc;

	*out = NULL;
	if (*target == '#')
		path = xstrdup(doc);
	else if ((path = resolve_path(doc, target)) == NULL)
		return 0;
	st = card_stmt(db, path, hash);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *anchor = (const char *)sqlite3_column_text(st, 1);

		if (anchor != NULL &&
		    (strcmp(path, doc) != 0 || strcmp(anchor, self) != 0))
			*out = card_name(path, anchor);
	}
	sqlite3_reset(st);
	free(path);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db);
	return 0;
}

/*
 * Index of the step of v that a link with text at source line is written
 * in, or -1.  line[j] is the source line of step j.  Steps that start on
 * the same line (a list in one paragraph) are told apart by the link text.
 */
static int
link_step(const struct card_view *v, const long *line, const char *text,
    long at)
{
	size_t	 j, last = 0;
	int	 found = 0;

	for (j = 0; j < v->nsteps; j++)
		if (line[j] <= at && line[j] > 0) {
			last = j;
			found = 1;
		}
	if (!found)
		return -1;
	for (j = last + 1; j-- > 0 && line[j] == line[last]; )
		if (*text != '\0' && (strstr(v->steps[j].text, text) != NULL ||
		    (v->steps[j].note != NULL &&
		    strstr(v->steps[j].note, text) != NULL)))
			return (int)j;
	/*
	 * Not in the text of the last step that starts before it: still that
	 * step when it is on its first line, or before the next step.
	 */
	if (line[last] == at || last + 1 < v->nsteps)
		return (int)last;
	return -1;
}

int
lookup_more(struct db *db, long long id, const struct card_view *v,
    struct card_more *m)
{
	sqlite3_stmt	*st;
	long		*line = NULL;
	size_t		 cap = 0, j;
	int		 rc, ret = -1;

	memset(m, 0, sizeof(*m));
	st = db_stmt(db, STMT_CARD_MORE);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		m->diagnosis = db_text_dup(st, 0);
	else if (rc != SQLITE_DONE)
		goto fail;

	st = db_stmt(db, STMT_ERRSTRS);
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		xgrow((void **)&m->errors, &cap, m->nerrors + 1,
		    sizeof(*m->errors));
		m->errors[m->nerrors++] = db_text_dup(st, 0);
	}
	if (rc != SQLITE_DONE)
		goto fail;

	line = xcalloc(v->nsteps + 1, sizeof(*line));
	st = db_stmt(db, STMT_STEPS);
	sqlite3_bind_int64(st, 1, id);
	for (j = 0; (rc = sqlite3_step(st)) == SQLITE_ROW; j++)
		if (j < v->nsteps)
			line[j] = (long)sqlite3_column_int64(st, 3);
	if (rc != SQLITE_DONE)
		goto fail;

	/* all rows first: resolving a target steps other statements */
	cap = 0;
	st = db_stmt(db, STMT_LINKS);
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct card_link *l;

		xgrow((void **)&m->links, &cap, m->nlinks + 1,
		    sizeof(*m->links));
		l = &m->links[m->nlinks++];
		l->target = db_text_dup(st, 0);
		l->text = db_text_dup(st, 1);
		l->card = NULL;
		/* its source line, until link_step() below places it */
		l->step = (long)sqlite3_column_int64(st, 2);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	for (j = 0; j < m->nlinks; j++) {
		struct card_link *l = &m->links[j];

		l->step = link_step(v, line, l->text, l->step);
		if (resolve(db, v->doc, v->anchor, l->target, &l->card) == -1)
			goto out;
	}
	ret = 0;
	goto out;
fail:
	db_fail(db);
out:
	free(line);
	return ret;
}

void
lookup_more_release(struct card_more *m)
{
	size_t	 i;

	if (m == NULL)
		return;
	free(m->diagnosis);
	for (i = 0; i < m->nerrors; i++)
		free(m->errors[i]);
	free(m->errors);
	for (i = 0; i < m->nlinks; i++) {
		free(m->links[i].target);
		free(m->links[i].text);
		free(m->links[i].card);
	}
	free(m->links);
	memset(m, 0, sizeof(*m));
}

/*
 * The document doc names: itself, else the one path equal to it in
 * another case or ending in "/doc".  Stores it in *out (caller frees).
 * Returns 0; 1 when no document has that name; 2 when several do
 * (reported); -1 on an index error.
 */
static int
doc_find(struct db *db, const char *doc, char **out)
{
	sqlite3_stmt	*st;
	char		*v[SUGGEST_MAX];
	size_t		 n = 0, i, pick = 0, nocase = 0;
	int		 rc = SQLITE_DONE, ret;

	*out = NULL;
	st = db_stmt(db, STMT_DOC_FIND);
	sqlite3_bind_text(st, 1, doc, -1, SQLITE_STATIC);
	while (n < SUGGEST_MAX && (rc = sqlite3_step(st)) == SQLITE_ROW)
		v[n++] = db_text_dup(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		ret = db_fail(db);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (strcasecmp(v[i], doc) == 0 && nocase++ == 0)
			pick = i;
	if (n > 0 && strcmp(v[0], doc) == 0)
		pick = 0;
	else if (n == 0) {
		ret = 1;
		goto out;
	} else if (nocase != 1 && n != 1) {
		struct strbuf sb = { 0 };

		for (i = 0; i < n; i++)
			sb_addf(&sb, "%s%s", i ? ", " : "", v[i]);
		msg_error("%s: several documents have that name: %s%s",
		    doc, sb.buf, n == SUGGEST_MAX ? ", ..." : "");
		sb_release(&sb);
		ret = 2;
		goto out;
	}
	*out = v[pick];
	v[pick] = NULL;
	ret = 0;
out:
	for (i = 0; i < n; i++)
		free(v[i]);
	return ret;
}

/* "did you mean" cards with that anchor in any document. */
static void
suggest_doc(struct db *db, const char *name, const char *anchor)
{
	struct strbuf	 sb = { 0 };
	sqlite3_stmt	*st;
	int		 n = 0;

	st = db_stmt(db, STMT_ANCHOR_FIND);
	sqlite3_bind_text(st, 1, anchor, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		sb_addf(&sb, "%s%s#%s", n++ ? ", " : "", db_text(st, 0),
		    db_text(st, 1));
	sqlite3_reset(st);
	if (n > 0)
		msg_error("no card %s; did you mean %s?", name, sb.buf);
	else
		msg_error("no card %s; try kbsearch TEXT", name);
	sb_release(&sb);
}

/* The anchors of doc close to the one asked for, else all of them. */
static void
suggest_anchor(struct db *db, const char *doc, const char *anchor)
{
	struct strbuf	 close = { 0 }, all = { 0 };
	sqlite3_stmt	*st;
	const char	*a;
	char		*lo, *lo_a;
	size_t		 i;
	int		 nclose = 0, nall = 0;

	lo = xstrdup(anchor);
	for (i = 0; lo[i] != '\0'; i++)
		lo[i] = (char)tolower((unsigned char)lo[i]);
	st = db_stmt(db, STMT_DOC_CARDS);
	sqlite3_bind_text(st, 1, doc, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		a = db_text(st, 1);
		lo_a = xstrdup(a);
		for (i = 0; lo_a[i] != '\0'; i++)
			lo_a[i] = (char)tolower((unsigned char)lo_a[i]);
		if (nclose < SUGGEST_MAX && (strstr(lo_a, lo) != NULL ||
		    score_edits(lo, strlen(lo), lo_a, strlen(lo_a),
		    SUGGEST_EDITS) >= 0))
			sb_addf(&close, "%s%s#%s", nclose++ ? ", " : "", doc,
			    a);
		if (nall++ < SUGGEST_MAX)
			sb_addf(&all, "%s%s", nall > 1 ? ", " : "", a);
		free(lo_a);
	}
	sqlite3_reset(st);
	if (nclose > 0)
		msg_error("no card %s#%s; did you mean %s?", doc, anchor,
		    close.buf);
	else if (nall > 0)
		msg_error("no card %s#%s; its cards: %s%s", doc, anchor,
		    all.buf, nall > SUGGEST_MAX ? ", ..." : "");
	else
		msg_error("no card %s#%s; try kbsearch TEXT", doc, anchor);
	free(lo);
	sb_release(&close);
	sb_release(&all);
}

int
lookup_name(struct db *db, const char *name, long long **ids, size_t *n)
{
	sqlite3_stmt	*st;
	const char	*hash = strchr(name, '#');
	char		*doc, *path = NULL;
	size_t		 cap = 0;
	int		 rc, ret = -1;

	*ids = NULL;
	*n = 0;
	doc = hash != NULL ? xstrndup(name, (size_t)(hash - name)) :
	    xstrdup(name);
	if (strncmp(doc, "./", 2) == 0)
		memmove(doc, doc + 2, strlen(doc + 2) + 1);
	strip_ext(doc);
	if ((rc = doc_find(db, doc, &path)) != 0) {
		/* "--show VNC": perhaps an anchor without its document */
		if (rc == 1)
			suggest_doc(db, name, hash != NULL ? hash + 1 : doc);
		ret = rc == -1 ? -1 : 1;
		goto out;
	}
	st = card_stmt(db, path, hash);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		xgrow((void **)ids, &cap, *n + 1, sizeof(**ids));
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_fail(db);
		goto out;
	}
	if (*n > 0)
		ret = 0;
	else if (hash != NULL && hash[1] != '\0') {
		suggest_anchor(db, path, hash + 1);
		ret = 1;
	} else {
		msg_error("%s: document has no cards", path);
		ret = 1;
	}
out:
	if (ret != 0) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	free(doc);
	free(path);
	return ret;
}
