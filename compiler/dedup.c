/* SPDX-License-Identifier: MIT */
/*
 * Near-duplicate detection for kbc --check and for card.dup_of in the
 * writer.  A text becomes the set of its word 2-shingles (lower case,
 * punctuation ignored), summarised by a MinHash signature; signatures are
 * split into bands and a text is compared only with those sharing a band
 * (LSH), so a build stays linear in the number of cards.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dedup.h"
#include "util.h"

/*
 * Words per shingle.  Copies of a page are reworded ("find the desired
 * instance" / "find the target instance"): two-word shingles still see
 * the two NLA seed pages as 0.58 alike, four-word ones only 0.37.
 */
#define SHINGLE_WORDS	2
/* Fewest shingles judged: a two-line procedure matches too many others. */
#define SHINGLES_MIN	8
/* Signature length: standard error of the estimate about 0.06. */
#define NHASH		DEDUP_NHASH
/*
 * 32 bands of 2 rows: a pair at similarity 0.5 shares a band with
 * probability 1 - (1 - 0.5^2)^32 > 0.9999; candidates are then compared
 * on the whole signature.
 */
#define NBANDS		32
#define ROWS		(NHASH / NBANDS)
/*
 * Buckets of the band table (a power of two): the whole corpus adds
 * 4,000 texts of 32 bands, so chains stay about two long.
 */
#define NBUCKETS	65536

struct entry {
	long long	 id;		/* caller's id */
	uint32_t	 sig[NHASH];	/* MinHash signature */
};

struct bucket {
	uint64_t	 key;		/* band number and band hash */
	size_t		 entry;		/* index into entries */
	struct bucket	*next;		/* chain */
};

struct dedup {
	struct entry	*v;		/* texts added */
	size_t		 n, cap;
	struct bucket	*tab[NBUCKETS];	/* band key -> entries */
};

static uint64_t	 mix(uint64_t);
static int	 sign(const char *, uint32_t *);

/* splitmix64 finaliser: a cheap, well-spread 64-bit hash. */
static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Fills sig with the MinHash of text; returns the number of shingles. */
static int
sign(const char *text, uint32_t *sig)
{
	uint64_t	 w[SHINGLE_WORDS] = { 0 }, h, sh;
	size_t		 nw = 0, i, k;
	int		 ns = 0;
	const unsigned char *p = (const unsigned char *)text;

	for (k = 0; k < NHASH; k++)
		sig[k] = UINT32_MAX;
	while (*p != '\0') {
		while (*p != '\0' && !isalnum(*p) && *p < 0x80)
			p++;
		if (*p == '\0')
			break;
		h = 1469598103934665603ULL;
		while (*p != '\0' && (isalnum(*p) || *p >= 0x80)) {
			h = (h ^ (uint64_t)tolower(*p)) * 1099511628211ULL;
			p++;
		}
		memmove(w, w + 1, sizeof(w) - sizeof(w[0]));
		w[SHINGLE_WORDS - 1] = h;
		if (++nw < SHINGLE_WORDS)
			continue;
		for (sh = 0, i = 0; i < SHINGLE_WORDS; i++)
			sh = mix(sh ^ w[i]);
		for (k = 0; k < NHASH; k++) {
			uint32_t v = (uint32_t)(mix(sh + k) >> 32);

			if (v < sig[k])
				sig[k] = v;
		}
		ns++;
	}
	return ns;
}

struct dedup *
dedup_new(void)
{
	return xcalloc(1, sizeof(struct dedup));
}

void
dedup_free(struct dedup *d)
{
	struct bucket	*b, *next;
	size_t		 i;

	if (d == NULL)
		return;
	for (i = 0; i < NBUCKETS; i++)
		for (b = d->tab[i]; b != NULL; b = next) {
			next = b->next;
			free(b);
		}
	free(d->v);
	free(d);
}

int
dedup_sign(const char *text, uint32_t *sig)
{
	return sign(text, sig) < SHINGLES_MIN ? -1 : 0;
}

long long
dedup_add(struct dedup *d, const char *text, long long id, double *sim)
{
	uint32_t	 sig[NHASH];

	if (sim != NULL)
		*sim = 0;
	if (dedup_sign(text, sig) == -1)
		return -1;
	return dedup_add_sig(d, sig, id, sim);
}

long long
dedup_add_sig(struct dedup *d, const uint32_t *sig, long long id,
    double *sim)
{
	struct entry	*e;
	struct bucket	*b;
	uint64_t	 key[NBANDS];
	size_t		 band, r, k, best = (size_t)-1;
	int		 same, bestsame = -1;

	if (sim != NULL)
		*sim = 0;
	xgrow((void **)&d->v, &d->cap, d->n + 1, sizeof(*d->v));
	e = &d->v[d->n];
	memcpy(e->sig, sig, sizeof(e->sig));
	e->id = id;
	for (band = 0; band < NBANDS; band++) {
		key[band] = mix(band);
		for (r = 0; r < ROWS; r++)
			key[band] = mix(key[band] ^ e->sig[band * ROWS + r]);
		for (b = d->tab[key[band] & (NBUCKETS - 1)]; b != NULL;
		    b = b->next) {
			if (b->key != key[band])
				continue;
			for (same = 0, k = 0; k < NHASH; k++)
				same += d->v[b->entry].sig[k] == e->sig[k];
			/* the earliest of equally close texts wins */
			if (same > bestsame || (same == bestsame &&
			    b->entry < best)) {
				bestsame = same;
				best = b->entry;
			}
		}
	}
	for (band = 0; band < NBANDS; band++) {
		b = xmalloc(sizeof(*b));
		b->key = key[band];
		b->entry = d->n;
		b->next = d->tab[key[band] & (NBUCKETS - 1)];
		d->tab[key[band] & (NBUCKETS - 1)] = b;
	}
	d->n++;
	if (best == (size_t)-1 || (double)bestsame / NHASH < DEDUP_NEAR)
		return -1;
	if (sim != NULL)
		*sim = (double)bestsame / NHASH;
	return d->v[best].id;
}
