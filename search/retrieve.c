/* SPDX-License-Identifier: MIT */
/*
 * Retrieval (matcher stage 3).  The paste is cleaned and normalized once,
 * then four tiers look for cards: (1) a stored error string equal to the
 * paste, to one of its lines, or found inside it; (2) error codes, weighed
 * by how many cards share them; (3) trigram FTS5 over error strings, then
 * word alignment (score.c) for typos and fragments; (4) bm25 over card
 * fields with the paste's rarest terms.  Every FTS5 expression is built
 * from double-quoted terms, so pasted text is always data.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "db.h"
#include "msg.h"
#include "normalize.h"
#include "retrieve.h"
#include "schema.h"
#include "score.h"
#include "util.h"

/*
 * Distinct informative words considered per query (RELIABILITY.md
 * section 3): bounds FTS5 work for a pasted page of text.
 */
#define KB_QUERY_TERMS_MAX	64
/*
 * Terms OR-ed into the bm25 query: the rarest ones carry nearly all the
 * evidence, and each extra common term widens the candidate set.
 */
#define KB_QUERY_TERMS_RARE	12
/* Lines of a paste compared one by one with error strings (explains()). */
#define KB_LINES_MAX		128
/*
 * Longest program name read at the start of a message ("curl:"), and the
 * head of a message in which an unknown code marks it foreign.
 */
#define KB_SOURCE_MAX		64
/*
 * Programs a text names as "name.exe": at most KB_EXE_MAX, each shorter
 * than KB_EXE_LEN.
 */
#define KB_EXE_MAX		8
#define KB_EXE_LEN		64
/* Cards taken from bm25, and error strings from the trigram table. */
#define KB_FTS_CANDIDATES	32
#define KB_TRI_CANDIDATES	24
/*
 * Words whose trigrams are searched: the rarest known words plus the
 * words absent from the KB (typos are absent too, and trigrams are what
 * finds them despite the typo), at most KB_TRI_UNKNOWN of those.
 */
#define KB_TRI_WORDS		12
#define KB_TRI_UNKNOWN		8
/*
 * A known word on more than one card in KB_TRI_COMMON ("error") matches
 * a third of all error strings, and ranking them all by bm25 is most of
 * a query's time: such words first only rank the error strings that
 * hold a rarer word of the paste too...
 */
#define KB_TRI_COMMON		8
/*
 * ... and when the error strings found that way are all less similar to
 * the paste than this, its rare words were noise (a host, a ticket
 * number) and all its words are searched after all.
 */
#define KB_TRI_SIM_ENOUGH	0.5
/* Distinct trigrams in one expression: about 20 words of 10 letters. */
#define KB_TRI_GRAMS_MAX	200
/*
 * Phrase lookup of error strings: runs of KB_CHUNK_WORDS consecutive
 * words of the paste, each a quoted trigram phrase, so a long fragment
 * of common words ("the remote computer requires network level
 * authentication") still finds the error string it was cut from, which
 * the rare-word trigrams miss.  The KB_CHUNKS_MAX runs richest in
 * informative words are OR-ed.
 */
#define KB_CHUNK_WORDS		3
#define KB_CHUNKS_MAX		24
/*
 * Informative words in one stretch of found chunks that make it a
 * quotation of the card rather than shared vocabulary: longer than any
 * common phrase of procedures ("open the registry editor").
 */
#define QUOTE_WORDS		6
/* Lines of a paste looked up one by one as exact error strings. */
#define KB_SIG_LINES_MAX	2000
/* Words of a paste used for alignment (64 KiB of text is ~12,000). */
#define KB_ALIGN_WORDS_MAX	16384
/* Words of one stored error string (KB_ERRSTR_MAX_BYTES is 1 KiB). */
#define KB_ERR_WORDS_MAX	512
/* The whole query is also tried as a phrase when it is this short. */
#define KB_PHRASE_WORDS_MAX	8
/*
 * A query word absent from the KB still counts against coverage, at this
 * share of the rarest word's weight: it is as likely a typo, a host name
 * or a word of the user's own as a sign of another problem.
 */
#define UNKNOWN_TERM_WEIGHT	0.35
/*
 * Evidence of the matched terms: the sum of their squared IDF shares, so
 * that a rare word counts fully and five common ones (IDF share 0.3,
 * 0.09 each) do not add up to one rare word.  This much is full
 * evidence: about one and a half rare words.
 */
#define INFO_FULL		1.5
/*
 * Words of a paste found together: within a stretch of the paste's own
 * length plus KB_NEAR_SLACK tokens of one field, at least KB_NEAR_MIN and
 * at most KB_NEAR_MAX tokens wide.
 */
#define KB_NEAR_SLACK		8
#define KB_NEAR_MIN		16
#define KB_NEAR_MAX		64
/* Where a term was found: error strings, title and symptom say the most. */
#define FIELD_W_MAIN		1.0
#define FIELD_W_CAUSE		0.7
#define FIELD_W_STEPS		0.4
/*
 * Spelling correction of words absent from the index, against the
 * index's own terms (card_vocab, porter stems): words this long or
 * longer; one edit, two from SPELL2_MIN_LEN letters.  A stem shorter
 * than the word is compared with the word's prefix of its length, when
 * at most SPELL_SUFFIX letters were stemmed off ("authentcation" and
 * "authent").  A corrected word counts SPELL_CREDIT of its weight: it
 * may be a host name that happens to look like a word.
 */
#define SPELL_MIN_LEN		4
#define SPELL2_MIN_LEN		8
#define SPELL_STEM_MIN		4
#define SPELL_SUFFIX		3
#define SPELL_CREDIT		0.8
/*
 * The stem's prefix of the word may itself hold a typing error only
 * from this length: "format" is not "forc" (force) plus "at".
 */
#define SPELL2_STEM_MIN		7
/*
 * Two words run together ("capslock", "keyset"): a word absent from
 * the index, this long or longer, split into two parts of at least
 * SPLIT_PART letters that the index holds as a phrase.
 */
#define SPLIT_MIN_LEN		6
#define SPLIT_PART		3
/*
 * Card side of the match: the first KEY_WORDS words of a card's title
 * and symptom are what it is about; the IDF share of them that the
 * paste names is its key coverage.  Words match when their stems agree,
 * or one stem starts the other and is STEM_PREFIX_MIN letters or more
 * ("connect", "connectivity").
 */
#define KEY_WORDS		40
/* Cards, best bm25 first, whose key coverage is measured. */
#define KEY_CANDIDATES		8
#define STEM_PREFIX_MIN		6
/*
 * A word no card has in its title, symptom or error strings (only in
 * causes and steps: "action", "protocol", "check") names no problem,
 * and neither does a log level ("fatal:" before a message, rare as it
 * may be in a KB); it is worth this share of its IDF, both as evidence
 * and as a word the card must cover, so such words neither crowd the
 * rare-term selection nor hide that a card names the paste's other
 * words.
 */
#define WEAK_TERM		0.5
/*
 * ... unless the word is on one card only, in a KB of UNIQUE_CARDS
 * cards or more: then, wherever that card has it, it names the card
 * ("BlockInboundAlways", a policy value a step checks for, in a pasted
 * "netsh advfirewall" output), and counts as a word of a main field.
 * In a KB of a dozen cards most words are on one card and say no more
 * than the rest.
 */
#define UNIQUE_CARDS		40

/* FTS5 column filter of the fields that name a problem (schema.h order). */
#define MAIN_COLS		"{title symptom errors}"

struct term {
	const char	*w;		/* the word, borrowed from the toks */
	size_t		 len;		/* its length */
	char		*syn;		/* normalized synonym expansion */
	char		*fix;		/* spelling correction, or NULL */
	char		*stem;		/* the term FTS5 indexes it as, or
					   NULL when it is not one */
	long long	 df;		/* cards containing word or synonym */
	int		 named;		/* some card has it in a title, symptom
					   or error string */
	int		 unique;	/* on one card of UNIQUE_CARDS or more */
	double		 weight;	/* IDF share in [0,1], times WEAK_TERM
					   when no card names it in a main
					   field */
	int		 ph;		/* phrase number in the bm25 MATCH */
	int		 ph_syn;	/* same for the expansion, or -1 */
	int		 common;	/* on half the cards or more: its
					   phrases are in the hits MATCH */
	int		 order;		/* position in the paste */
};

/* Program names ("userinit"), lower case, without ".exe". */
struct exes {
	char		 v[KB_EXE_MAX][KB_EXE_LEN];
	size_t		 n;
};

/* A word of a card's title or symptom, and its IDF share. */
struct kword {
	char		*w;		/* the normalized word, owned */
	double		 weight;	/* idf_share() of its card count */
};

