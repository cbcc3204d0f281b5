/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by every stage: allocators that exit on
 * out-of-memory, a growable string buffer, and string utilities.
 */
#ifndef KB_UTIL_H
#define KB_UTIL_H

#include <stddef.h>

/*
 * Allocators: print "PROG: out of memory" and exit 2 instead of returning
 * NULL, after calling the function set with xalloc_on_oom(), if any.
 */
void	 xalloc_on_oom(void (*fn)(void));
void	*xmalloc(size_t n);
void	*xcalloc(size_t n, size_t size);
void	*xrealloc(void *p, size_t n);
void	*xreallocarray(void *p, size_t n, size_t size);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);

/* Grow *arr (of *cap elements of size bytes) so that it holds need. */
void	 xgrow(void **arr, size_t *cap, size_t need, size_t size);

/* A NUL-terminated growable byte buffer; zero-initialise before use. */
struct strbuf {
	char	*buf;		/* NUL-terminated contents, or NULL */
	size_t	 len;		/* bytes used, excluding the NUL */
	size_t	 cap;		/* bytes allocated */
};

void	 sb_add(struct strbuf *sb, const char *s, size_t n);
void	 sb_adds(struct strbuf *sb, const char *s);
void	 sb_addc(struct strbuf *sb, char c);
void	 sb_addf(struct strbuf *sb, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 sb_reset(struct strbuf *sb);
void	 sb_release(struct strbuf *sb);
/* Returns the contents ("" when empty), owned by the caller; sb is reset. */
char	*sb_detach(struct strbuf *sb);
/* Returns the contents or "" while sb lives. */
const char *sb_str(const struct strbuf *sb);

/* Collapse runs of white space to one space and trim both ends, in place. */
void	 str_squeeze(char *s);
/* Nonzero when s is NULL or holds only white space. */
int	 str_blank(const char *s);
/* Nonzero when s ends with suffix. */
int	 str_endswith(const char *s, const char *suffix);
/* Length of the longest prefix of s, at most max bytes, that is whole UTF-8. */
size_t	 utf8_prefix(const char *s, size_t max);

/*
 * Length of the bidi control at s (U+202A..U+202E, U+2066..U+2069, which
 * make a terminal show text in another order than it is stored), or 0.
 */
size_t	 utf8_bidi_len(const char *s);

/*
 * Append s to sb as a JSON string literal, with quotes; C0 controls, DEL
 * and bidi controls are written as \uXXXX escapes.
 */
void	 json_string(struct strbuf *sb, const char *s);

/*
 * A 64-bit hash of n bytes (not cryptographic), for content hashes and
 * digests; the same on every host.
 */
unsigned long long hash64(const void *p, size_t n);

#endif
