/* SPDX-License-Identifier: MIT */
/*
 * Scoring (matcher stage 4).  Word-level local alignment measures how much
 * of a stored error string a paste contains; each retrieval tier turns its
 * evidence into a value in [0,1], and a card's confidence is their
 * noisy-OR, so independent weak hints add up but never reach certainty.
 * Ranking and near-duplicate folding happen here too.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "score.h"
#include "util.h"

/* Alignment weights of one word of the error string. */
#define W_CONTENT	1.0	/* an informative word */
#define W_STOP		0.3	/* "the", "to": present in every message */
#define W_PLACE		0.4	/* a masked value: wildcard, so worth less */
/*
 * A stopword weighs as an informative word in an error string of
 * SHORT_ERR informative words or fewer, where every word is the
 * message: "Access is denied." is what Windows says, "Access denied"
 * what MySQL, Postfix and HTTP servers say.
 */
#define SHORT_ERR	2
/* A word within one typing error counts this much of an exact match. */
#define FUZZY_CREDIT	0.8
/* Fuzzy matching only for words this long: short words collide. */
#define FUZZY_MIN_LEN	5
/* Words at least this long may differ by two edits instead of one. */
#define FUZZY2_MIN_LEN	9
/*
 * Gap penalties: an extra word in the paste (an unmasked value, "the")
 * costs little; a word of the error string missing from the paste costs
 * half its weight, so a stretch survives one missing word in three.
 */
#define GAP_PASTE_WORD	0.3
#define GAP_PASTE_STOP	0.1
#define GAP_ERR		0.5
/*
 * A paste shorter than the error string is a fragment: judged by the
 * share of its own words found, and trusted fully only when at least
 * FRAG_WORDS informative words matched.  FRAG_BASE keeps some weight on
 * how much of the string it covers.
 */
#define FRAG_WORDS	4.0
#define FRAG_BASE	0.6

/*
 * Tier calibration.  SIG_*: a stored error string equal to the whole
 * paste is near-certain; inside a longer paste it depends on its length,
 * full trust from SIG_WORDS informative words ("access denied" alone
 * says little).  TRI_*: similarity is squared so that 0.7 (most of a
 * message) gives ~0.45 and 0.95 gives ~0.85.
 */
#define SIG_EXACT	0.97
#define SIG_CONTAINED	0.92
#define SIG_WORDS	5.0
#define TRI_WEIGHT	0.95
#define TRI_WORDS	5.0
/*
 * An error string that accounts for only a small part of the paste's
 * informative words ("Access is denied" inside a MySQL or docker
 * message) is weak evidence: it counts in full when it accounts for
 * EXPLAIN_FULL of them, in proportion below.
 */
#define EXPLAIN_FULL	0.5
/*
 * Codes: a code on one card only is good evidence, one on n cards is
 * shared by them (weight / sqrt(n)).  Hex status codes and named
 * constants are specific, event and error numbers less, ports weak (3389
 * is on half of a remote-desktop KB).
 */
#define CODE_W_SPECIFIC	0.7
#define CODE_W_ERROR	0.5
#define CODE_W_EVENT	0.45
#define CODE_W_PORT	0.2
/*
 * BM25 tier: the query's informative terms the card covers (IDF share,
 * cover) times how much evidence they carry (info).  Capped at
 * BM25_WEIGHT: shared vocabulary alone is never certainty.  The cover
 * exponent punishes partial overlap of a long description.
 */
#define BM25_WEIGHT	0.8
#define COVER_EXP	1.5
/*
 * Terms scattered over a long card (one in its steps, two in a long
 * symptom) are chance: the BM25 tier counts NEAR_BASE of its value, and
 * the rest in proportion to the share of the terms found together.
 */
#define NEAR_BASE	0.25
/*
 * The whole short query found as one phrase in a card field: full
 * weight from PHRASE_WORDS informative words that carry PHRASE_INFO of
 * evidence (the BM25 tier's info), so that a phrase of common words
 * ("authentication failed", in many titles) names no one card.
 */
#define PHRASE_WEIGHT	0.5
#define PHRASE_WORDS	3.0
#define PHRASE_INFO	0.3
/*
 * Runs of the query found as phrases: worth a whole-query phrase when
 * they cover all of it; squared so that scattered common runs ("access
 * denied for") in a card add little, and full trust only from
 * CHUNK_WORDS informative words.
 */