struct query {
	struct db	*db;		/* the index */
	struct cands	*out;		/* candidates found */
	char		*clean;		/* the paste, controls dropped */
	const char	*source;	/* program a shell prompt named, or
					   NULL */
	int		 known_code;	/* a code of the paste is on a card */
	struct exes	 exes;		/* programs the paste names */
	char		*norm;		/* normalize_text(clean) */
	struct toks	 p;		/* norm split into words */
	struct term	*t;		/* informative words, at most _MAX */
	size_t		 nt;
	long long	 ncards;	/* cards in the index */
	long long	*tried;		/* errstr ids already aligned */
	double		 tri_best;	/* best similarity of those */
	size_t		 ntried, captried;
	struct kword	*kw;		/* card words looked up */
	size_t		 nkw, capkw;
	struct toks	*lines;		/* the paste's lines, split into words */
	size_t		 nlines;
};

struct chunk {
	size_t		 at;		/* first word in q->p */
	double		 w;		/* informative weight */
	int		 ph;		/* phrase number in the bm25 MATCH */
};

static void	 add_chunk(struct strbuf *, const struct query *,
		    const struct chunk *);
static void	 add_quoted(struct strbuf *, const char *, size_t);
static void	 add_term(struct strbuf *, struct term *, size_t *);
static int	 contains_words(const char *, const char *);
static int	 chunk_cmp(const void *, const void *);
static void	 chunk_phrases(const struct query *, struct cand *,
		    const struct chunk *, size_t, const unsigned char *, int,
		    double *, double);
static int	 card_cover(struct query *, struct cand *);
static int	 code_other_program(struct query *, long long, const char *,
		    char *, size_t);
static void	 exe_names(const char *, struct exes *);
static int	 foreign_name(struct query *, const char *, const char *);
static int	 foreign_source(struct query *);
static double	 explains(const struct query *, const struct toks *);
static void	 split_lines(struct query *);
static int	 str_blank_n(const char *, size_t);
static int	 count_match(struct query *, const char *, long long *);
static int	 word_df(struct query *, const char *, size_t, long long *);
static size_t	 count_words(const char *);
static int	 fetch_dup_of(struct query *);
static double	 field_weight(unsigned);
static double	 idf_share(const struct query *, long long);
static int	 lookup_terms(struct query *);
static int	 kword_weight(struct query *, const char *, size_t,
		    double *);
static int	 main_named(struct query *, struct term *,
		    struct strbuf *);
static size_t	 pick_chunks(const struct query *, struct chunk **);
static int	 query_has(const struct query *, const char *, size_t);
static int	 spell(struct query *, struct term *);
static int	 split(struct query *, struct term *);
static size_t	 stem_len(const char *, size_t);
static int	 stem_match(const char *, size_t, const char *, size_t);
static int	 step_done(struct query *, int);
static int	 term_cmp(const void *, const void *);
static int	 tier_codes(struct query *);
static int	 tier_chunks(struct query *);
static int	 tier_fts(struct query *);
static int	 tier_sig(struct query *);
static int	 tier_tri(struct query *);
static int	 tri_errstrs(struct query *, const char *);
static int	 try_errstr(struct query *, long long);
static double	 word_weight(const struct query *, size_t);

/* FTS5 string: double quotes, inner quotes doubled; anything else is data. */
static void
add_quoted(struct strbuf *sb, const char *s, size_t n)
{
	size_t	 i;

	sb_addc(sb, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			sb_addc(sb, '"');
		sb_addc(sb, s[i]);
	}
	sb_addc(sb, '"');
}

/* A chunk of the paste as one quoted phrase, single spaces. */
static void
add_chunk(struct strbuf *sb, const struct query *q, const struct chunk *c)
{
	struct strbuf	 words = { 0 };
	size_t		 j;

	for (j = c->at; j < c->at + KB_CHUNK_WORDS; j++) {
		if (j > c->at)
			sb_addc(&words, ' ');
		sb_add(&words, q->p.w[j], q->p.len[j]);
	}
	add_quoted(sb, words.buf, words.len);
	sb_release(&words);
}

/* Step ended with rc: 0 when the statement is done, else report. */
static int
step_done(struct query *q, int rc)
{
	if (rc == SQLITE_DONE)
		return 0;
	return db_fail(q->db);
}

/* Nonzero when needle occurs in hay as whole words. */
static int
contains_words(const char *hay, const char *needle)
{
	size_t		 n = strlen(needle);
	const char	*p = hay;

	if (n == 0)
		return 0;
	while ((p = strstr(p, needle)) != NULL) {
		if ((p == hay || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' '))
			return 1;
		p++;
	}
	return 0;
}

/* Informative words of a normalized text. */
static size_t
count_words(const char *norm)
{
	struct toks	 t;
	size_t		 n;

	score_toks_init(&t, norm, KB_ERR_WORDS_MAX);
	n = t.ncontent;
	score_toks_release(&t);
	return n;
}

