/* SPDX-License-Identifier: MIT */
/*
 * Near-duplicate detection: MinHash signatures of word shingles, indexed
 * by locality-sensitive hashing so that each new text is compared only
 * with the few earlier texts that share a band of its signature.
 */
#ifndef KB_DEDUP_H
#define KB_DEDUP_H

#include <stdint.h>

/*
 * Estimated Jaccard similarity of word-pair sets at or above which two
 * texts are near duplicates: the two NLA seed pages (one procedure,
 * reworded) score 0.58; over the 236 rdp/ articles fewer than 0.15% of
 * the pairs of procedures reach 0.5, most of them verbatim copies.
 */
#define DEDUP_NEAR	0.5

/* Words of a MinHash signature (the writer stores 4 bytes a word). */
#define DEDUP_NHASH	64

struct dedup;

/* Returns a new empty index; free it with dedup_free(). */
struct dedup	*dedup_new(void);
void		 dedup_free(struct dedup *d);

/*
 * Adds text under the caller's id and returns the id of the earliest
 * text already added that is a near duplicate of it, or -1; *sim (when
 * not NULL) receives the similarity.  Texts too short to judge are
 * neither added nor matched.
 */
long long	 dedup_add(struct dedup *d, const char *text, long long id,
		    double *sim);

/*
 * Fills sig (DEDUP_NHASH words) with the MinHash signature of text.
 * Returns 0, or -1 when the text is too short to judge: dedup_add()
 * would neither add nor match it.
 */
int		 dedup_sign(const char *text, uint32_t *sig);

/*
 * dedup_add() for a signature made by dedup_sign(): adds it under id and
 * returns the id of the closest earlier signature at or above DEDUP_NEAR,
 * or -1.  dedup_add(d, text, ...) equals dedup_sign() then this.
 */
long long	 dedup_add_sig(struct dedup *d, const uint32_t *sig,
		    long long id, double *sim);

#endif
