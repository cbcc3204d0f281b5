/* SPDX-License-Identifier: MIT */
/*
 * The hash cache of incremental builds, kept beside the index as
 * OUT.stat and never read by kbsearch: one line per document with the
 * stat(2) stamp it had (size, mtime, ctime, device, inode) and the hash
 * of its bytes.  A document whose stamp is unchanged is taken to have the
 * same bytes without being read, as git's index does; docs/performance.md
 * gives the rule and its risk.  The file ends with a checksum, so a torn
 * or mixed write reads as an empty cache.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "util.h"
#include "walk.h"

/*
 * A file changed less than this before the build started is not cached.
 * File times come from a coarse kernel clock (a tick is 1 to 10 ms), so
 * a write right after the file was read could leave the stamp unchanged;
 * a second covers the tick with room to spare.  It does not cover a file
 * server whose clock is more than a second behind ours.
 */
#define CACHE_RACY_NS	1000000000LL

/* First line: a format change makes old caches empty ones. */
#define CACHE_MAGIC	"kbc stat cache 1\n"

struct centry {
	const char	*path;		/* as opened, points into buf */
	struct walk_stamp st;		/* stamp when it was hashed */
	unsigned long long hash;	/* hash64() of its bytes */
};

struct cache {
	char		*file;		/* OUT.stat */
	char		*buf;		/* the file as loaded, or NULL */
	size_t		 len;		/* bytes in buf */
	size_t		 body;		/* bytes before the checksum line */
	unsigned long long sum;		/* the checksum read */
	struct centry	*v;		/* loaded entries, sorted by path */
	size_t		 n;
	struct strbuf	 next;		/* the cache of this build */
	long long	 start;		/* cache_open() time, ns */
};

static int	 cmp_centry(const void *, const void *);
static int	 load(struct cache *);
static int	 parse_line(char *, struct centry *);

static int
cmp_centry(const void *a, const void *b)
{
	return strcmp(((const struct centry *)a)->path,
	    ((const struct centry *)b)->path);
}

/*
 * Parses "hash size mtime ctime dev ino path" (NUL-terminated line) into
 * ce, whose path points into line.  Returns 0, or -1 when malformed.
 */
static int
parse_line(char *line, struct centry *ce)
{
	char	*p = line, *end;

	errno = 0;
	ce->hash = strtoull(p, &end, 16);
	if (end - p != 16 || *end != ' ')
		return -1;
	ce->st.size = strtoll(end + 1, &end, 10);
	if (*end != ' ')
		return -1;
	ce->st.mtime = strtoll(end + 1, &end, 10);
	if (*end != ' ')
		return -1;
	ce->st.ctime = strtoll(end + 1, &end, 10);
	if (*end != ' ')
		return -1;
	ce->st.dev = strtoull(end + 1, &end, 10);
	if (*end != ' ')
		return -1;
	ce->st.ino = strtoull(end + 1, &end, 10);
	if (*end != ' ' || end[1] == '\0' || errno != 0)
		return -1;
	ce->path = end + 1;
	return 0;
}

/*
 * Reads c->file into c->buf and its entries into c->v.  Returns 0, or -1
 * when there is no usable cache (nothing is kept then).
 */