/* Nonzero when s[0..n) holds only white space. */
static int
str_blank_n(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* Number of cards matching the quoted expression expr. */
static int
count_match(struct query *q, const char *expr, long long *df)
{
	sqlite3_stmt	*st = db_stmt(q->db, STMT_TERM_DF);
	int		 rc;

	*df = 0;
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*df = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	return step_done(q, rc);
}

/*
 * Number of cards holding the word w[0..len): a term_df lookup, or a
 * phrase MATCH for a word FTS5 splits ("multi-agent").
 */
static int
word_df(struct query *q, const char *w, size_t len, long long *df)
{
	struct strbuf	 sb = { 0 };
	int		 rc;

	if ((rc = db_word_df(q->db, w, len, df)) != 1)
		return rc;
	add_quoted(&sb, w, len);
	rc = count_match(q, sb.buf, df);
	sb_release(&sb);
	return rc;
}

/*
 * BM25's IDF of a term on df of the cards, as a share of the IDF of a
 * term found on one card, so weights mean the same in a 5-card KB and in
 * a 50,000-card one.
 */
static double
idf_share(const struct query *q, long long df)
{
	double	 n = (double)q->ncards, top, v;

	if (df <= 0)
		return UNKNOWN_TERM_WEIGHT;
	top = log(1 + (n - 1 + 0.5) / 1.5);
	v = log(1 + (n - (double)df + 0.5) / ((double)df + 0.5));
	if (top <= 0)
		return 1;
	v /= top;
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* Unknown words first, then the heaviest; ties in paste order. */
static int
term_cmp(const void *a, const void *b)
{
	const struct term *x = a, *y = b;

	if ((x->df == 0) != (y->df == 0))
		return x->df == 0 ? -1 : 1;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return x->order - y->order;
}

/*
 * A word absent from the index and with no close spelling: the split
 * into two words that the most cards hold as a phrase becomes t->fix.
 * Returns 0, or -1 (reported).
 */
static int
split(struct query *q, struct term *t)
{
	struct strbuf	 sb = { 0 };
	size_t		 i, at = 0;
	long long	 df, best_df = 0;

	if (t->len < SPLIT_MIN_LEN)
		return 0;
	for (i = SPLIT_PART; i + SPLIT_PART <= t->len; i++) {
		sb_reset(&sb);
		sb_addc(&sb, '"');
		sb_add(&sb, t->w, i);
		sb_addc(&sb, ' ');
		sb_add(&sb, t->w + i, t->len - i);
		sb_addc(&sb, '"');
		if (count_match(q, sb.buf, &df) == -1) {
			sb_release(&sb);
			return -1;
		}
		if (df > best_df) {
			best_df = df;
			at = i;
		}
	}
	if (best_df > 0) {
		sb_reset(&sb);
		sb_add(&sb, t->w, at);
		sb_addc(&sb, ' ');
		sb_add(&sb, t->w + at, t->len - at);
		t->fix = sb_detach(&sb);
		t->df = best_df;
	}
	sb_release(&sb);
	return 0;
}

/*
 * A word absent from the index: the closest indexed term among those
 * starting with its first two letters, or with them swapped, becomes
 * t->fix, with its card count in t->df.  Letters only: digits are values
 * and codes, never typing errors.  Returns 0, or -1 (reported).
 */
static int
spell(struct query *q, struct term *t)
{
	sqlite3_stmt	*st;
	char		 from[3][8], to[3][8];
	char		*best = NULL;
	long long	 best_df = 0, df;
	size_t		 i, vlen, nrange = 1;
	int		 rc, d, best_d = 99, max, ret = -1;

	if (t->len < SPELL_MIN_LEN || t->len > 64)
		return 0;
	for (i = 0; i < t->len; i++)
		if (t->w[i] < 'a' || t->w[i] > 'z')
			return 0;
	max = t->len >= SPELL2_MIN_LEN ? 2 : 1;
	memcpy(from[0], t->w, 2);
	from[0][2] = '\0';
	if (t->w[0] != t->w[1]) {
		from[1][0] = t->w[1];
		from[1][1] = t->w[0];
		from[1][2] = '\0';
		nrange = 2;
	}
	for (i = 0; i < nrange; i++) {
		memcpy(to[i], from[i], 3);
		to[i][1]++;
		st = db_stmt(q->db, STMT_VOCAB);
		sqlite3_bind_text(st, 1, from[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, to[i], -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *v = (const char *)sqlite3_column_text(st,
			    0);

			if (v == NULL)
				continue;
			vlen = strlen(v);
			df = sqlite3_column_int64(st, 1);
			d = score_edits(t->w, t->len, v, vlen, max);
			if (d < 0 && vlen >= SPELL_STEM_MIN && vlen < t->len &&
			    t->len - vlen <= SPELL_SUFFIX)
				d = score_edits(t->w, vlen, v, vlen,
				    vlen >= SPELL2_STEM_MIN ? 1 : 0);
			if (d < 0 || d > best_d ||
			    (d == best_d && df <= best_df))
				continue;
			free(best);
			best = xstrdup(v);
			best_d = d;
			best_df = df;
		}
		if (step_done(q, rc) == -1)
			goto out;
	}
	if (best == NULL) {
		ret = split(q, t);
		goto out;
	}
	/* the stem must find cards when FTS5 stems it again */
	if (word_df(q, best, strlen(best), &df) == -1)
		goto out;
	if (df > 0) {
		t->fix = best;
		best = NULL;
		t->df = df;
	}
	ret = 0;
out:
	free(best);
	return ret;
}

/*
 * t->named: some card holds t (its correction or its expansion) in a
 * title, symptom or error string; the first such card ends the search.
 * sb is scratch.  Returns 0, or -1 (reported).
 */
static int
main_named(struct query *q, struct term *t, struct strbuf *sb)
{
	sqlite3_stmt	*st = db_stmt(q->db, STMT_TERM_ANY);
	int		 rc;

	sb_reset(sb);
	sb_adds(sb, MAIN_COLS " : (");
	if (t->fix != NULL)
		add_quoted(sb, t->fix, strlen(t->fix));
	else
		add_quoted(sb, t->w, t->len);
	if (t->syn != NULL) {
		sb_adds(sb, " OR ");
		add_quoted(sb, t->syn, strlen(t->syn));
	}
	sb_addc(sb, ')');
	sqlite3_bind_text(st, 1, sb->buf, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t->named = sqlite3_column_int(st, 0);
		rc = sqlite3_step(st);
	}
	return step_done(q, rc);
}

/*
 * The informative words of the paste, each with its synonym expansion
 * and document frequencies, then sorted heaviest first (unknown words,
 * df 0, come first).
 */
static int
lookup_terms(struct query *q)
{
	struct strbuf	 sb = { 0 };
	sqlite3_stmt	*st;
	unsigned char	*seen;
	struct term	*t;
	size_t		 i, j;
	long long	 df;
	int		 rc, ret = -1;

	seen = xcalloc(q->p.ndist ? q->p.ndist : 1, 1);
	q->t = xcalloc(KB_QUERY_TERMS_MAX, sizeof(*q->t));
	for (i = 0; i < q->p.n && q->nt < KB_QUERY_TERMS_MAX; i++) {
		const char *w = q->p.w[i];
		int	 alnum = 0;

		if (q->p.kind[i] != TOK_WORD || seen[q->p.id[i]])
			continue;
		seen[q->p.id[i]] = 1;
		/* unicode61 drops "_" and symbols: keep words it indexes */
		for (j = 0; j < q->p.len[i] && !alnum; j++)
			alnum = (w[j] >= 'a' && w[j] <= 'z') ||
			    (w[j] >= '0' && w[j] <= '9') ||
			    (unsigned char)w[j] >= 0xC0;
		if (!alnum || q->p.len[i] < 2)
			continue;
		/*
		 * One term per stem: "Faulting ... Fault offset" names
		 * one word of the KB, not two, and counting it twice
		 * doubles its share of the paste.
		 */
		if ((rc = db_word_stem(q->db, w, q->p.len[i], &sb)) == -1)
			goto out;
		for (j = 0; rc == 0 && j < q->nt; j++)
			if (q->t[j].stem != NULL &&
			    strcmp(q->t[j].stem, sb.buf) == 0)
				break;
		if (rc == 0 && j < q->nt)
			continue;
		t = &q->t[q->nt];
		t->w = w;
		t->len = q->p.len[i];
		t->stem = rc == 0 ? xstrdup(sb.buf) : NULL;
		t->ph = t->ph_syn = -1;
		t->order = (int)q->nt++;
	}

	for (i = 0; i < q->nt; i++) {
		t = &q->t[i];
		/* the stem is known: look its count up, not stem it again */
		if ((t->stem != NULL ? db_term_df(q->db, t->stem, &t->df) :
		    word_df(q, t->w, t->len, &t->df)) == -1)
			goto out;
		if (t->df == 0 && spell(q, t) == -1)
			goto out;
		st = db_stmt(q->db, STMT_SYNONYM);
		sqlite3_bind_text(st, 1, t->w, (int)t->len, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *exp =
			    (const char *)sqlite3_column_text(st, 0);

			if (exp != NULL)
				t->syn = normalize_text(exp);
			if (t->syn != NULL && t->syn[0] == '\0') {
				free(t->syn);
				t->syn = NULL;
			}
			rc = sqlite3_step(st);
		}
		if (step_done(q, rc) == -1)
			goto out;
		if (t->syn != NULL) {
			sb_reset(&sb);
			add_quoted(&sb, t->syn, strlen(t->syn));
			if (count_match(q, sb.buf, &df) == -1)
				goto out;
			if (df > t->df)
				t->df = df;
		}
		if (t->df > 0 && !score_levelword(t->w, t->len) &&
		    main_named(q, t, &sb) == -1)
			goto out;
		t->weight = idf_share(q, t->df);
		t->unique = t->df == 1 && q->ncards >= UNIQUE_CARDS &&
		    !score_levelword(t->w, t->len);
		if (t->df > 0 && !t->named && !t->unique)
			t->weight *= WEAK_TERM;
		if (t->fix != NULL)
			t->weight *= SPELL_CREDIT;
	}
	if (q->nt > 0)
		qsort(q->t, q->nt, sizeof(*q->t), term_cmp);
	ret = 0;
out:
	sb_release(&sb);
	free(seen);
	return ret;
}

/* Tier 1: the paste, or one of its lines, is a stored error string. */
static int
tier_sig(struct query *q)
{
	sqlite3_stmt	*st;
	char		*line, *ln, *prev = NULL, *save = NULL, *copy;
	size_t		 nlines = 0;
	int		 rc, exact, ret = -1;

	copy = xstrdup(q->clean);
	ln = xstrdup(q->norm);
	for (line = NULL, exact = 1; ; exact = 0) {
		if (!exact) {
			line = strtok_r(line == NULL ? copy : NULL, "\n",
			    &save);
			if (line == NULL || nlines++ >= KB_SIG_LINES_MAX)
				break;
			free(ln);
			ln = normalize_text(line);
			if (ln[0] == '\0' || strcmp(ln, q->norm) == 0 ||
			    (prev != NULL && strcmp(ln, prev) == 0))
				continue;
			free(prev);
			prev = xstrdup(ln);
		}
		if (ln[0] == '\0')
			continue;
		st = db_stmt(q->db, STMT_ERRSTR_EQ);
		sqlite3_bind_text(st, 1, ln, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			long long id = sqlite3_column_int64(st, 0);
			struct cand *c = score_cand(q->out,
			    sqlite3_column_int64(st, 1));
			const char *text =
			    (const char *)sqlite3_column_text(st, 2);
			int	 words = (int)count_words(ln);
			double	 v = score_sig(exact, words);

			if (v > c->sig)
				c->sig = v;
			score_matched(c, id, text != NULL ? text : "", 2 + v);
			sb_addf(&c->why, "signature: %s equals error string"
			    " #%lld (%d words): %.3f\n", exact ? "the paste" :
			    "a line", id, words, v);
		}
		if (step_done(q, rc) == -1)
			goto out;
	}
	ret = 0;
out:
	free(prev);
	free(ln);
	free(copy);
	return ret;
}

/* Tier 2: error codes, a code shared by n cards counting 1/sqrt(n). */
static int
tier_codes(struct query *q)
{
	struct norm_code *codes;
	sqlite3_stmt	*st;
	long long	*ids = NULL;
	size_t		 ncodes, i, j, n, cap = 0;
	int		 rc, ret = -1;

	ncodes = normalize_codes(q->clean, &codes);
	for (i = 0; i < ncodes; i++) {
		st = db_stmt(q->db, STMT_CODE_CARDS);
		sqlite3_bind_text(st, 1, codes[i].code, -1, SQLITE_STATIC);
		n = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			xgrow((void **)&ids, &cap, n + 1, sizeof(*ids));
			ids[n++] = sqlite3_column_int64(st, 0);
		}
		if (step_done(q, rc) == -1)
			goto out;
		/*
		 * A message that opens with a specific code no card knows
		 * ("ERROR 1045 (28000): ...") is about something else.
		 * Codes further on are details (a status in an event
		 * record) and ports and event ids are shared widely.
		 */
		if (n == 0 && codes[i].off < KB_SOURCE_MAX &&
		    codes[i].kind != CODE_PORT &&
		    codes[i].kind != CODE_EVENT && q->out->foreign == NULL)
			q->out->foreign = xstrdup(codes[i].code);
		q->known_code |= n > 0;
		for (j = 0; j < n; j++) {
			struct cand *c = score_cand(q->out, ids[j]);
			double	 v = score_code(codes[i].kind, (long long)n);
			char	 prog[KB_EXE_LEN];

			if ((codes[i].kind == CODE_HEX ||
			    codes[i].kind == CODE_CONST) &&
			    (rc = code_other_program(q, ids[j], codes[i].code,
			    prog, sizeof(prog))) != 0) {
				if (rc == -1)
					goto out;
				c->other_program = 1;
				sb_addf(&c->why, "code: %s is %s.exe's on this"
				    " card, not a program of the paste: 0\n",
				    codes[i].code, prog);
				continue;
			}
			c->code = 1 - (1 - c->code) * (1 - v);
			sb_addf(&c->why, "code: %s (%s) on %zu card%s: %.3f\n",
			    codes[i].code, normalize_code_kind(codes[i].kind),
			    n, n == 1 ? "" : "s", v);
		}
	}
	ret = 0;
out:
	free(ids);
	normalize_codes_free(codes, ncodes);
	return ret;
}

/* Adds the programs text names to out when code is one of its codes. */
static void
exe_names_with(const char *text, const char *code, struct exes *out)
{
	struct norm_code *codes;
	size_t		 ncodes, i;
	int		 has = 0;

	if (text == NULL)
		return;
	ncodes = normalize_codes(text, &codes);
	for (i = 0; i < ncodes && !has; i++)
		has = strcmp(codes[i].code, code) == 0;
	normalize_codes_free(codes, ncodes);
	if (has)
		exe_names(text, out);
}

/*
 * Whether code, found on card, belongs there to another program than the
 * paste's: a status such as 0xc0000005 (an access violation) is the same
 * for every program that crashes, and a card whose title, symptom or
 * error string names the program with the code ("Userinit.exe
 * Exception: access violation (0xc0000005)") fixes that program's crash
 * only.  True when those parts of the card that carry the code name
 * programs, the paste names programs too, and none of them is the same;
 * the card's first program is copied to prog.  Returns 1, 0, or -1
 * (reported).
 */
static int
code_other_program(struct query *q, long long card, const char *code,
    char *prog, size_t progsz)
{
	sqlite3_stmt	*st;
	struct exes	 card_exes;
	size_t		 i, j;
	int		 rc;

	if (q->exes.n == 0)
		return 0;
	memset(&card_exes, 0, sizeof(card_exes));
	st = db_stmt(q->db, STMT_CARD);
	sqlite3_bind_int64(st, 1, card);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		exe_names_with(db_text(st, 0), code, &card_exes);
		exe_names_with(db_text(st, 2), code, &card_exes);
		rc = sqlite3_step(st);
	}
	if (step_done(q, rc) == -1)
		return -1;
	st = db_stmt(q->db, STMT_ERRSTRS);
	sqlite3_bind_int64(st, 1, card);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		exe_names_with((const char *)sqlite3_column_text(st, 0), code,
		    &card_exes);
	if (step_done(q, rc) == -1)
		return -1;
	if (card_exes.n == 0)
		return 0;
	for (i = 0; i < card_exes.n; i++)
		for (j = 0; j < q->exes.n; j++)
			if (strcmp(card_exes.v[i], q->exes.v[j]) == 0)
				return 0;
	(void)snprintf(prog, progsz, "%s", card_exes.v[0]);
	return 1;
}

/*
 * Adds to out the programs s names as "name.exe" or a path ending so,
 * lower case and without the extension.
 */
static void
exe_names(const char *s, struct exes *out)
{
	const char	*p, *b;
	size_t		 n, i;

	for (p = s; (p = strchr(p, '.')) != NULL; p++) {
		if (tolower((unsigned char)p[1]) != 'e' ||
		    tolower((unsigned char)p[2]) != 'x' ||
		    tolower((unsigned char)p[3]) != 'e' ||
		    isalnum((unsigned char)p[4]) || p[4] == '_')
			continue;
		for (b = p; b > s && (isalnum((unsigned char)b[-1]) ||
		    b[-1] == '_' || b[-1] == '-' || b[-1] == '.'); b--)
			;
		n = (size_t)(p - b);
		if (n == 0 || n >= KB_EXE_LEN || out->n == KB_EXE_MAX)
			continue;
		for (i = 0; i < out->n; i++)
			if (strncasecmp(out->v[i], b, n) == 0 &&
			    out->v[i][n] == '\0')
				break;
		if (i < out->n)
			continue;
		for (i = 0; i < n; i++)
			out->v[out->n][i] = (char)tolower((unsigned char)b[i]);
		out->v[out->n++][n] = '\0';
	}
}

/*
 * How much of one line of the paste the error string e accounts for: the
 * largest share, over the lines, of a line's informative words that are
 * words of e, as score_explains() weighs it.  Per line, so that a message
 * alone on its line in a transcript counts in full, while "Access is
 * denied" inside a database's one-line error does not.
 */
static double
explains(const struct query *q, const struct toks *e)
{
	size_t	 i, j, m, best_m = 0, best_n = 0, nl;
	double	 f, best = -1;

	/* a one-line paste is its own only line: q->p, split once */
	nl = q->nlines > 0 ? q->nlines : 1;
	for (i = 0; i < nl; i++) {
		const struct toks *l = q->nlines > 0 ? &q->lines[i] : &q->p;

		if (l->ncontent == 0)
			continue;
		for (m = 0, j = 0; j < l->n; j++)
			m += l->kind[j] == TOK_WORD &&
			    score_toks_find(e, l->w[j], l->len[j]) >= 0;
		f = (double)m / (double)l->ncontent;
		if (f > best) {
			best = f;
			best_m = m;
			best_n = l->ncontent;
		}
	}
	return best < 0 ? 1 : score_explains(best_m, best_n);
}

/*
 * Sets q->out->foreign to the name p[0..e) when a part of it ("java",
 * "lang", "outofmemoryerror"; parts of under three letters are skipped)
 * is no word of the KB.  Returns 0, or -1 (reported).
 */
static int
foreign_name(struct query *q, const char *p, const char *e)
{
	const char	*s;
	long long	 df;
	size_t		 n;

	for (s = p; s < e && q->out->foreign == NULL; s += n + 1) {
		for (n = 0; s + n < e && isalpha((unsigned char)s[n]); n++)
			;
		if (n < 3) {
			while (s + n < e && isalnum((unsigned char)s[n]))
				n++;
			continue;
		}
		if (word_df(q, s, n, &df) == -1)
			return -1;
		if (df == 0)
			q->out->foreign = xstrndup(p, (size_t)(e - p));
	}
	return 0;
}

/*
 * A message that starts by naming its source ("curl: (60) ...", "docker:
 * Error response ...", "ORA-12154: ...", "java.lang.OutOfMemoryError:"),
 * or that a shell prompt's command wrote ("$ git push" before "fatal:
 * Authentication failed"), when the KB never mentions that source, is
 * about another program, even if its other words ("certificate",
 * "access denied") are shared.  Not a prompt's command when the output
 * carries a code the KB knows: a probe ("Test-NetConnection ... -Port
 * 3389") reports on what the KB is about.  Sets q->out->foreign to the
 * name.  Runs after tier_codes().  Returns 0, or -1 (reported).
 */
static int
foreign_source(struct query *q)
{
	const char	*p = q->clean, *s, *e;

	if (q->source != NULL && !q->known_code && q->out->foreign == NULL) {
		if (foreign_name(q, q->source,
		    q->source + strlen(q->source)) == -1)
			return -1;
		q->out->foreign_prompt = q->out->foreign != NULL;
	}
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (!isalpha((unsigned char)*p))
		return 0;	/* a time stamp, a prompt, a bracket: a log */
	for (e = p; isalnum((unsigned char)*e) || *e == '.' || *e == '_' ||
	    *e == '-'; e++)
		;
	/* "prog:" or "prog[123]:", the form of syslog and of most tools */
	s = e;
	if (*s == '[')
		while (*s != '\0' && *s != ']' && *s != '\n')
			s++;
	if (*s == ']')
		s++;
	if (*s != ':' || e - p < 2 || e - p > KB_SOURCE_MAX)
		return 0;
	return foreign_name(q, p, e);
}

/* Rates stored error string id against the paste (tier 3, and tier 1). */
static int
try_errstr(struct query *q, long long id)
{
	sqlite3_stmt	*st = db_stmt(q->db, STMT_ERRSTR_GET);
	struct toks	 e;
	struct align	 a;
	struct cand	*c;
	const char	*text, *norm;
	double		 v;
	size_t		 i;
	int		 rc;

	for (i = 0; i < q->ntried; i++)
		if (q->tried[i] == id)
			return 0;
	xgrow((void **)&q->tried, &q->captried, q->ntried + 1,
	    sizeof(*q->tried));
	q->tried[q->ntried++] = id;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return step_done(q, rc);
	c = score_cand(q->out, sqlite3_column_int64(st, 0));
	text = (const char *)sqlite3_column_text(st, 1);
	norm = (const char *)sqlite3_column_text(st, 2);
	if (text == NULL || norm == NULL)
		return 0;
	score_toks_init(&e, norm, KB_ERR_WORDS_MAX);
	if (e.ncontent > 0 && strcmp(norm, q->norm) != 0 &&
	    contains_words(q->norm, norm)) {
		/* found whole: tier 1 evidence, not counted again as tier 3 */
		v = score_sig(0, (int)e.ncontent) * explains(q, &e);
		if (v > c->sig)
			c->sig = v;
		score_matched(c, id, text, 2 + v);
		q->tri_best = 1;
		sb_addf(&c->why, "signature: error string #%lld occurs in"
		    " the paste (%zu words): %.3f\n", id, e.ncontent, v);
		score_toks_release(&e);
		return 0;
	}
	score_align(&q->p, &e, &a);
	if (a.sim > q->tri_best)
		q->tri_best = a.sim;
	v = score_tri(&a) * explains(q, &e);
	if (v > c->tri)
		c->tri = v;
	if (a.sim > c->sim)
		c->sim = a.sim;
	score_matched(c, id, text, v);
	sb_addf(&c->why, "trigram: error string #%lld similarity %.3f"
	    " (in order %.3f, as fragment %.3f, %d words): %.3f\n", id,
	    a.sim, a.recall, a.frag, a.words, v);
	score_toks_release(&e);
	return 0;
}

/*
 * Runs the trigram match expression expr (quoted terms or phrases, OR-ed)
 * against the error strings, then aligns each hit with try_errstr(); the
 * hits are all read before the first is aligned, which steps other
 * statements.  Returns 0, or -1 (reported).
 */
static int
tri_errstrs(struct query *q, const char *expr)
{
	sqlite3_stmt	*st;
	long long	*ids = NULL;
	size_t		 i, n = 0, cap = 0;
	int		 rc, ret = -1;

	st = db_stmt(q->db, STMT_TRI);
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, KB_TRI_CANDIDATES);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		xgrow((void **)&ids, &cap, n + 1, sizeof(*ids));
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	if (step_done(q, rc) == -1)
		goto out;
	for (i = 0; i < n; i++)
		if (try_errstr(q, ids[i]) == -1)
			goto out;
	ret = 0;
out:
	free(ids);
	return ret;
}