#define CHUNK_WEIGHT	0.5
#define CHUNK_WORDS	5.0
/*
 * A card that quotes the paste (every three-word run of a stretch of six
 * informative words or more found in it) holds the message as surely
 * as an error string would, though kbc did not take it for one: it sits
 * in a step that lists an event's text, or in a sentence of prose.
 * Squared like the trigram tier's similarity, and below TRI_WEIGHT:
 * prose can share a long run of words by chance.
 */
#define QUOTE_WEIGHT	0.7
/*
 * Margin: the best card's confidence grows by up to MARGIN_WEIGHT of
 * itself in proportion to its lead over the runner-up ((c1 - c2) / c1).
 * A described symptom singles one card out.  So, though, does a paste
 * from another domain that shares one generic clause with one card
 * ("Access is denied", "authentication failed"), so the lead is worth
 * little: at 0.5 it lifted 6 of 21 accepted foreign pastes over the
 * threshold on corpus/rdp, and 1 of 147 correct cards.  Multiplicative,
 * so a weak lone candidate stays weak.
 */
#define MARGIN_WEIGHT	0.2
/*
 * In a KB of few cards a lead says little (any paste singles out one of
 * five cards): the margin counts in full from MARGIN_CARDS cards, and in
 * proportion to log(cards) below.
 */
#define MARGIN_CARDS	40.0
/*
 * Key words: a short description shares only a word or two with the
 * card it means ("bandwidth" maxed out, "High bandwidth utilization"),
 * so its share of the paste is small while its share of the card's
 * title and symptom is not.  That share counts in full only when the
 * words named carry KEY_FULL of squared IDF share (one word on about one
 * card in eight), so that "error" and "code" in a title, or a short
 * title of common words ("Run a Remote Desktop Connection session"),
 * are not a match; and only the card that leads on it gets this
 * evidence, in proportion to its lead over the next card ((k1 - k2) /
 * k1: words every RDP title has name many cards equally).  KEY_WEIGHT: a card named in full
 * by a paste no other card shares words with is still short of certain.
 */
#define KEY_WEIGHT	0.7
#define KEY_FULL	0.5
/*
 * ... and only when the paste names KEY_WORDS_FULL of the card's key
 * words, in proportion below: one word, rare as it may be, is most of a
 * short card ("A write fault occurred.") and says nothing of the words
 * around it ("Segmentation fault").
 */
#define KEY_WORDS_FULL	2.0
/*
 * A paste that names a program or carries a code the KB never mentions
 * ("curl:", "ERROR 1045") is from another domain unless a stored message
 * or code matches it: the word-level tiers and partial similarity count
 * only this much of their value.  So do they for a card whose code is
 * another program's crash ("Userinit.exe ... 0xc0000005" when the paste
 * is chrome.exe's 0xc0000005): sharing the words of the crash report
 * ("access violation", "exception") says nothing more.
 */
#define FOREIGN_FACTOR	0.4
/* Score (ranking key) weights: tiers in order of trust. */
#define RANK_W_SIG	4.0
#define RANK_W_TRI	3.0
#define RANK_W_CODE	2.0
#define RANK_W_BM25	1.0

struct cell {
	double	 s;		/* alignment score */
	double	 g;		/* weight of error words matched */
	int	 c;		/* informative paste words matched */
	int	 w;		/* informative error words matched */
};

static int	 cand_cmp(const void *, const void *);
static double	 key_share(const struct cand *);
static double	 score_key(const struct cand *, double, double);
static int	 dist_cmp(const void *, const void *, const struct toks *);
static int	 fuzzy(const char *, size_t, const char *, size_t);
static int	 osa_within(const char *, size_t, const char *, size_t, int);
static void	 sort_dist(struct toks *);
static int	 stop_cmp(const void *, const void *);

/*
 * Function words of English error messages and of pasted sentences: they
 * carry no evidence about which card is meant.  Sorted for bsearch().
 */
