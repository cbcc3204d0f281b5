/* SPDX-License-Identifier: MIT */
/*
 * Allocators that never return NULL, struct strbuf, and string helpers.
 * Shared by the compiler and the matcher through the kbcore library.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "util.h"

static void	 oom(void) __attribute__((noreturn));

/* What to clean up before exiting on out-of-memory (kbc: its tmp index). */
static void	(*oom_hook)(void);

static void
oom(void)
{
	if (oom_hook != NULL)
		oom_hook();
	fprintf(stderr, "%s: out of memory\n", msg_prog());
	exit(2);
}

void
xalloc_on_oom(void (*fn)(void))
{
	oom_hook = fn;
}

void *
xmalloc(size_t n)
{
	void	*p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > (size_t)-1 / size)
		oom();
	return xrealloc(p, n * size);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
xgrow(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t	 ncap;

	if (need <= *cap)
		return;
	ncap = *cap ? *cap : 8;
	while (ncap < need)
		ncap *= 2;
	*arr = xreallocarray(*arr, ncap, size);
	*cap = ncap;
}

void
sb_add(struct strbuf *sb, const char *s, size_t n)
{
	xgrow((void **)&sb->buf, &sb->cap, sb->len + n + 1, 1);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void
sb_adds(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void
sb_addc(struct strbuf *sb, char c)
{
	sb_add(sb, &c, 1);
}

void
sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	xgrow((void **)&sb->buf, &sb->cap, sb->len + n + 1, 1);
	/* the same format and arguments as above: writes all n bytes */
	va_start(ap, fmt);
	(void)vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += n;
}

void
sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf != NULL)
		sb->buf[0] = '\0';
}

void
sb_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

char *
sb_detach(struct strbuf *sb)
{
	char	*p = sb->buf ? sb->buf : xstrdup("");

	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return p;
}

const char *
sb_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

void
str_squeeze(char *s)
{
	char	*r, *w = s;
	int	 space = 0;

	for (r = s; *r != '\0'; r++) {
		if (isspace((unsigned char)*r)) {
			space = 1;
			continue;
		}
		if (space && w != s)
			*w++ = ' ';
		space = 0;
		*w++ = *r;
	}
	*w = '\0';
}

int
str_blank(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

int
str_endswith(const char *s, const char *suffix)
{
	size_t	 n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

size_t
utf8_prefix(const char *s, size_t max)
{
	size_t	 n = strlen(s);

	if (n <= max)
		return n;
	n = max;
	/* back up over continuation bytes to a character boundary */
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

size_t
utf8_bidi_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (p[0] != 0xE2)
		return 0;
	if (p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE)
		return 3;
	if (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)
		return 3;
	return 0;
}

void
json_string(struct strbuf *sb, const char *s)
{
	const unsigned char *p;

	sb_addc(sb, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (utf8_bidi_len((const char *)p) > 0) {
			sb_addf(sb, "\\u%04x", (unsigned)((p[0] & 0x0f) << 12 |
			    (p[1] & 0x3f) << 6 | (p[2] & 0x3f)));
			p += 2;
			continue;
		}
		switch (*p) {
		case '"':
			sb_adds(sb, "\\\"");
			break;
		case '\\':
			sb_adds(sb, "\\\\");
			break;
		case '\n':
			sb_adds(sb, "\\n");
			break;
		case '\t':
			sb_adds(sb, "\\t");
			break;
		case '\r':
			sb_adds(sb, "\\r");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				sb_addf(sb, "\\u%04x", *p);
			else
				sb_addc(sb, (char)*p);
		}
	}
	sb_addc(sb, '"');
}

/*
 * The constants of hash64(): odd, so that multiplying by them is a
 * bijection, with bits spread over the whole word (the fractional parts
 * of pi, e and the golden ratio).
 */
#define HASH_K1	0x243f6a8885a308d3ULL
#define HASH_K2	0xb7e151628aed2a6bULL
#define HASH_K3	0x9e3779b97f4a7c15ULL

/* 8 bytes as a little-endian word, whatever the host's byte order. */
static uint64_t
load64(const unsigned char *b)
{
	/* compilers turn this into one load on a little-endian host */
	return (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 |
	    (uint64_t)b[3] << 24 | (uint64_t)b[4] << 32 |
	    (uint64_t)b[5] << 40 | (uint64_t)b[6] << 48 |
	    (uint64_t)b[7] << 56;
}

static uint64_t
rotl64(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

/*
 * One word into the state.  The word is scrambled first (multiply,
 * xor-shift, multiply), which does not depend on h, so the scrambling of
 * the next words overlaps with this one; the chain through h is only
 * xor, rotate and multiply.  Each step is a bijection of the word for a
 * given h, so two inputs that differ in one word never meet before the
 * next word.
 */
static uint64_t
hash_word(uint64_t h, uint64_t w)
{
	w *= HASH_K1;
	w ^= w >> 31;
	w *= HASH_K2;
	return rotl64(h ^ w, 27) * HASH_K3;
}

/*
 * A 64-bit hash 8 bytes at a time (FNV-1a, a byte at a time, was a third
 * of an up-to-date incremental build).  The length seeds the state, so
 * a tail padded with zeros differs from real zeros; the final avalanche
 * (three rounds of xor-shift and multiply, all bijections) makes every
 * input bit reach every output bit.
 */
unsigned long long
hash64(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t	 h, w;
	size_t		 i;

	h = HASH_K3 ^ ((uint64_t)n * HASH_K2);
	for (; n >= 8; n -= 8, b += 8)
		h = hash_word(h, load64(b));
	if (n > 0) {
		for (w = 0, i = 0; i < n; i++)
			w |= (uint64_t)b[i] << (8 * i);
		h = hash_word(h, w);
	}
	h ^= h >> 31;
	h *= HASH_K1;
	h ^= h >> 29;
	h *= HASH_K2;
	h ^= h >> 32;
	h *= HASH_K3;
	h ^= h >> 29;
	return h;
}