/*
 * Tier 3: the paste's rarest known words, and the trigrams of its unknown
 * ones, OR-ed against the trigram table of error strings; each hit is
 * then aligned word by word.  Words under three characters have no
 * trigram.
 */
static int
tier_tri(struct query *q)
{
	struct strbuf	 expr = { 0 }, rare = { 0 }, common = { 0 };
	struct strbuf	 all = { 0 };
	struct strbuf	*to;
	char		*grams[KB_TRI_GRAMS_MAX];
	size_t		 i, j, nwords = 0, nunknown = 0, ncommon = 0;
	size_t		 ngrams = 0, at, start[3] = { 0, 0, 0 }, have;
	int		 ret = 0;

	for (i = 0; i < q->nt && ngrams < KB_TRI_GRAMS_MAX; i++) {
		const struct term *t = &q->t[i];

		if (t->df == 0) {
			if (nunknown >= KB_TRI_UNKNOWN)
				continue;
			nunknown++;
		} else if (nwords++ >= KB_TRI_WORDS)
			break;
		/*
		 * A word the KB knows is looked up whole, as a substring:
		 * its trigrams one by one ("acc", "ess") would match most
		 * error strings and make the query scan them all.  Only
		 * unknown words, maybe misspelled, go in by trigram.
		 */
		if (t->df > 0 && t->len >= 3) {
			to = &rare;
			if (t->df * KB_TRI_COMMON > q->ncards) {
				to = &common;
				if (all.len > 0)
					sb_adds(&all, " AND ");
				add_quoted(&all, t->w, t->len);
				ncommon++;
			}
			if (to->len > 0)
				sb_adds(to, " OR ");
			add_quoted(to, t->w, t->len);
			grams[ngrams++] = xstrndup(t->w, t->len);
			continue;
		}
		/* character trigrams: UTF-8 sequences are kept whole */
		have = 0;
		for (at = 0; at <= t->len && ngrams < KB_TRI_GRAMS_MAX; at++) {
			if (at < t->len &&
			    ((unsigned char)t->w[at] & 0xC0) == 0x80)
				continue;
			if (have == 3) {
				const char *g = t->w + start[0];
				size_t	 glen = at - start[0];

				for (j = 0; j < ngrams; j++)
					if (strlen(grams[j]) == glen &&
					    memcmp(grams[j], g, glen) == 0)
						break;
				if (j == ngrams) {
					grams[ngrams++] = xstrndup(g, glen);
					if (rare.len > 0)
						sb_adds(&rare, " OR ");
					add_quoted(&rare, g, glen);
				}
			}
			start[0] = start[1];
			start[1] = start[2];
			start[2] = at;
			if (have < 3)
				have++;
		}
	}
	/*
	 * Common words only ("access is denied"): the strings that hold them
	 * all, then any of them if those are not similar enough.  One common
	 * word alone ("error 0x204") would only bring the shortest strings
	 * that hold it; the other tiers match such a paste.
	 */
	if (rare.len == 0) {
		if (ncommon >= 2 && (ret = tri_errstrs(q, all.buf)) == 0 &&
		    q->tri_best < KB_TRI_SIM_ENOUGH)
			ret = tri_errstrs(q, common.buf);
	} else if ((ret = tri_errstrs(q, rare.buf)) == 0 && common.len > 0) {
		sb_addf(&expr, "(%s) AND (%s)", rare.buf, common.buf);
		ret = tri_errstrs(q, expr.buf);
		if (ret == 0 && q->tri_best < KB_TRI_SIM_ENOUGH) {
			sb_reset(&expr);
			sb_addf(&expr, "%s OR %s", rare.buf, common.buf);
			ret = tri_errstrs(q, expr.buf);
		}
	}
	for (j = 0; j < ngrams; j++)
		free(grams[j]);
	sb_release(&expr);
	sb_release(&rare);
	sb_release(&common);
	sb_release(&all);
	return ret;
}

