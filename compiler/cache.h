/* SPDX-License-Identifier: MIT */
/*
 * The hash cache beside the index (OUT.stat): for each document, the
 * stat(2) stamp it had and the hash of its bytes then, so that an
 * incremental build need not read a file whose stamp is unchanged.
 */
#ifndef KB_CACHE_H
#define KB_CACHE_H

#include <stddef.h>

struct cache;
struct walk_entry;

/*
 * Loads the cache of the index out.  A missing, unreadable or damaged
 * cache (its checksum is wrong) is an empty one: it only saves time.
 * Free with cache_close().
 */
struct cache	*cache_open(const char *out);

/*
 * The hash and size recorded for e when its stamp is the one recorded;
 * returns 1, or 0 when the file must be read.
 */
int		 cache_get(struct cache *c, const struct walk_entry *e,
		    unsigned long long *hash, size_t *size);

/*
 * Keeps e's stamp with the hash and size of its bytes, read after the
 * stamp was taken, for the next build; call it for every document to
 * keep, in walk order.  A file changed within CACHE_RACY_NS of
 * cache_open() is not kept: a later write in the same clock tick would
 * leave its stamp as it is.
 */
void		 cache_put(struct cache *c, const struct walk_entry *e,
		    unsigned long long hash, size_t size);

/*
 * With save, writes the cache when it differs from the one loaded; a
 * failure is ignored (the next build reads the files).  Frees c; NULL
 * is allowed.
 */
void		 cache_close(struct cache *c, int save);

#endif
