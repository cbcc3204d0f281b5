/* SPDX-License-Identifier: MIT */
/*
 * Stage 1 of the compiler: load a document.  Refuses what is not a regular
 * file, too large, binary, UTF-16 or invalid UTF-8, with the position of
 * the first bad byte; drops a UTF-8 BOM and turns CRLF and lone CR into LF
 * without changing line numbers.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "read.h"
#include "util.h"

static size_t	 bad_utf8(const unsigned char *, size_t);
static void	 position(const char *, size_t, int *, int *);
static int	 slurp(int, size_t, char **, size_t *);

/*
 * Reads the file open as fd, size bytes by fstat(2), into a new buffer
 * *buf (one byte more, for a NUL) of *len bytes, which the caller frees.
 * Returns 0, -1 with errno set (nothing to free), or 1 when the file grew
 * while it was read.
 */
static int
slurp(int fd, size_t size, char **bufp, size_t *lenp)
{
	char		*buf;
	size_t		 len = 0;
	ssize_t		 n;
	int		 saved;

	buf = xmalloc(size + 1);
	/* read one byte past the size to notice a file that grew */
	while (len <= size) {
		n = read(fd, buf + len, size + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			free(buf);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > size) {
		free(buf);
		return 1;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

int
read_hash(const char *path, unsigned long long *hash, size_t *size)
{
	struct stat	 st;
	char		*buf;
	size_t		 len;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size <= KB_DOC_MAX_BYTES &&
	    slurp(fd, (size_t)st.st_size, &buf, &len) == 0) {
		*hash = hash64(buf, len);
		*size = len;
		free(buf);
		rc = 0;
	}
	close(fd);
	return rc;
}

int
read_file(const char *path, const char *name, struct read_text *rt)
{
	struct stat	 st;
	char		*buf = NULL;
	size_t		 len = 0;
	int		 fd, rc, saved;

	/* O_NONBLOCK: a FIFO named .md must not block the build */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return msg_report(MSG_ERROR, NULL, 0, 0, "cannot open %s: %s",
		    name, strerror(errno));
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		return msg_report(MSG_ERROR, NULL, 0, 0, "cannot stat %s: %s",
		    name, strerror(saved));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return msg_report(MSG_ERROR, name, 0, 0,
		    "not a regular file");
	}
	/* a regular file's size is never negative */
	if ((size_t)st.st_size > KB_DOC_MAX_BYTES) {
		close(fd);
		return msg_report(MSG_ERROR, name, 0, 0,
		    "document too large (%lld > %zu bytes)",
		    (long long)st.st_size, KB_DOC_MAX_BYTES);
	}
	rc = slurp(fd, (size_t)st.st_size, &buf, &len);
	saved = errno;
	close(fd);
	if (rc == -1)
		return msg_report(MSG_ERROR, NULL, 0, 0, "cannot read %s: %s",
		    name, strerror(saved));
	if (rc == 1)
		return msg_report(MSG_ERROR, name, 0, 0,
		    "file changed while it was read");
	return read_buffer(buf, len, name, rt);
}

/* Offset of the first invalid UTF-8 byte in s, or n when all is valid. */
static size_t
bad_utf8(const unsigned char *s, size_t n)
{
	size_t		 i = 0, len, k;
	unsigned long	 cp;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xC2 && s[i] <= 0xDF)
			len = 2, cp = s[i] & 0x1F;
		else if (s[i] >= 0xE0 && s[i] <= 0xEF)
			len = 3, cp = s[i] & 0x0F;
		else if (s[i] >= 0xF0 && s[i] <= 0xF4)
			len = 4, cp = s[i] & 0x07;
		else
			return i;
		if (len > n - i)
			return i;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += len;
	}
	return n;
}

/* 1-based line and column (in bytes) of offset off in s. */
static void
position(const char *s, size_t off, int *line, int *col)
{
	size_t	 i, start = 0;

	*line = 1;
	for (i = 0; i < off; i++) {
		if (s[i] == '\n' || (s[i] == '\r' && s[i + 1] != '\n')) {
			(*line)++;
			start = i + 1;
		}
	}
	*col = (int)(off - start) + 1;
}

int
read_buffer(char *buf, size_t len, const char *name, struct read_text *rt)
{
	const unsigned char *u = (const unsigned char *)buf;
	char		*nul;
	size_t		 bad, i, w;
	int		 line, col;

	memset(rt, 0, sizeof(*rt));
	rt->size = len;
	rt->hash = hash64(buf, len);
	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) ||
	    (u[0] == 0xFE && u[1] == 0xFF))) {
		free(buf);
		return msg_report(MSG_ERROR, name, 0, 0,
		    "UTF-16 text; convert to UTF-8");
	}
	if ((nul = memchr(buf, '\0', len)) != NULL) {
		bad = (size_t)(nul - buf);
		free(buf);
		return msg_report(MSG_ERROR, name, 0, 0,
		    "binary file (NUL at byte %zu)", bad);
	}
	if ((bad = bad_utf8(u, len)) < len) {
		buf[len] = '\0';
		position(buf, bad, &line, &col);
		free(buf);
		return msg_report(MSG_ERROR, name, line, col,
		    "invalid UTF-8");
	}
	i = len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF ? 3 : 0;
	for (w = 0; i < len; i++) {
		if (buf[i] == '\r') {
			if (i + 1 < len && buf[i + 1] == '\n')
				continue;
			buf[w++] = '\n';
		} else
			buf[w++] = buf[i];
	}
	buf[w] = '\0';
	rt->text = buf;
	rt->len = w;
	return 0;
}