static const char *const stopwords[] = {
	"a", "about", "after", "again", "all", "also", "am", "an", "and",
	"any", "are", "as", "at", "be", "because", "been", "before", "being",
	"but", "by", "can", "cannot", "cant", "could", "did", "didnt", "do",
	"does", "doesnt", "dont", "each", "for", "from", "had", "has", "have",
	"he", "her", "here", "his", "how", "i", "if", "in", "into", "is",
	"isnt", "it", "its", "just", "may", "me", "might", "more", "most",
	"my", "no", "nor", "not", "of", "on", "once", "only", "or", "other",
	"our", "out", "over", "please", "she", "should", "so", "some",
	"such", "than", "that", "the", "their", "them", "then", "there",
	"these", "they", "this", "those", "to", "too", "under", "until",
	"up", "us", "very", "was", "wasnt", "we", "were", "what", "when",
	"where", "which", "while", "who", "why", "will", "with", "wont",
	"would", "you", "your"
};

struct stopkey {
	const char	*w;	/* word, not NUL-terminated */
	size_t		 len;	/* its length */
};

static int
stop_cmp(const void *k, const void *e)
{
	const struct stopkey *key = k;
	const char	*s = *(const char *const *)e;
	int		 rc;

	rc = strncmp(key->w, s, key->len);
	if (rc != 0)
		return rc;
	return s[key->len] == '\0' ? 0 : -1;
}

int
score_stopword(const char *w, size_t len)
{
	struct stopkey	 key = { w, len };

	return bsearch(&key, stopwords, sizeof(stopwords) /
	    sizeof(stopwords[0]), sizeof(stopwords[0]), stop_cmp) != NULL;
}

/*
 * Severity words of logs and tool messages: they say how bad, not what.
 * The levels logscan's PAT_PREFIX strips, and plurals.  Sorted for
 * bsearch().
 */
static const char *const levelwords[] = {
	"alert", "crit", "critical", "debug", "emerg", "err", "error",
	"errors", "fatal", "info", "information", "notice", "severe",
	"trace", "verbose", "warn", "warning", "warnings"
};

int
score_levelword(const char *w, size_t len)
{
	struct stopkey	 key = { w, len };

	return bsearch(&key, levelwords, sizeof(levelwords) /
	    sizeof(levelwords[0]), sizeof(levelwords[0]), stop_cmp) != NULL;
}

static int
dist_cmp(const void *a, const void *b, const struct toks *t)
{
	size_t	 i = *(const size_t *)a, j = *(const size_t *)b;

	return strcmp(t->w[i], t->w[j]);
}

/*
 * Gives equal words one id, and keeps one word index per id sorted by
 * text for score_toks_find().  qsort() passes no context to its
 * comparison, which needs the words, hence the small merge sort.
 */
static void
sort_dist(struct toks *t)
{
	size_t	*idx, *tmp, width, lo, mid, hi, a, b, k, n = t->n;

	idx = xreallocarray(NULL, n, sizeof(*idx));
	tmp = xreallocarray(NULL, n, sizeof(*tmp));
	for (k = 0; k < n; k++)
		idx[k] = k;
	/* bottom-up merge sort: stable, so equal words keep text order */
	for (width = 1; width < n; width *= 2) {
		for (lo = 0; lo < n; lo += 2 * width) {
			mid = lo + width < n ? lo + width : n;
			hi = lo + 2 * width < n ? lo + 2 * width : n;
			a = lo;
			b = mid;
			k = lo;
			while (a < mid && b < hi)
				tmp[k++] = dist_cmp(&idx[b], &idx[a], t) < 0 ?
				    idx[b++] : idx[a++];
			while (a < mid)
				tmp[k++] = idx[a++];
			while (b < hi)
				tmp[k++] = idx[b++];
		}
		memcpy(idx, tmp, n * sizeof(*idx));
	}
	t->ndist = 0;
	for (k = 0; k < n; k++) {
		if (k == 0 || strcmp(t->w[idx[k]], t->w[idx[k - 1]]) != 0)
			idx[t->ndist++] = idx[k];
		t->id[idx[k]] = (int)t->ndist - 1;
	}
	/* idx now holds one representative per id, in id order */
	t->dist = idx;
	free(tmp);
}

