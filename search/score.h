/* SPDX-License-Identifier: MIT */
/*
 * Scoring (matcher stage 4): word-level similarity between a normalized
 * paste and a normalized error string, the evidence gathered for each
 * candidate card, and how that evidence becomes one ranking and one
 * calibrated confidence.  No I/O here: retrieve.c feeds it.
 */
#ifndef KB_SCORE_H
#define KB_SCORE_H

#include <stddef.h>

#include "util.h"

/*
 * Below this confidence a card is not reported (unless --all) and the
 * exit status is 1.  Measured on the development sets: answers from other
 * domains (a MySQL, npm or curl error sharing "access", "denied",
 * "certificate") top out near 0.2, a correct card for a symptom described
 * in the user's own words starts near 0.25, and one matching error
 * clause of five or more words scores 0.5 and up.
 */
#define SCORE_THRESHOLD		0.25

/* Word kinds in a normalized text. */
enum tok_kind {
	TOK_WORD,		/* an informative word */
	TOK_STOP,		/* a stopword: "the", "to", "not" */
	TOK_PLACE		/* a placeholder from normalize_text: _ip_ */
};

/* A normalized text split into words, with ids for equal words. */
struct toks {
	char		*buf;	/* copy of the text, words NUL-terminated */
	char		**w;	/* the words, in order */
	size_t		*len;	/* their lengths */
	int		*id;	/* equal words share an id */
	unsigned char	*kind;	/* enum tok_kind of each word */
	size_t		 n;	/* number of words */
	size_t		*dist;	/* one word index per id, sorted by text */
	size_t		 ndist;	/* number of distinct words (ids) */
	size_t		 ncontent; /* words of kind TOK_WORD */
};

/* Splits norm (output of normalize_text) into at most max words. */
void	 score_toks_init(struct toks *t, const char *norm, size_t max);
void	 score_toks_release(struct toks *t);
/* Returns the id of word w in t, or -1. */
int	 score_toks_find(const struct toks *t, const char *w, size_t len);

/* Nonzero when the normalized word is a stopword. */
int	 score_stopword(const char *w, size_t len);
/* Nonzero when the normalized word is a log level ("fatal", "warning"). */
int	 score_levelword(const char *w, size_t len);

/*
 * Edit distance (adjacent transpositions count as one) between a and b
 * when it is at most max, else -1.
 */
int	 score_edits(const char *a, size_t n, const char *b, size_t m, int max);

/* How well an error string matches a paste. */
struct align {
	double	 sim;		/* similarity in [0,1], the larger of: */
	double	 recall;	/* weighted share of the error string found,
				   in order, in one stretch of the paste */
	double	 frag;		/* the paste as a fragment of the string */
	int	 words;		/* informative words of the string matched */
};

/*
 * Local alignment of error string e against paste p: words equal, or
 * within one or two typing errors, in order, with small penalties for
 * gaps.  Placeholders in e match any informative word of p.
 */
void	 score_align(const struct toks *p, const struct toks *e,
	    struct align *out);

/*
 * Tier calibrations, each in [0,1].  score_sig: a stored error string
 * equal to the whole paste (exact) or to one of its lines or a stretch of
 * it, with words informative words.  score_tri: a similar error string.
 * score_code: a code of norm_code_kind kind found on ncards cards.
 */
double	 score_sig(int exact, int words);
double	 score_tri(const struct align *a);
double	 score_code(int kind, long long ncards);
/*
 * How far an error string explains a line of the paste: matched of its
 * paste informative words are words of the string; a factor in [0,1].
 */
double	 score_explains(size_t matched, size_t paste);
/*
 * The whole query found as a phrase of words words in a field worth fw;
 * info is the evidence its terms carry (struct cand.info).
 */
double	 score_phrase(double fw, int words, double info);
/*
 * Runs of the query found as phrases in a card: cover, the IDF share of
 * the query's words inside them (field-weighted), words their number.
 */
double	 score_chunks(double cover, int words);
/*
 * Evidence of a card that quotes stretches of QUOTE_WORDS informative
 * words or more of the paste, which make up cover of its IDF mass.
 */
double	 score_quote(double cover);

/* Evidence for one card; retrieve.c fills it, score_finish() rates it. */
struct cand {
	long long	 card;		/* card.id */
	long long	 dup_of;	/* card.dup_of, 0 when none */
	double		 sig;		/* tier 1: signature evidence, [0,1] */
	double		 code;		/* tier 2: code evidence, [0,1] */
	double		 tri;		/* tier 3: error-string evidence, [0,1] */
	double		 sim;		/* tier 3: best similarity */
	double		 rel;		/* tier 4: -bm25(), 0 when not found */
	double		 cover;		/* tier 4: IDF share of query terms */
	double		 info;		/* tier 4: IDF mass of matched terms */
	double		 near;		/* tier 4: their share found together */
	double		 phrase;	/* tier 4: whole query as a phrase */
	double		 keycov;	/* tier 4: share of the card's title and
					   symptom words the paste names */
	double		 keyinfo;	/* tier 4: their IDF mass */
	int		 keywords;	/* tier 4: how many words those are */
	int		 other_program;	/* a code of the paste is another
					   program's on this card */
	long long	 errstr;	/* best errstr.id, 0 when none */
	double		 errstr_q;	/* how well that one matched */
	char		*matched;	/* its text, owned */
	struct strbuf	 terms;		/* query terms the card contains */
	struct strbuf	 why;		/* --explain notes, one per line */
	double		 confidence;	/* calibrated, [0,1] */
	double		 score;		/* ranking key, sum of tier evidence */
};

struct cands {
	struct cand	*v;		/* candidates, ranked after finish */
	size_t		 n, cap;
	long long	 ncards;	/* cards in the index */
	char		*foreign;	/* a source or code of the paste that
					   the KB does not know, or NULL */
	int		 foreign_prompt; /* foreign is the command of the
					   shell prompt before the paste */
};

/* Returns the candidate for card, adding an empty one if needed. */
struct cand *score_cand(struct cands *c, long long card);
/* Keeps text as the matched error string if q beats the current one. */
void	 score_matched(struct cand *c, long long errstr, const char *text,
	    double q);
/*
 * Computes each confidence, ranks by confidence, then score, then card
 * id, and keeps only the best-ranked card of each near-duplicate group
 * (cards sharing a dup_of target, and that target).
 */
void	 score_finish(struct cands *c);
void	 score_cands_release(struct cands *c);

#endif