/* IDF share of word i of the paste, 0 for stopwords and values. */
static double
word_weight(const struct query *q, size_t i)
{
	size_t	 k;

	if (q->p.kind[i] != TOK_WORD)
		return 0;
	for (k = 0; k < q->nt; k++)
		if (q->t[k].len == q->p.len[i] &&
		    memcmp(q->t[k].w, q->p.w[i], q->p.len[i]) == 0)
			return q->t[k].weight;
	return 0;
}

/* Heaviest chunk first; ties in paste order. */
static int
chunk_cmp(const void *a, const void *b)
{
	const struct chunk *x = a, *y = b;

	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

/*
 * Runs of KB_CHUNK_WORDS consecutive words of the paste without
 * placeholders and with at least two informative words, heaviest first,
 * at most KB_CHUNKS_MAX.  Returns their number; *out is the caller's to
 * free.
 */
static size_t
pick_chunks(const struct query *q, struct chunk **out)
{
	struct chunk	*ch = NULL;
	size_t		 i, j, nw, nch = 0, cap = 0;

	for (i = 0; i + KB_CHUNK_WORDS <= q->p.n; i++) {
		struct chunk c = { i, 0, -1 };

		for (j = i, nw = 0; j < i + KB_CHUNK_WORDS; j++) {
			if (q->p.kind[j] == TOK_PLACE)
				break;
			nw += q->p.kind[j] == TOK_WORD;
			c.w += word_weight(q, j);
		}
		if (j < i + KB_CHUNK_WORDS || nw < 2 || c.w <= 0)
			continue;
		xgrow((void **)&ch, &cap, nch + 1, sizeof(*ch));
		ch[nch++] = c;
	}
	if (nch > 0)
		qsort(ch, nch, sizeof(*ch), chunk_cmp);
	if (nch > KB_CHUNKS_MAX)
		nch = KB_CHUNKS_MAX;
	*out = ch;
	return nch;
}

/*
 * Tier 3 by phrase: runs of consecutive words of the paste, without
 * placeholders and with at least two informative words, as quoted
 * trigram phrases; error strings containing one are aligned like the
 * other trigram hits.
 */
static int
tier_chunks(struct query *q)
{
	struct strbuf	 expr = { 0 };
	struct chunk	*ch = NULL;
	size_t		 i, nch;
	int		 ret;

	nch = pick_chunks(q, &ch);
	for (i = 0; i < nch; i++) {
		if (i > 0)
			sb_adds(&expr, " OR ");
		add_chunk(&expr, q, &ch[i]);
	}
	ret = nch > 0 ? tri_errstrs(q, expr.buf) : 0;
	free(ch);
	sb_release(&expr);
	return ret;
}

/*
 * ORs term t (its correction, else the word; and its expansion) into the
 * MATCH expression expr, numbering its phrases from *nphrase on.
 */
static void
add_term(struct strbuf *expr, struct term *t, size_t *nphrase)
{
	if (expr->len > 0)
		sb_adds(expr, " OR ");
	if (t->fix != NULL)
		add_quoted(expr, t->fix, strlen(t->fix));
	else
		add_quoted(expr, t->w, t->len);
	t->ph = (int)(*nphrase)++;
	if (t->syn != NULL) {
		sb_adds(expr, " OR ");
		add_quoted(expr, t->syn, strlen(t->syn));
		t->ph_syn = (int)(*nphrase)++;
	}
}

/* The most telling column bit of a kb_hits() byte, as a weight. */
static double
field_weight(unsigned cols)
{
	if (cols & ((1u << FTS_TITLE) | (1u << FTS_SYMPTOM) |
	    (1u << FTS_ERRORS)))
		return FIELD_W_MAIN;
	if (cols & (1u << FTS_CAUSE))
		return FIELD_W_CAUSE;
	if (cols & (1u << FTS_STEPS))
		return FIELD_W_STEPS;
	return 0;
}

/*
 * Phrase evidence from the query's chunks found in card c: each distinct
 * informative word of the query counts with the field weight of the best
 * chunk containing it, as a share of the IDF mass of all of them
 * (total), so a card quoting most of a long message in its symptom
 * scores like a whole-query phrase.  A stretch of the paste covered by
 * found chunks that holds QUOTE_WORDS informative words is a quotation,
 * worth a main field wherever the card has it (a table of event
 * messages in a step), and the share of the paste quoted is evidence of
 * its own (score_quote()).  wfw is scratch: one per word id, then one
 * per word of the paste.
 */
static void
chunk_phrases(const struct query *q, struct cand *c, const struct chunk *ch,
    size_t nch, const unsigned char *hits, int nhits, double *wfw,
    double total)
{
	double	*pos = wfw + q->p.ndist, got = 0, fw, v, vq, quoted = 0;
	size_t	 i, j, start, nw;
	int	 nwords = 0;
	unsigned char *inq = NULL;

	if (nch == 0 || total <= 0)
		return;
	memset(wfw, 0, (q->p.ndist + q->p.n) * sizeof(*wfw));
	for (i = 0; i < nch; i++) {
		if (ch[i].ph >= nhits || hits[ch[i].ph] == 0)
			continue;
		fw = field_weight(hits[ch[i].ph]);
		for (j = ch[i].at; j < ch[i].at + KB_CHUNK_WORDS; j++)
			if (fw > pos[j])
				pos[j] = fw;
	}
	for (start = i = 0; i <= q->p.n; i++) {
		if (i < q->p.n && pos[i] > 0)
			continue;
		for (j = start, nw = 0; j < i; j++)
			nw += q->p.kind[j] == TOK_WORD;
		for (j = start; j < i && nw >= QUOTE_WORDS; j++) {
			pos[j] = FIELD_W_MAIN;
			if (inq == NULL)
				inq = xcalloc(q->p.ndist ? q->p.ndist : 1, 1);
			inq[q->p.id[j]] = 1;
		}
		start = i + 1;
	}
	for (i = 0; i < q->p.n; i++)
		if (pos[i] > wfw[q->p.id[i]])
			wfw[q->p.id[i]] = pos[i];
	for (i = 0; i < q->p.ndist; i++) {
		if (wfw[i] <= 0 || q->p.kind[q->p.dist[i]] != TOK_WORD)
			continue;
		got += wfw[i] * word_weight(q, q->p.dist[i]);
		if (inq != NULL && inq[i])
			quoted += word_weight(q, q->p.dist[i]);
		nwords++;
	}
	free(inq);
	if (got <= 0)
		return;
	v = score_chunks(got / total, nwords);
	vq = score_quote(quoted / total);
	if (vq > v)
		v = vq;
	if (v <= c->phrase)
		return;
	c->phrase = v;
	sb_addf(&c->why, "phrase: runs of the query cover %.3f of it"
	    " (%d words), quotations %.3f: %.3f\n", got / total, nwords,
	    quoted / total, v);
}

/*
 * Length of w without one inflection or derivation suffix and a final
 * "e", so that "connects", "connection" and "connected" agree.  Only for
 * comparing words of a card with words of the paste; FTS5 does its own
 * (porter) stemming.
 */
static size_t
stem_len(const char *w, size_t len)
{
	static const char *const suffix[] = {
		"ations", "ation", "ings", "ing", "ions", "ion", "ies",
		"ied", "ers", "er", "es", "ed", "ly", "s"
	};
	size_t	 i, n;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		n = strlen(suffix[i]);
		if (len >= n + 3 && memcmp(w + len - n, suffix[i], n) == 0) {
			len -= n;
			break;
		}
	}
	if (len > 3 && w[len - 1] == 'e')
		len--;
	return len;
}