void
score_toks_init(struct toks *t, const char *norm, size_t max)
{
	char	*p;
	size_t	 cap = 0;

	memset(t, 0, sizeof(*t));
	t->buf = xstrdup(norm);
	for (p = t->buf; *p != '\0' && t->n < max; ) {
		size_t	 len = strcspn(p, " ");

		if (len > 0) {
			if (t->n == cap) {
				cap = cap ? cap * 2 : 32;
				t->w = xreallocarray(t->w, cap, sizeof(*t->w));
				t->len = xreallocarray(t->len, cap,
				    sizeof(*t->len));
				t->kind = xreallocarray(t->kind, cap, 1);
			}
			t->w[t->n] = p;
			t->len[t->n] = len;
			/* a lone letter ("n", "s") is as empty as "the" */
			t->kind[t->n] = normalize_is_placeholder(p, len) ?
			    TOK_PLACE : len == 1 || score_stopword(p, len) ?
			    TOK_STOP : TOK_WORD;
			if (t->kind[t->n] == TOK_WORD)
				t->ncontent++;
			t->n++;
		}
		p += len;
		if (*p == ' ')
			*p++ = '\0';
	}
	t->id = xreallocarray(NULL, t->n, sizeof(*t->id));
	sort_dist(t);
}

void
score_toks_release(struct toks *t)
{
	free(t->buf);
	free(t->w);
	free(t->len);
	free(t->id);
	free(t->kind);
	free(t->dist);
	memset(t, 0, sizeof(*t));
}