static int
load(struct cache *c)
{
	struct stat	 st;
	char		*p, *eol, *sum;
	size_t		 cap = 0;
	ssize_t		 k;
	int		 fd;

	/* not through a link, nor blocked by a FIFO planted there */
	if ((fd = open(c->file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size < (off_t)sizeof(CACHE_MAGIC)) {
		close(fd);
		return -1;
	}
	c->buf = xmalloc((size_t)st.st_size + 1);
	while (c->len < (size_t)st.st_size) {
		k = read(fd, c->buf + c->len, (size_t)st.st_size - c->len);
		if (k == -1 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		c->len += (size_t)k;
	}
	close(fd);
	c->buf[c->len] = '\0';
	/* the last line is "sum HASH", the hash of every byte before it */
	if (c->len != (size_t)st.st_size || c->buf[c->len - 1] != '\n' ||
	    strncmp(c->buf, CACHE_MAGIC, strlen(CACHE_MAGIC)) != 0)
		return -1;
	c->buf[c->len - 1] = '\0';
	if ((sum = strrchr(c->buf, '\n')) == NULL ||
	    strncmp(sum + 1, "sum ", 4) != 0)
		return -1;
	c->body = (size_t)(sum - c->buf + 1);
	c->sum = strtoull(sum + 5, NULL, 16);
	if (c->sum != hash64(c->buf, c->body))
		return -1;
	/* sum is at the newline that ends the last entry */
	for (p = c->buf + strlen(CACHE_MAGIC); p < sum; p = eol + 1) {
		/* sum stops at a newline: there is always one, but say so */
		if ((eol = strchr(p, '\n')) == NULL)
			return -1;
		*eol = '\0';
		xgrow((void **)&c->v, &cap, c->n + 1, sizeof(*c->v));
		if (parse_line(p, &c->v[c->n]) == -1)
			return -1;
		c->n++;
	}
	if (c->n > 0)
		qsort(c->v, c->n, sizeof(*c->v), cmp_centry);
	return 0;
}

struct cache *
cache_open(const char *out)
{
	struct cache	*c = xcalloc(1, sizeof(*c));
	struct strbuf	 sb = { 0 };
	struct timespec	 ts;

	sb_addf(&sb, "%s.stat", out);
	c->file = sb_detach(&sb);
	clock_gettime(CLOCK_REALTIME, &ts);
	c->start = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	if (load(c) == -1) {
		free(c->v);
		c->v = NULL;
		c->n = 0;
	}
	sb_adds(&c->next, CACHE_MAGIC);
	return c;
}

int
cache_get(struct cache *c, const struct walk_entry *e,
    unsigned long long *hash, size_t *size)
{
	struct centry	 key, *ce;

	if (c == NULL || c->n == 0)
		return 0;
	memset(&key, 0, sizeof(key));
	key.path = e->path;
	ce = bsearch(&key, c->v, c->n, sizeof(*c->v), cmp_centry);
	if (ce == NULL || ce->st.size != e->stamp.size ||
	    ce->st.mtime != e->stamp.mtime || ce->st.ctime != e->stamp.ctime ||
	    ce->st.dev != e->stamp.dev || ce->st.ino != e->stamp.ino)
		return 0;
	*hash = ce->hash;
	*size = (size_t)ce->st.size;
	return 1;
}

void
cache_put(struct cache *c, const struct walk_entry *e,
    unsigned long long hash, size_t size)
{
	const struct walk_stamp *st = &e->stamp;

	/* a file that grew or shrank since its stamp: the stamp is stale */
	if (c == NULL || (long long)size != st->size ||
	    st->mtime > c->start - CACHE_RACY_NS ||
	    st->ctime > c->start - CACHE_RACY_NS ||
	    strchr(e->path, '\n') != NULL)
		return;
	sb_addf(&c->next, "%016llx %lld %lld %lld %llu %llu %s\n", hash,
	    st->size, st->mtime, st->ctime, st->dev, st->ino, e->path);
}

void
cache_close(struct cache *c, int save)
{
	unsigned long long sum;
	size_t		 done = 0;
	ssize_t		 k;
	int		 fd;

	if (c == NULL)
		return;
	sum = hash64(c->next.buf, c->next.len);
	/* a cache equal to the one loaded is not written again */
	if (save && (c->n == 0 || c->next.len != c->body || sum != c->sum)) {
		sb_addf(&c->next, "sum %016llx\n", sum);
		fd = open(c->file, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		    O_NONBLOCK | O_CLOEXEC, 0666);
		while (fd != -1 && done < c->next.len) {
			k = write(fd, c->next.buf + done, c->next.len - done);
			if (k == -1 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			done += (size_t)k;
		}
		if (fd != -1)
			close(fd);
	}
	sb_release(&c->next);
	free(c->v);
	free(c->buf);
	free(c->file);
	free(c);
}