static int
stem_match(const char *a, size_t n, const char *b, size_t m)
{
	size_t	 sa = stem_len(a, n), sb = stem_len(b, m);
	size_t	 k = sa < sb ? sa : sb;

	if (memcmp(a, b, k) != 0)
		return 0;
	return sa == sb || k >= STEM_PREFIX_MIN;
}

/* Nonzero when a word of the paste, its correction or expansion is w. */
static int
query_has(const struct query *q, const char *w, size_t len)
{
	const struct term *t;
	const char	*s;
	size_t		 i, n;

	for (i = 0; i < q->nt; i++) {
		t = &q->t[i];
		if (stem_match(t->w, t->len, w, len))
			return 1;
		for (s = t->fix; s != NULL && *s != '\0'; s += n) {
			s += strspn(s, " ");
			n = strcspn(s, " ");
			if (n > 0 && stem_match(s, n, w, len))
				return 1;
		}
		for (s = t->syn; s != NULL && *s != '\0'; s += n) {
			s += strspn(s, " ");
			n = strcspn(s, " ");
			if (n > 0 && stem_match(s, n, w, len))
				return 1;
		}
	}
	return 0;
}

/* *out: IDF share of card word w, looked up once per query. */
static int
kword_weight(struct query *q, const char *w, size_t len, double *out)
{
	long long	 df;
	size_t		 i;

	for (i = 0; i < q->nkw; i++)
		if (strncmp(q->kw[i].w, w, len) == 0 &&
		    q->kw[i].w[len] == '\0') {
			*out = q->kw[i].weight;
			return 0;
		}
	if (word_df(q, w, len, &df) == -1)
		return -1;
	xgrow((void **)&q->kw, &q->capkw, q->nkw + 1, sizeof(*q->kw));
	q->kw[q->nkw].w = xstrndup(w, len);
	/* a word FTS5 does not index as written says nothing */
	q->kw[q->nkw].weight = df > 0 ? idf_share(q, df) : 0;
	*out = q->kw[q->nkw++].weight;
	return 0;
}