int
score_toks_find(const struct toks *t, const char *w, size_t len)
{
	size_t	 lo = 0, hi = t->ndist, mid;
	int	 rc;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		rc = strncmp(t->w[t->dist[mid]], w, len);
		if (rc == 0 && t->w[t->dist[mid]][len] != '\0')
			rc = 1;
		if (rc == 0)
			return (int)mid;
		if (rc < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/*
 * Optimal-string-alignment distance of a and b is at most max (adjacent
 * transpositions count as one edit).  Rows are bounded by the word length
 * FUZZY callers allow, so fixed arrays do.
 */
#define OSA_MAX_LEN	64
static int
osa_within(const char *a, size_t n, const char *b, size_t m, int max)
{
	int	 d0[OSA_MAX_LEN + 1], d1[OSA_MAX_LEN + 1], d2[OSA_MAX_LEN + 1];
	int	*pp = d0, *p = d1, *c = d2, *t;
	size_t	 i, j;
	int	 rowmin, v;

	if (n > OSA_MAX_LEN || m > OSA_MAX_LEN)
		return 0;
	for (j = 0; j <= m; j++)
		p[j] = (int)j;
	for (i = 1; i <= n; i++) {
		c[0] = (int)i;
		rowmin = c[0];
		for (j = 1; j <= m; j++) {
			v = p[j - 1] + (a[i - 1] != b[j - 1]);
			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
			if (v < rowmin)
				rowmin = v;
		}
		if (rowmin > max)
			return 0;
		t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[m] <= max;
}

int
score_edits(const char *a, size_t n, const char *b, size_t m, int max)
{
	int	 d;

	if ((n > m ? n - m : m - n) > (size_t)max)
		return -1;
	for (d = 0; d <= max; d++)
		if (osa_within(a, n, b, m, d))
			return d;
	return -1;
}

/* Nonzero when two different words are one or two typing errors apart. */
static int
fuzzy(const char *a, size_t n, const char *b, size_t m)
{
	size_t	 shorter = n < m ? n : m;
	int	 max = shorter >= FUZZY2_MIN_LEN ? 2 : 1;

	if (shorter < FUZZY_MIN_LEN - 1 || n < FUZZY_MIN_LEN ||
	    (n > m ? n - m : m - n) > (size_t)max)
		return 0;
	return osa_within(a, n, b, m, max);
}

void
score_align(const struct toks *p, const struct toks *e, struct align *out)
{
	unsigned char	*mt = NULL, *active = NULL;
	int		*row = NULL;
	double		*we = NULL, total = 0, wj, m, gap;
	struct cell	*prev = NULL, *cur = NULL, *sw, best, c;
	size_t		 i, j, k = e->n, nrow = 0, d, win, last;
	int		 id, prev_zero = 1;

	memset(out, 0, sizeof(*out));
	memset(&best, 0, sizeof(best));
	if (k == 0 || p->n == 0)
		return;
	we = xreallocarray(NULL, k, sizeof(*we));
	for (j = 0; j < k; j++) {
		we[j] = e->kind[j] == TOK_WORD ? W_CONTENT :
		    e->kind[j] == TOK_STOP ? (e->ncontent <= SHORT_ERR ?
		    W_CONTENT : W_STOP) : W_PLACE;
		total += we[j];
	}

	/*
	 * Match table, one row of k bytes per distinct paste word that
	 * matches some word of e: 10 exact, 8 fuzzy (tenths of credit).
	 */
	row = xreallocarray(NULL, p->ndist, sizeof(*row));
	for (d = 0; d < p->ndist; d++)
		row[d] = -1;
	for (j = 0; j < k; j++) {
		if (e->kind[j] == TOK_PLACE)
			continue;
		for (d = 0; d < p->ndist; d++) {
			size_t	 pi = p->dist[d];
			int	 v;

			if (p->kind[pi] == TOK_PLACE)
				continue;
			if (p->len[pi] == e->len[j] &&
			    memcmp(p->w[pi], e->w[j], e->len[j]) == 0)
				v = 10;
			else if (e->kind[j] == TOK_WORD &&
			    p->kind[pi] == TOK_WORD &&
			    fuzzy(e->w[j], e->len[j], p->w[pi], p->len[pi]))
				v = (int)(FUZZY_CREDIT * 10);
			else
				continue;
			if (row[d] == -1) {
				row[d] = (int)nrow++;
				mt = xreallocarray(mt, nrow, k);
				memset(mt + (nrow - 1) * k, 0, k);
			}
			mt[row[d] * k + j] = (unsigned char)v;
		}
	}
	/*
	 * No paste word matches a word of e: no stretch of the paste is
	 * active below, so nothing aligns and out stays zero.
	 */
	if (mt == NULL)
		goto out;

	/*
	 * Only stretches of the paste near a word of e can align: mark the
	 * paste words within k + 2 of an informative match, so a long log
	 * costs time only where the message may be.
	 */
	active = xcalloc(p->n, 1);
	for (i = 0; i < p->n; i++) {
		id = row[p->id[i]];
		if (id < 0 || p->kind[i] != TOK_WORD)
			continue;
		for (j = 0; j < k && !active[i]; j++)
			active[i] = mt[id * k + j] != 0 &&
			    e->kind[j] == TOK_WORD;
	}
	win = k + 2;
	last = (size_t)-1;
	for (i = 0; i < p->n; i++) {
		if (active[i] & 1)
			last = i;
		if (last != (size_t)-1 && i - last <= win)
			active[i] |= 2;
	}
	last = (size_t)-1;
	for (i = p->n; i-- > 0; ) {
		if (active[i] & 1)
			last = i;
		if (last != (size_t)-1 && last - i <= win)
			active[i] |= 2;
	}

	prev = xcalloc(k + 1, sizeof(*prev));
	cur = xcalloc(k + 1, sizeof(*cur));
	for (i = 0; i < p->n; i++) {
		if (!active[i]) {
			if (!prev_zero)
				memset(prev, 0, (k + 1) * sizeof(*prev));
			prev_zero = 1;
			continue;
		}
		prev_zero = 0;
		id = row[p->id[i]];
		gap = p->kind[i] == TOK_WORD ? GAP_PASTE_WORD : GAP_PASTE_STOP;
		memset(&cur[0], 0, sizeof(cur[0]));
		for (j = 1; j <= k; j++) {
			wj = we[j - 1];
			memset(&c, 0, sizeof(c));
			if (e->kind[j - 1] == TOK_PLACE)
				m = p->kind[i] != TOK_STOP ? 1.0 : 0.0;
			else
				m = id >= 0 ? mt[id * k + j - 1] / 10.0 : 0.0;
			if (m > 0 && prev[j - 1].s + wj * m > c.s) {
				c = prev[j - 1];
				c.s += wj * m;
				c.g += wj * m;
				c.c += p->kind[i] == TOK_WORD;
				c.w += e->kind[j - 1] == TOK_WORD;
			}
			if (prev[j].s - gap > c.s) {
				c = prev[j];
				c.s -= gap;
			}
			if (cur[j - 1].s - GAP_ERR * wj > c.s) {
				c = cur[j - 1];
				c.s -= GAP_ERR * wj;
			}
			cur[j] = c;
			if (c.s > best.s || (c.s == best.s && c.g > best.g))
				best = c;
		}
		sw = prev;
		prev = cur;
		cur = sw;
	}

	out->recall = total > 0 ? best.g / total : 0;
	out->words = best.w;
	if (p->ncontent > 0) {
		double	 prec = (double)best.c / (double)p->ncontent;
		double	 enough = best.c / FRAG_WORDS;

		out->frag = prec * (enough < 1 ? enough : 1) *
		    (FRAG_BASE + (1 - FRAG_BASE) * out->recall);
	}
	out->sim = out->recall > out->frag ? out->recall : out->frag;
	if (out->sim > 1)
		out->sim = 1;
out:
	free(we);
	free(row);
	free(mt);
	free(active);
	free(prev);
	free(cur);
}

double
score_sig(int exact, int words)
{
	double	 f = words / SIG_WORDS;

	if (exact)
		return SIG_EXACT;
	return SIG_CONTAINED * (f < 1 ? f : 1);
}

double
score_explains(size_t matched, size_t paste)
{
	double	 f;

	if (paste == 0)
		return 1;
	f = (double)matched / (double)paste / EXPLAIN_FULL;
	return f < 1 ? f : 1;
}

double
score_tri(const struct align *a)
{
	double	 f = a->words / TRI_WORDS;

	return TRI_WEIGHT * a->sim * a->sim * (f < 1 ? f : 1);
}

double
score_code(int kind, long long ncards)
{
	double	 w;

	switch (kind) {
	case CODE_HEX:
	case CODE_CONST:
		w = CODE_W_SPECIFIC;
		break;
	case CODE_ERROR:
		w = CODE_W_ERROR;
		break;
	case CODE_EVENT:
		w = CODE_W_EVENT;
		break;
	default:
		w = CODE_W_PORT;
		break;
	}
	return ncards > 0 ? w / sqrt((double)ncards) : 0;
}

double
score_phrase(double fw, int words, double info)
{
	double	 f = words / PHRASE_WORDS, g = info / PHRASE_INFO;

	return PHRASE_WEIGHT * fw * (f < 1 ? f : 1) * (g < 1 ? g : 1);
}

double
score_quote(double cover)
{
	if (cover > 1)
		cover = 1;
	return QUOTE_WEIGHT * cover * cover;
}

double
score_chunks(double cover, int words)
{
	double	 f = words / CHUNK_WORDS;

	if (cover > 1)
		cover = 1;
	return CHUNK_WEIGHT * cover * cover * (f < 1 ? f : 1);
}

/* Key coverage of c, in full only when the words named are rare. */
static double
key_share(const struct cand *c)
{
	double	 full = c->keyinfo / KEY_FULL;
	double	 words = c->keywords / KEY_WORDS_FULL;

	return c->keycov * (full < 1 ? full : 1) * (words < 1 ? words : 1);
}

/*
 * Key-word evidence of c, the card with the largest key_share() k1; k2
 * is the next largest.
 */
static double
score_key(const struct cand *c, double k1, double k2)
{
	if (k1 <= 0)
		return 0;
	return KEY_WEIGHT * key_share(c) * (k1 - k2) / k1;
}

struct cand *
score_cand(struct cands *c, long long card)
{
	size_t	 i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].card == card)
			return &c->v[i];
	xgrow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v));
	memset(&c->v[c->n], 0, sizeof(c->v[c->n]));
	c->v[c->n].card = card;
	return &c->v[c->n++];
}

