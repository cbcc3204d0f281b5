/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target (long run only): bytes as an index image, opened
 * read-only with db_open_image() (sqlite3_deserialize with
 * SQLITE_DESERIALIZE_READONLY) and the checks kbsearch makes on open
 * (application_id, schema version, kb_hits(), every statement), then
 * what a search and --show do with it: a few fixed queries through
 * retrieve_query() and score_finish(), the cards that would be shown
 * with retrieve_card() and lookup_more(), and lookup_name().
 *
 * A damaged image may only take kbsearch's exit 1 and 2 paths: a
 * function returns -1 (reported) or finds nothing.  Any crash, abort,
 * leak, sanitizer report or timeout is a finding.  Run it with
 * -close_fd_mask=2: each rejected image prints one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "lookup.h"
#include "msg.h"
#include "retrieve.h"
#include "score.h"
#include "util.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Images larger than this are not worth a fuzzer's time. */
#define FUZZ_IMAGE_MAX	(1024 * 1024)
/* Results kbsearch shows by default, each loaded in full. */
#define FUZZ_SHOWN	3

/* Queries that reach every tier on the default KB (exact string,
   code, trigram, bm25, a typo, a multi-line paste). */
static const char *const queries[] = {
	"The credentials that were used to connect to 10.0.0.1 did not work",
	"CredSSP encryption oracle remediation 0x80004005 error",
	"remote computer requires netwrk level authentcation",
	"event 4625 account locked out\nlogon failure: unknown user name",
};

/* Names for lookup_name(), as --show takes them. */
static const char *const names[] = {
	"login-failures#AuthenticationError",
	"nla-not-supported",
};

static int	 search(struct db *, const char *);

/* One query as run_query() does it; -1 stops this image (exit 2). */
static int
search(struct db *db, const char *text)
{
	struct cands	 cands = { 0 };
	struct card_view views[FUZZ_SHOWN];
	struct card_more more[FUZZ_SHOWN];
	size_t		 i, n = 0;
	int		 ret = -1;

	memset(more, 0, sizeof(more));
	if (retrieve_query(db, text, NULL, &cands) == -1)
		goto out;
	score_finish(&cands);
	for (i = 0; i < cands.n && n < FUZZ_SHOWN; i++) {
		if (retrieve_card(db, cands.v[i].card, &views[n]) == -1)
			goto out;
		n++;
		if (lookup_more(db, cands.v[i].card, &views[n - 1],
		    &more[n - 1]) == -1)
			goto out;
	}
	ret = 0;
out:
	for (i = 0; i < n; i++) {
		retrieve_card_release(&views[i]);
		lookup_more_release(&more[i]);
	}
	score_cands_release(&cands);
	return ret;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct db	*db;
	long long	*ids;
	size_t		 i, n;

	if (size > FUZZ_IMAGE_MAX)
		return 0;
	msg_init("fuzz_index", 1);
	if ((db = db_open_image(data, size, "fuzz.db")) == NULL)
		return 0;
	for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
		if (search(db, queries[i]) == -1)
			goto out;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ids = NULL;
		n = 0;
		if (lookup_name(db, names[i], &ids, &n) == -1) {
			free(ids);
			goto out;
		}
		free(ids);
	}
out:
	db_close(db);
	return 0;
}