/*
 * c->keycov: the IDF share of the informative words at the head of the
 * card's title and symptom that the paste names; c->keyinfo: the sum of
 * their squared IDF shares.  Returns 0, or -1 (reported).
 */
static int
card_cover(struct query *q, struct cand *c)
{
	sqlite3_stmt	*st = db_stmt(q->db, STMT_CARD);
	struct strbuf	 sb = { 0 };
	struct toks	 k;
	unsigned char	*seen;
	char		*norm;
	double		 got = 0, total = 0, w, mass = 0;
	size_t		 i;
	int		 rc;

	sqlite3_bind_int64(st, 1, c->card);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return step_done(q, rc);
	sb_adds(&sb, db_text(st, 0));
	sb_addc(&sb, '\n');
	sb_adds(&sb, db_text(st, 2));
	sqlite3_reset(st);
	norm = normalize_text(sb.buf);
	sb_release(&sb);
	score_toks_init(&k, norm, KEY_WORDS);
	free(norm);
	seen = xcalloc(k.ndist ? k.ndist : 1, 1);
	for (i = 0; i < k.n; i++) {
		if (k.kind[i] != TOK_WORD || seen[k.id[i]])
			continue;
		seen[k.id[i]] = 1;
		if (kword_weight(q, k.w[i], k.len[i], &w) == -1) {
			free(seen);
			score_toks_release(&k);
			return -1;
		}
		total += w;
		if (query_has(q, k.w[i], k.len[i])) {
			got += w;
			mass += w * w;
			c->keywords += w > 0;
		}
	}
	free(seen);
	score_toks_release(&k);
	c->keycov = total > 0 ? got / total : 0;
	c->keyinfo = mass;
	sb_addf(&c->why, "key: the paste names %.3f of the card's title and"
	    " symptom, IDF mass %.3f\n", c->keycov, c->keyinfo);
	return 0;
}

/*
 * Tier 4: bm25 over card fields with the rarest known terms (and their
 * synonyms) OR-ed, plus the whole query as one phrase when it is short.
 * kb_hits() tells which terms each card holds, and where, for coverage:
 * the IDF-weighted share of the query's informative words that the card
 * contains.  Unknown words stay in the denominator.
 */
static int
tier_fts(struct query *q)
{
	static const char *const colname[FTS__MAX] = {
		"title", "symptom", "errors", "cause", "steps"
	};
	struct strbuf	 expr = { 0 }, common = { 0 };
	sqlite3_stmt	*st, *st2;
	struct chunk	*ch = NULL;
	size_t		 i, nsel = 0, nphrase = 0, ncommon = 0, nwords = 0;
	size_t		 lo, hi, nch, nterm, width;
	double		 denom = 0, *wfw = NULL, chunk_total = 0;
	int		 ph_all = -1, rc, ret = -1, col, phrase_ok;

	for (i = 0; i < q->nt; i++) {
		struct term *t = &q->t[i];

		if (t->df == 0) {
			denom += t->weight;
			continue;
		}
		if (nsel >= KB_QUERY_TERMS_RARE)
			continue;
		denom += t->weight;
		/*
		 * FTS5 clamps the IDF of a term on half the cards or more
		 * to almost nothing, so OR-ing it in ("error") only makes
		 * bm25 rank thousands of cards for no change of order.
		 * Once a rarer term chose the candidates, it is looked up
		 * on them alone, for the cover.
		 */
		t->common = nsel > 0 && 2 * t->df >= q->ncards;
		nsel++;
		if (t->common) {
			add_term(&common, t, &ncommon);
			continue;
		}
		add_term(&expr, t, &nphrase);
	}
	if (nsel == 0) {
		ret = 0;
		goto out;
	}
	nterm = nphrase;
	/*
	 * A short query is also tried as one phrase, without the
	 * placeholders and stopwords at its ends ("the error _hex_"); a
	 * placeholder inside breaks it.
	 */
	for (lo = 0; lo < q->p.n && q->p.kind[lo] != TOK_WORD; lo++)
		;
	for (hi = q->p.n; hi > lo && q->p.kind[hi - 1] != TOK_WORD; hi--)
		;
	phrase_ok = hi - lo >= 2 && hi - lo <= KB_PHRASE_WORDS_MAX;
	for (i = lo; i < hi && phrase_ok; i++)
		phrase_ok = q->p.kind[i] != TOK_PLACE;
	if (phrase_ok) {
		struct strbuf words = { 0 };

		for (i = lo; i < hi; i++) {
			if (i > lo)
				sb_addc(&words, ' ');
			sb_add(&words, q->p.w[i], q->p.len[i]);
			nwords += q->p.kind[i] == TOK_WORD;
		}
		sb_adds(&expr, " OR ");
		add_quoted(&expr, words.buf, words.len);
		sb_release(&words);
		ph_all = (int)nphrase++;
	}
	/* runs of the query as phrases: how much of it a field says */
	nch = pick_chunks(q, &ch);
	for (i = 0; i < nch; i++) {
		sb_adds(&expr, " OR ");
		add_chunk(&expr, q, &ch[i]);
		ch[i].ph = (int)nphrase++;
	}
	wfw = xcalloc(q->p.ndist + q->p.n + 1, sizeof(*wfw));
	for (i = 0; i < q->p.ndist; i++)
		chunk_total += word_weight(q, q->p.dist[i]);

	width = q->p.n + KB_NEAR_SLACK;
	width = width < KB_NEAR_MIN ? KB_NEAR_MIN : width > KB_NEAR_MAX ?
	    KB_NEAR_MAX : width;
	st = db_stmt(q->db, STMT_FTS);
	sqlite3_bind_text(st, 1, expr.buf, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, KB_FTS_CANDIDATES);
	sqlite3_bind_int(st, 3, (int)nterm);
	sqlite3_bind_int(st, 4, (int)width);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cand *c = score_cand(q->out,
		    sqlite3_column_int64(st, 0));
		const unsigned char *hits = sqlite3_column_blob(st, 2);
		const unsigned char *hits2 = NULL, *h;
		int	 nhits = sqlite3_column_bytes(st, 2), nhits2 = 0, nh;
		double	 got = 0, mass = 0, near = 0, fw;

		c->rel = sqlite3_column_double(st, 1);
		if (ncommon > 0) {
			st2 = db_stmt(q->db, STMT_FTS_HITS);
			sqlite3_bind_text(st2, 1, common.buf, -1,
			    SQLITE_STATIC);
			sqlite3_bind_int64(st2, 2, c->card);
			if ((rc = sqlite3_step(st2)) == SQLITE_ROW) {
				hits2 = sqlite3_column_blob(st2, 0);
				nhits2 = sqlite3_column_bytes(st2, 0);
			} else if (step_done(q, rc) == -1)
				goto out;
		}
		sb_addf(&c->why, "bm25: relevance %.3f; terms:", c->rel);
		for (i = 0; i < q->nt; i++) {
			const struct term *t = &q->t[i];
			unsigned cols = 0;

			h = t->common ? hits2 : hits;
			nh = t->common ? nhits2 : nhits;
			if (t->ph >= 0 && t->ph < nh)
				cols |= h[t->ph];
			if (t->ph_syn >= 0 && t->ph_syn < nh)
				cols |= h[t->ph_syn];
			if (cols == 0)
				continue;
			fw = t->unique ? FIELD_W_MAIN : field_weight(cols);
			got += t->weight * fw;
			/* common terms are looked up apart: no position */
			if (t->common || (cols & KB_HITS_NEAR))
				near += t->weight * fw;
			cols &= ~(unsigned)KB_HITS_NEAR;
			mass += t->weight * t->weight * fw;
			if (c->terms.len > 0)
				sb_addc(&c->terms, ' ');
			sb_add(&c->terms, t->w, t->len);
			sb_addf(&c->why, " %.*s", (int)t->len, t->w);
			if (t->fix != NULL)
				sb_addf(&c->why, "(~%s)", t->fix);
			if (t->ph_syn >= 0 && t->ph_syn < nh &&
			    h[t->ph_syn] != 0)
				sb_addf(&c->why, "(=%s)", t->syn);
			sb_addc(&c->why, '[');
			for (col = 0; col < FTS__MAX; col++)
				if (cols & (1u << col))
					sb_addf(&c->why, "%s%s", colname[col],
					    (cols >> (col + 1)) ? "," : "");
			sb_addf(&c->why, "]:%.2f", t->weight);
		}
		c->cover = denom > 0 ? got / denom : 0;
		c->info = mass / INFO_FULL < 1 ? mass / INFO_FULL : 1;
		c->near = got > 0 ? near / got : 0;
		sb_addf(&c->why, "; cover %.3f, info %.3f, together %.3f\n",
		    c->cover, c->info, c->near);
		if (ph_all >= 0 && ph_all < nhits && hits[ph_all] != 0) {
			fw = field_weight(hits[ph_all]);
			c->phrase = score_phrase(fw, (int)nwords,
			    c->info);
			sb_addf(&c->why, "phrase: the whole query, field"
			    " weight %.1f, info %.3f: %.3f\n", fw, c->info,
			    c->phrase);
		}
		chunk_phrases(q, c, ch, nch, hits, nhits, wfw, chunk_total);
	}
	if (step_done(q, rc) == -1)
		goto out;
	/*
	 * Key coverage looks up the document frequency of every head word
	 * of a card, the costliest step of a query: only the cards bm25
	 * ranks best can lead on key words, so only they are looked at.
	 */
	for (i = 0; i < q->out->n; i++) {
		struct cand *c = &q->out->v[i];
		size_t	 j, better = 0;

		if (c->rel <= 0)
			continue;
		for (j = 0; j < q->out->n; j++)
			better += q->out->v[j].rel > c->rel ||
			    (j < i && q->out->v[j].rel == c->rel);
		if (better < KEY_CANDIDATES && card_cover(q, c) == -1)
			goto out;
	}
	ret = 0;