void
score_matched(struct cand *c, long long errstr, const char *text, double q)
{
	if (c->matched != NULL && q <= c->errstr_q)
		return;
	free(c->matched);
	c->matched = xstrdup(text);
	c->errstr = errstr;
	c->errstr_q = q;
}

static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->confidence != y->confidence)
		return x->confidence > y->confidence ? -1 : 1;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->card < y->card ? -1 : x->card > y->card;
}

void
score_finish(struct cands *cs)
{
	struct cand	*c;
	double		 bm25, miss, key, soft, tri, k1 = 0, k2 = 0;
	size_t		 i, j, n, kbest = 0;

	/* the card whose title and symptom the paste names most */
	for (i = 0; i < cs->n; i++) {
		double k = key_share(&cs->v[i]);

		if (k > k1) {
			k2 = k1;
			k1 = k;
			kbest = i;
		} else if (k > k2)
			k2 = k;
	}
	for (i = 0; i < cs->n; i++) {
		c = &cs->v[i];
		bm25 = c->rel > 0 ? BM25_WEIGHT * pow(c->cover, COVER_EXP) *
		    c->info * (NEAR_BASE + (1 - NEAR_BASE) * c->near) : 0;
		key = i == kbest ? score_key(c, k1, k2) : 0;
		soft = (1 - bm25) * (1 - c->phrase) * (1 - key);
		/* weak tiers say little about a message of another program */
		if (cs->foreign != NULL || c->other_program) {
			soft = 1 - (1 - soft) * FOREIGN_FACTOR;
			tri = c->tri * FOREIGN_FACTOR;
		} else
			tri = c->tri;
		miss = (1 - c->sig) * (1 - c->code) * (1 - tri) * soft;
		c->confidence = 1 - miss;
		c->score = RANK_W_SIG * c->sig + RANK_W_TRI * c->tri +
		    RANK_W_CODE * c->code + RANK_W_BM25 * (bm25 + c->phrase + key);
		if (cs->foreign != NULL && (c->why.len > 0 || c->rel > 0))
			sb_addf(&c->why, "foreign: the KB does not know '%s';"
			    " word and similarity evidence x %.2f\n",
			    cs->foreign, FOREIGN_FACTOR);
		else if (c->other_program)
			sb_addf(&c->why, "other program: the card's code is"
			    " another program's; word and similarity evidence"
			    " x %.2f\n", FOREIGN_FACTOR);
		if (c->why.len > 0 || c->rel > 0)
			sb_addf(&c->why, "confidence %.3f = 1 - (1-sig %.3f)"
			    "(1-code %.3f)(1-trigram %.3f)(1-bm25 %.3f)"
			    "(1-phrase %.3f)(1-key %.3f)\n", c->confidence,
			    c->sig, c->code, c->tri, bm25, c->phrase, key);
	}
	if (cs->n == 0)
		return;
	qsort(cs->v, cs->n, sizeof(*cs->v), cand_cmp);

	/* keep the best-ranked member of each near-duplicate group */
	n = 0;
	for (i = 0; i < cs->n; i++) {
		long long group = cs->v[i].dup_of ? cs->v[i].dup_of :
		    cs->v[i].card;

		for (j = 0; j < n; j++) {
			long long g = cs->v[j].dup_of ? cs->v[j].dup_of :
			    cs->v[j].card;

			if (g == group)
				break;
		}
		if (j < n) {
			free(cs->v[i].matched);
			sb_release(&cs->v[i].terms);
			sb_release(&cs->v[i].why);
			continue;
		}
		if (n != i)
			cs->v[n] = cs->v[i];
		n++;
	}
	cs->n = n;

	c = &cs->v[0];
	if (c->confidence > 0) {
		double lead = cs->n > 1 ?
		    (c->confidence - cs->v[1].confidence) / c->confidence : 1;

		double mw = cs->ncards > 1 ? log((double)cs->ncards) /
		    log(MARGIN_CARDS) : 0;

		c->confidence *= 1 + MARGIN_WEIGHT * (mw < 1 ? mw : 1) * lead;
		if (c->confidence > 1)
			c->confidence = 1;
		sb_addf(&c->why, "margin: lead %.3f over the next card:"
		    " confidence %.3f\n", lead, c->confidence);
	}
}

void
score_cands_release(struct cands *cs)
{
	size_t	 i;

	for (i = 0; i < cs->n; i++) {
		free(cs->v[i].matched);
		sb_release(&cs->v[i].terms);
		sb_release(&cs->v[i].why);
	}
	free(cs->v);
	free(cs->foreign);
	memset(cs, 0, sizeof(*cs));
}
