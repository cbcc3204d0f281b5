/* SPDX-License-Identifier: MIT */
/*
 * FTS5's tokenizer through its C API (fts5_api.xFindTokenizer), built with
 * the arguments of KB_FTS_TOKENIZE so that it yields exactly the terms
 * card_fts stores.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "schema.h"
#include "stem.h"
#include "util.h"

/* Words of KB_FTS_TOKENIZE: the tokenizer's name and its arguments. */
#define STEM_ARGS_MAX	8

struct stemmer {
	fts5_tokenizer	 api;
	Fts5Tokenizer	*tok;
};

struct run {
	stem_fn		 fn;
	void		*ctx;
	int		 ret;
};

static int
each_token(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
	struct run	*r = ctx;

	(void)start;
	(void)end;
	/* FTS5_TOKEN_COLOCATED: a synonym at the same place; none here */
	if ((tflags & FTS5_TOKEN_COLOCATED) || n <= 0)
		return SQLITE_OK;
	if ((r->ret = r->fn(r->ctx, tok, (size_t)n)) != 0)
		return SQLITE_DONE;
	return SQLITE_OK;
}

/* The fts5_api pointer comes from "SELECT fts5(?1)" (SQLite >= 3.20). */
fts5_api *
stem_fts5_api(sqlite3 *db)
{
	fts5_api	*api = NULL;
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) !=
	    SQLITE_OK) {
		msg_error("SQLite lacks FTS5: %s", sqlite3_errmsg(db));
		return NULL;
	}
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	(void)sqlite3_step(st);
	sqlite3_finalize(st);
	if (api == NULL || api->iVersion < 2) {
		msg_error("SQLite lacks the FTS5 extension API");
		return NULL;
	}
	return api;
}

struct stemmer *
stemmer_open(fts5_api *api)
{
	struct stemmer	*s;
	char		 spec[] = KB_FTS_TOKENIZE, *argv[STEM_ARGS_MAX], *p;
	void		*ud = NULL;
	int		 argc = 0;

	if (api == NULL)
		return NULL;
	for (p = strtok(spec, " "); p != NULL && argc < STEM_ARGS_MAX;
	    p = strtok(NULL, " "))
		argv[argc++] = p;
	s = xcalloc(1, sizeof(*s));
	if (argc == 0 ||
	    api->xFindTokenizer(api, argv[0], &ud, &s->api) != SQLITE_OK ||
	    s->api.xCreate(ud, (const char **)argv + 1, argc - 1, &s->tok) !=
	    SQLITE_OK) {
		msg_error("SQLite lacks the FTS5 tokenizer '%s'",
		    KB_FTS_TOKENIZE);
		free(s);
		return NULL;
	}
	return s;
}

void
stemmer_close(struct stemmer *s)
{
	if (s == NULL)
		return;
	s->api.xDelete(s->tok);
	free(s);
}

int
stemmer_run(struct stemmer *s, const char *text, size_t len, stem_fn fn,
    void *ctx)
{
	struct run	 r = { fn, ctx, 0 };
	int		 rc;

	if (len > INT32_MAX)
		len = INT32_MAX;
	rc = s->api.xTokenize(s->tok, &r, FTS5_TOKENIZE_DOCUMENT, text,
	    (int)len, each_token);
	if (r.ret != 0)
		return r.ret;
	return rc == SQLITE_OK || rc == SQLITE_DONE ? 0 : -1;
}