out:
	free(ch);
	free(wfw);
	sb_release(&expr);
	sb_release(&common);
	return ret;
}

/* dup_of of every candidate, for folding near-duplicates. */
static int
fetch_dup_of(struct query *q)
{
	sqlite3_stmt	*st;
	size_t		 i;
	int		 rc;

	for (i = 0; i < q->out->n; i++) {
		st = db_stmt(q->db, STMT_CARD);
		sqlite3_bind_int64(st, 1, q->out->v[i].card);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			q->out->v[i].dup_of = sqlite3_column_int64(st, 5);
			rc = sqlite3_step(st);
		}
		if (step_done(q, rc) == -1)
			return -1;
	}
	return 0;
}

int
retrieve_query(struct db *db, const char *text, const char *source,
    struct cands *out)
{
	struct query	 q;
	struct norm_code *codes;
	sqlite3_stmt	*st;
	size_t		 ncodes, i;
	int		 rc, ret = -1;

	memset(&q, 0, sizeof(q));
	q.db = db;
	q.out = out;
	q.source = source;
	q.clean = normalize_clean(text, strlen(text));
	q.norm = normalize_text(q.clean);
	score_toks_init(&q.p, q.norm, KB_ALIGN_WORDS_MAX);
	split_lines(&q);
	exe_names(q.clean, &q.exes);

	/* nothing to look up: no informative word and no code */
	ncodes = normalize_codes(q.clean, &codes);
	normalize_codes_free(codes, ncodes);
	if (q.p.ncontent == 0 && ncodes == 0) {
		ret = 1;
		goto out;
	}
	st = db_stmt(db, STMT_CARD_COUNT);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		q.ncards = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	out->ncards = q.ncards;
	if (step_done(&q, rc) == -1 || lookup_terms(&q) == -1)
		goto out;
	if (q.nt == 0 && ncodes == 0) {
		ret = 1;
		goto out;
	}
	if (tier_sig(&q) == -1 || tier_codes(&q) == -1 ||
	    foreign_source(&q) == -1 ||
	    tier_tri(&q) == -1 || tier_chunks(&q) == -1 ||
	    tier_fts(&q) == -1 ||
	    fetch_dup_of(&q) == -1)
		goto out;
	ret = 0;
out:
	for (i = 0; i < q.nt; i++) {
		free(q.t[i].syn);
		free(q.t[i].fix);
		free(q.t[i].stem);
	}
	free(q.t);
	free(q.tried);
	for (i = 0; i < q.nkw; i++)
		free(q.kw[i].w);
	free(q.kw);
	for (i = 0; i < q.nlines; i++)
		score_toks_release(&q.lines[i]);
	free(q.lines);
	score_toks_release(&q.p);
	free(q.norm);
	free(q.clean);
	return ret;
}

/*
 * The first KB_LINES_MAX non-blank lines of a paste of several lines, as
 * words; none for a paste of one line.
 */
static void
split_lines(struct query *q)
{
	const char	*p = q->clean, *eol;
	char		*line, *norm;
	size_t		 cap = 0;

	if (strchr(p, '\n') == NULL)
		return;		/* one line: explains() reads q->p */
	while (*p != '\0' && q->nlines < KB_LINES_MAX) {
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		if (!str_blank_n(p, (size_t)(eol - p))) {
			line = xstrndup(p, (size_t)(eol - p));
			norm = normalize_text(line);
			xgrow((void **)&q->lines, &cap, q->nlines + 1,
			    sizeof(*q->lines));
			score_toks_init(&q->lines[q->nlines++], norm,
			    KB_ALIGN_WORDS_MAX);
			free(norm);
			free(line);
		}
		p = *eol ? eol + 1 : eol;
	}
}

int
retrieve_card(struct db *db, long long id, struct card_view *v)
{
	sqlite3_stmt	*st;
	long long	 root, *ids = NULL;
	size_t		 n = 0, cap = 0, i;
	int		 rc, ret = -1;

	memset(v, 0, sizeof(*v));
	st = db_stmt(db, STMT_CARD);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			return msg_error("%s: card %lld not found; rebuild"
			    " with kbc", db_name(db), id);
		return db_fail(db);
	}
	v->title = db_text_dup(st, 0);
	v->anchor = db_text_dup(st, 1);
	v->symptom = db_text_dup(st, 2);
	v->cause = db_text_dup(st, 3);
	v->notes = db_text_dup(st, 4);
	root = sqlite3_column_int64(st, 5);
	v->doc = db_text_dup(st, 6);
	v->doc_title = db_text_dup(st, 7);
	if (root == 0)
		root = id;

	st = db_stmt(db, STMT_STEPS);
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct card_step *s;
		const char *note = (const char *)sqlite3_column_text(st, 2);

		xgrow((void **)&v->steps, &cap, v->nsteps + 1,
		    sizeof(*v->steps));
		s = &v->steps[v->nsteps++];
		s->depth = sqlite3_column_int(st, 0);
		s->text = db_text_dup(st, 1);
		s->note = note != NULL && *note != '\0' ? xstrdup(note) :
		    NULL;
	}
	if (rc != SQLITE_DONE) {
		db_fail(db);
		goto out;
	}

	/* the group: the card it copies, and every other copy of that */
	cap = 0;
	if (root != id) {
		xgrow((void **)&ids, &cap, n + 1, sizeof(*ids));
		ids[n++] = root;
	}
	st = db_stmt(db, STMT_DUPS);
	sqlite3_bind_int64(st, 1, root);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long d = sqlite3_column_int64(st, 0);

		if (d == id)
			continue;
		xgrow((void **)&ids, &cap, n + 1, sizeof(*ids));
		ids[n++] = d;
	}
	if (rc != SQLITE_DONE) {
		db_fail(db);
		goto out;
	}
	v->dups = xcalloc(n ? n : 1, sizeof(*v->dups));
	for (i = 0; i < n; i++) {
		struct strbuf sb = { 0 };

		st = db_stmt(db, STMT_CARD);
		sqlite3_bind_int64(st, 1, ids[i]);
		if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
			if (rc == SQLITE_DONE)
				continue;
			db_fail(db);
			goto out;
		}
		sb_addf(&sb, "%s#%s", db_text(st, 6), db_text(st, 1));
		v->dups[v->ndups++] = sb_detach(&sb);
	}
	ret = 0;
out:
	free(ids);
	if (ret == -1)
		retrieve_card_release(v);
	return ret;
}

void
retrieve_card_release(struct card_view *v)
{
	size_t	 i;

	if (v == NULL)
		return;
	free(v->title);
	free(v->anchor);
	free(v->symptom);
	free(v->cause);
	free(v->notes);
	free(v->doc);
	free(v->doc_title);
	for (i = 0; i < v->nsteps; i++) {
		free(v->steps[i].text);
		free(v->steps[i].note);
	}
	free(v->steps);
	for (i = 0; i < v->ndups; i++)
		free(v->dups[i]);
	free(v->dups);
	memset(v, 0, sizeof(*v));
}
