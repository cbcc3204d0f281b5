/* SPDX-License-Identifier: MIT */
/*
 * Near-duplicate detection: MinHash signatures of word shingles, indexed
 * by locality-sensitive hashing so that each new text is compared only
 * with the few earlier texts that share a band of its signature.
 */
#ifndef KB_DEDUP_H
#define KB_DEDUP_H

/*
 * Estimated Jaccard similarity of word-pair sets at or above which two
 * texts are near duplicates: the two NLA seed pages (one procedure,
 * reworded) score 0.58; over the 236 rdp/ articles fewer than 0.15% of
 * the pairs of procedures reach 0.5, most of them verbatim copies.
 */
#define DEDUP_NEAR	0.5

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

#endif
