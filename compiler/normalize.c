/* SPDX-License-Identifier: MIT */
/*
 * The shared normalizer (kbcore).  One PCRE2 pattern, compiled once with
 * JIT, finds every variable part of a message in a single left-to-right
 * pass; each alternative names its placeholder with (*MARK).  A second
 * pattern finds error codes.  kbc applies it to error strings, kbsearch to
 * pasted text and log lines, so both sides always agree.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "util.h"

/*
 * Per-match work limit: a hostile line costs under 1 ms instead of the
 * default 10,000,000 steps (tens of ms).  Hitting it means "no match".
 */
#define NORM_MATCH_LIMIT	100000

struct pattern {
	const char	*src;	/* pattern text */
	const char	*src2;	/* its rest, or NULL (C11 compilers need
				   only take literals of 4095 bytes) */
	uint32_t	 flags;	/* compile options */
	pcre2_code	*re;	/* compiled, NULL until first use */
	pcre2_match_data *md;	/* match data sized for re */
};

static pcre2_match_context *mctx;

/*
 * Names in known positions: after user, account, logon name, host,
 * computer, server... when quoted ("for user 'amy'"), as a field value
 * ("Account Name: alice", "user=bob", not when prose goes on in lower
 * case: "terminal server: Windows cannot"), or bare after user and host
 * words when a preposition, a verb or punctuation follows ("invalid user
 * bob from", "connect to host gitlab port").  A word of NORM_STOP never
 * counts as a name: function words and the nouns that follow these
 * keywords in prose ("user account has been locked", "server is").
 */
#define NORM_STOP \
	"authentication|configuration|certificates|application|" \
	"certificate|connections|credentials|experienced|experiences|" \
	"information|permissions|workstation|attributes|connection|" \
	"controller|credential|experience|management|permission|attempted|" \
	"attribute|connected|different|directory|interface|licensing|" \
	"operating|passwords|principal|processes|requested|specified|" \
	"accounts|attempts|computer|connects|disabled|existing|licenses|" \
	"password|policies|profiles|provided|received|receives|requests|" \
	"response|selected|services|sessions|settings|supplied|account|" \
	"address|already|another|belongs|chooses|clicked|cluster|consent|" \
	"context|current|default|desktop|details|enabled|entered|existed|" \
	"failure|invalid|license|lockout|machine|manager|neither|network|" \
	"objects|process|profile|queries|request|selects|servers|service|" \
	"session|setting|started|tickets|unknown|version|without|access|" \
	"before|belong|cannot|clicks|domain|during|either|enters|errors|" \
	"exists|failed|folder|groups|locked|logged|logoff|object|opened|" \
	"policy|portal|record|remote|rights|server|should|signed|signin|" \
	"starts|system|ticket|tokens|about|after|again|agent|being|cache|" \
	"chose|could|count|doesn|entry|error|every|exist|fails|files|" \
	"group|hosts|input|level|limit|local|login|logon|might|names|" \
	"needs|opens|other|query|right|roles|shall|share|shell|signs|" \
	"since|state|still|store|there|these|those|token|tried|tries|" \
	"typed|types|under|until|users|where|which|while|whose|would|also|" \
	"been|both|cert|data|does|each|farm|file|from|gets|have|here|host|" \
	"into|just|keys|list|logs|mode|more|most|must|name|node|none|only|" \
	"onto|over|pool|port|role|runs|same|sees|side|sign|some|such|than|" \
	"that|then|this|time|type|user|very|wasn|were|what|when|whom|will|" \
	"with|all|and|any|are|but|can|did|for|got|had|has|how|isn|its|key|" \
	"log|may|new|nor|not|now|own|per|ran|saw|the|too|via|was|who|why|" \
	"won|yet|an|as|at|be|by|do|id|if|in|is|it|no|of|on|or|so|to|a"
#define NORM_KW_USER	"(?:user[ \\t]?name|user|logon[ \\t]+name" \
	"|login[ \\t]?name|login|account[ \\t]+name|account)"
#define NORM_KW_HOST	"(?:host[ \\t]?name|host|computer(?:[ \\t]+name)?" \
	"|server(?:[ \\t]+name)?|machine(?:[ \\t]+name)?" \
	"|workstation(?:[ \\t]+name)?|client[ \\t]+name)"
#define NORM_KW_BARE_USER "(?:user[ \\t]?name|user)"
#define NORM_KW_BARE_HOST "(?:host[ \\t]?name|host|computer|server|machine)"
#define NORM_NAME_QUOTED "(?:[ \\t]*[:=][ \\t]*|[ \\t]+)" \
	"['\"\\x{2018}\\x{201C}]\\K" \
	"[^'\"\\x{2018}\\x{2019}\\x{201C}\\x{201D}\\s]" \
	"[^'\"\\x{2018}\\x{2019}\\x{201C}\\x{201D}\\n]{0,63}+" \
	"(?=['\"\\x{2019}\\x{201D}])"
#define NORM_NAME_FIELD	"[ \\t]*[:=][ \\t]*\\K(?!(?&stop))" \
	"(?:<[a-z][\\w .-]{0,40}>|[\\w$][\\w.$@\\\\/-]*+)" \
	"(?![ \\t]+(?-i:[a-z]))"
#define NORM_NAME_BARE	"[ \\t]+\\K(?!(?&stop))" \
	"(?:<[a-z][\\w .-]{0,40}>|[a-z][\\w.$-]*+" \
	"(?=[ \\t]*(?:$|[.,;:!?)\\]'\"])|[ \\t]+(?:from|on|at|to|in|for" \
	"|with|by|port|via|is|was|has|had|does|did|not|failed|could|cannot" \
	"|can|and|or)\\b))"

/*
 * Variable parts, leftmost match first; at one position the earlier
 * alternative wins, so the specific shapes (times, addresses) come before
 * the generic ones (numbers).  The part before an @, a backslash or the
 * first dot of a host name is read possessively and at most 64
 * characters (the longest e-mail local part, DNS label, NetBIOS domain),
 * and an id has a digit within 64: tried at every word boundary of a
 * long word, an unbounded scan would make a line cost its length squared.
 */
static struct pattern mask = {
	"(?:https?|ftp|file)://[^\\s\"'<>)\\]]+(*MARK:url)"
	"|\\{\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b\\}?"
	    "(*MARK:guid)"
	"|\\\\\\\\[^\\s\\\\\"']+(?:\\\\[^\\s\\\\\"']*)*(*MARK:path)"
	"|(?<![\\w.~])/(?:[\\w.-]+/)+[\\w.-]*(*MARK:path)"
	"|<[a-z][\\w .-]{0,40}>(*MARK:var)"
	"|%\\d+\\b(*MARK:var)"
	"|\\{\\d+\\}(*MARK:var)"
	/* the rest start at a word boundary, tested once */
	"|\\b(?:[\\w.+-]{1,64}+@[\\w-]+(?:\\.[\\w-]+)+\\b(*MARK:email)"
	"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b\\}?"
	    "(*MARK:guid)"
	"|S-1-\\d+(?:-\\d+)+\\b(*MARK:sid)"
	"|\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{1,2}:\\d{2}(?::\\d{2})?(?:[.,]\\d+)?"
	    "(?:Z|[+-]\\d{2}:?\\d{2})?)?\\b(*MARK:time)"
	"|\\d{1,2}/\\d{1,2}/\\d{2,4}\\b(*MARK:time)"
	"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\s+\\d{1,2}"
	    "(?:,?\\s+\\d{4})?\\s+\\d{1,2}:\\d{2}(?::\\d{2})?\\b(*MARK:time)"
	"|\\d{1,2}:\\d{2}(?::\\d{2})?(?:[.:,]\\d+)?(?:\\s?[ap]m\\b)?(*MARK:time)"
	"|(?:\\d{1,3}|x{1,3})(?:\\.(?:\\d{1,3}|x{1,3})){3}(?::\\d{1,5})?\\b"
	    "(*MARK:ip)"
	"|(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}\\b(*MARK:ip)"
	"|[a-z]:\\\\[^\\s\"'<>|]*(*MARK:path)"
	"|[\\w.-]{1,64}+(?:\\\\[\\w.$-]+){2,}(*MARK:path)"
	"|[\\w.-]{1,64}+\\\\[\\w.$-]+(*MARK:user)"
	"|0x[0-9a-f]+\\b(*MARK:hex)"
	"|(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\\d)[0-9a-f]{8,}\\b(*MARK:hex)"
	"|(?=[\\w-]*[a-z])[\\w-]{1,63}+(?:\\.[\\w-]+){2,}\\b(*MARK:host)",
	"|(?=[\\w-]{0,63}\\d)[a-z][\\w-]*\\b(*MARK:id)"
	"|\\d+(?:[.,]\\d+)*\\b(*MARK:num)"
	"|(?=user|log[io]n|account|host|computer|server|machine"
	    "|workstation|client)"
	"(?:" NORM_KW_USER NORM_NAME_QUOTED "(*MARK:user)"
	"|" NORM_KW_HOST NORM_NAME_QUOTED "(*MARK:host)"
	"|" NORM_KW_USER NORM_NAME_FIELD "(*MARK:user)"
	"|" NORM_KW_HOST NORM_NAME_FIELD "(*MARK:host)"
	"|" NORM_KW_BARE_USER NORM_NAME_BARE "(*MARK:user)"
	"|" NORM_KW_BARE_HOST NORM_NAME_BARE "(*MARK:host)))"
	    "(?(DEFINE)(?<stop>(?:" NORM_STOP ")\\b))",
	PCRE2_CASELESS | PCRE2_USE_OFFSET_LIMIT, NULL, NULL
};

/*
 * Error codes; in a branch-reset group, so group 1 holds the number of
 * every alternative that has a prefix word.
 */
static struct pattern codes = {
	"(?|\\b0x[0-9a-f]{1,16}\\b(*MARK:hex)"
	"|(?<![\\w.])-\\d{9,10}\\b(*MARK:hresult)"
	"|\\bevent\\s*(?:id)?\\s*[:#]?\\s*(\\d{1,5})\\b(*MARK:event)"
	"|\\b(?:error|error code|stop code|status code|code)\\s*[:#\\[]?\\s*"
	    "(\\d{2,6})\\b(*MARK:error)"
	"|\\bports?\\s*(?:number\\s*)?[:=]?\\s*(\\d{2,5})\\b(*MARK:port)"
	"|\\b(?:tcp|udp)[\\s/:]*(\\d{2,5})\\b(*MARK:port)"
	"|(?-i)\\b(?!HKEY_)[A-Z][A-Z0-9]*(?:_[A-Z0-9]+){2,}\\b(*MARK:const))",
	NULL, PCRE2_CASELESS, NULL, NULL
};

static const char *const kind_names[CODE__MAX] = {
	"hex", "event", "error", "const", "port"
};

static int	 feature(const unsigned char *, size_t, size_t);
static int	 keyword(const unsigned char *, size_t);
static char	*mask_pass(const char *);
static int	 next_word(const char *, size_t, size_t, size_t *, size_t *);

static pcre2_code *
compile(struct pattern *p)
{
	struct strbuf	 src = { 0 };
	int		 err;
	PCRE2_SIZE	 off;
	PCRE2_UCHAR	 buf[256];

	if (p->re != NULL)
		return p->re;
	sb_adds(&src, p->src);
	if (p->src2 != NULL)
		sb_adds(&src, p->src2);
	p->re = pcre2_compile((PCRE2_SPTR)src.buf, src.len,
	    p->flags | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_UCP,
	    &err, &off, NULL);
	sb_release(&src);
	if (p->re == NULL) {
		/* A bad built-in pattern is a programming error. */
		pcre2_get_error_message(err, buf, sizeof(buf));
		fprintf(stderr, "internal error: pattern at %zu: %s\n",
		    (size_t)off, (char *)buf);
		abort();
	}
	(void)pcre2_jit_compile(p->re, PCRE2_JIT_COMPLETE);
	p->md = pcre2_match_data_create_from_pattern(p->re, NULL);
	if (p->md == NULL) {
		fputs("kbsearch: out of memory\n", stderr);
		exit(2);
	}
	if (mctx == NULL) {
		mctx = pcre2_match_context_create(NULL);
		if (mctx == NULL) {
			fputs("kbsearch: out of memory\n", stderr);
			exit(2);
		}
		pcre2_set_match_limit(mctx, NORM_MATCH_LIMIT);
	}
	return p->re;
}

void
normalize_shutdown(void)
{
	struct pattern	*all[] = { &mask, &codes };
	size_t		 i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		pcre2_match_data_free(all[i]->md);
		pcre2_code_free(all[i]->re);
		all[i]->md = NULL;
		all[i]->re = NULL;
	}
	pcre2_match_context_free(mctx);
	mctx = NULL;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 if invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	size_t		 len, i;
	unsigned long	 cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

char *
normalize_clean(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	struct strbuf	 sb = { 0 };
	size_t		 i = 0, n;

	while (i < len) {
		n = utf8_seq(p + i, len - i);
		if (n == 0) {
			i++;
			continue;
		}
		if (n == 1 && (p[i] < 0x20 || p[i] == 0x7f) &&
		    p[i] != '\t' && p[i] != '\n') {
			i++;
			continue;
		}
		sb_add(&sb, s + i, n);
		i += n;
	}
	return sb_detach(&sb);
}

/*
 * Appends the lower-cased words of s[0..n) to sb, punctuation as spaces.
 * Apostrophes vanish so "can't" and "cant" agree; typographic quotes,
 * dashes, ellipses and no-break spaces count as punctuation.
 */
static void
add_words(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	char		*out;
	size_t		 i = 0;

	/* never more bytes out than in: room once, not per byte */
	xgrow((void **)&sb->buf, &sb->cap, sb->len + n + 1, 1);
	out = sb->buf + sb->len;
	while (i < n) {
		unsigned char	 c = p[i];

		if (c < 0x80) {
			if (isalnum(c) || c == '_')
				*out++ = (char)tolower(c);
			else if (c != '\'')
				*out++ = ' ';
			i++;
			continue;
		}
		/* U+2018/2019 quotes vanish like ASCII apostrophes */
		if (c == 0xE2 && i + 2 < n + 0 && p[i + 1] == 0x80 &&
		    (p[i + 2] == 0x98 || p[i + 2] == 0x99)) {
			i += 3;
			continue;
		}
		/* other U+2000..U+206F punctuation, and U+00A0 */
		if ((c == 0xE2 && i + 2 < n && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x81) || (c == 0xC2 && i + 1 < n &&
		    p[i + 1] == 0xA0)) {
			*out++ = ' ';
			i += c == 0xC2 ? 2 : 3;
			continue;
		}
		*out++ = (char)c;
		i++;
	}
	sb->len = (size_t)(out - sb->buf);
	sb->buf[sb->len] = '\0';
}

/* Bytes of a word read past a feature for more of them; see next_word(). */
#define NORM_SCAN_AHEAD	256

#define IS_SPACE(c)	((c) == ' ' || ((c) >= '\t' && (c) <= '\r'))

/*
 * Nonzero when byte i of s[0..n) is one that some part of the mask
 * pattern needs after its start, in the same word: a digit, one of
 * \ / @ < % {, a non-ASCII byte (\w and \d are Unicode, and caseless
 * letters have non-ASCII forms), a . inside a word, a : after a hex
 * digit (IPv6), a - after eight of them (a GUID), or the first letter of
 * a keyword of the name masks.
 */
static int
feature(const unsigned char *s, size_t n, size_t i)
{
	unsigned char	 c = s[i];

	if (c >= 0x80 || (c >= '0' && c <= '9'))
		return 1;
	switch (c) {
	case '\\':
	case '/':
	case '@':
	case '<':
	case '%':
	case '{':
		return 1;
	case '.':
		return i + 1 < n && !IS_SPACE(s[i + 1]);
	case ':':
		return i > 0 && isxdigit(s[i - 1]);
	case '-':
		return i >= 8 && isxdigit(s[i - 1]) && isxdigit(s[i - 2]) &&
		    isxdigit(s[i - 3]) && isxdigit(s[i - 4]) &&
		    isxdigit(s[i - 5]) && isxdigit(s[i - 6]) &&
		    isxdigit(s[i - 7]) && isxdigit(s[i - 8]);
	default:
		return isalpha(c) && (i == 0 || !(isalnum(s[i - 1]) ||
		    s[i - 1] == '_')) && keyword(s + i, n - i);
	}
}

/* Nonzero when s[0..n) starts like a keyword of the name masks. */
static int
keyword(const unsigned char *s, size_t n)
{
	static const char *const kw[] = {
		"acco", "clie", "comp", "host", "logi", "logo", "mach",
		"serv", "user", "work"
	};
	char	 w[4];
	size_t	 i;

	if (n < 4)
		return 0;
	for (i = 0; i < 4; i++)
		w[i] = (char)tolower(s[i]);
	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (memcmp(w, kw[i], 4) == 0)
			return 1;
	return 0;
}

/*
 * The next place at or after `from` where a mask may start: stores in
 * *start the beginning of the first word (run of non-space bytes, cut at
 * `from`) with a feature, and in *last its last feature, or the last
 * within NORM_SCAN_AHEAD bytes of the first, so that a long word is not
 * read again after each match in it.  A match can start only between
 * the two (and later in the word), since every alternative of the mask
 * pattern holds a feature after its start and within its first word;
 * the one exception, a month name before a day ("Nov  3 10:00"), makes
 * any word before a number a candidate.  Returns 0 when there is none.
 */
static int
next_word(const char *s, size_t n, size_t from, size_t *start, size_t *last)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		 i, j, w = from, first = 0;
	int		 found = 0;

	for (i = from; i < n; i++) {
		if (!IS_SPACE(p[i])) {
			if (found && i - first > NORM_SCAN_AHEAD)
				return 1;
			if (feature(p, n, i)) {
				if (!found) {
					*start = w;
					first = i;
				}
				found = 1;
				*last = i;
			}
			continue;
		}
		if (found)
			return 1;
		for (j = i; j < n && IS_SPACE(p[j]); j++)
			continue;
		if (j < n && p[j] >= '0' && p[j] <= '9' && w < i) {
			*start = w;
			*last = i;
			return 1;
		}
		w = j;
		i = j - 1;
	}
	return found;
}

/* One pass of masking and word folding over s; see normalize_text(). */
static char *
mask_pass(const char *s)
{
	pcre2_code	*re = compile(&mask);
	struct strbuf	 sb = { 0 };
	PCRE2_SIZE	 len = strlen(s), at = 0, from = 0, start = 0, last = 0;
	PCRE2_SIZE	*ov;
	int		 rc;

	/*
	 * Searching the whole pattern at every byte costs about 100 ns a
	 * byte; it runs only where a mask may start, at most up to the
	 * last feature of each such word (an offset limit), which leaves
	 * the result the same.
	 */
	while (from < len && next_word(s, len, from, &start, &last)) {
		pcre2_set_offset_limit(mctx, last);
		rc = pcre2_match(re, (PCRE2_SPTR)s, len, start, 0, mask.md,
		    mctx);
		if (rc == PCRE2_ERROR_NOMATCH) {
			from = last + 1;
			continue;
		}
		if (rc < 0)
			break;
		ov = pcre2_get_ovector_pointer(mask.md);
		add_words(&sb, s + at, ov[0] - at);
		sb_addf(&sb, " _%s_ ", (const char *)pcre2_get_mark(mask.md));
		if (ov[1] == ov[0]) {
			/* empty match: copy one byte and step past it */
			if (ov[0] < len)
				add_words(&sb, s + ov[0], 1);
			at = ov[0] + 1;
		} else
			at = ov[1];
		from = at;
	}
	pcre2_set_offset_limit(mctx, PCRE2_UNSET);
	if (at < len)
		add_words(&sb, s + at, len - at);
	if (sb.buf != NULL)
		str_squeeze(sb.buf);
	return sb_detach(&sb);
}

/*
 * Names are masked by their context ("user bob from", "host gw1."), and
 * the punctuation that broke a context in s is gone from its normal form
 * ("User(bob" becomes "user bob", which masks bob): passes repeat until
 * one changes nothing, so that the signature of a signature is itself
 * (tests/fuzz/fuzz_query checks it).  A pass that changes a normal form
 * only turns words into placeholders, which no pass changes again; the
 * bound is a second guard.
 */
#define NORM_PASSES_MAX	8

char *
normalize_text(const char *s)
{
	char	*norm = mask_pass(s), *again;
	int	 i;

	for (i = 1; i < NORM_PASSES_MAX; i++) {
		again = mask_pass(norm);
		if (strcmp(again, norm) == 0) {
			free(again);
			break;
		}
		free(norm);
		norm = again;
	}
	return norm;
}

int
normalize_is_placeholder(const char *w, size_t len)
{
	return len >= 3 && w[0] == '_' && w[len - 1] == '_';
}

const char *
normalize_code_kind(enum norm_code_kind kind)
{
	return kind_names[kind];
}

/* Significant digits of a hex code: 32 bits. */
#define HEX_CODE_DIGITS	8

/* Canonical hex: lower case, leading zeros dropped ("0x00000204" = "0x204"). */
static char *
canon_hex(const char *s, size_t n)
{
	struct strbuf	 sb = { 0 };
	size_t		 i = 2;

	while (i + 1 < n && s[i] == '0')
		i++;
	sb_adds(&sb, "0x");
	for (; i < n; i++)
		sb_addc(&sb, (char)tolower((unsigned char)s[i]));
	return sb_detach(&sb);
}

size_t
normalize_codes(const char *s, struct norm_code **out)
{
	pcre2_code	*re = compile(&codes);
	struct norm_code *v = NULL;
	size_t		 n = 0, cap = 0, i;
	PCRE2_SIZE	 len = strlen(s), at = 0, *ov;
	const char	*mark;
	char		*code;
	enum norm_code_kind kind;
	int		 rc;

	while (at < len) {
		rc = pcre2_match(re, (PCRE2_SPTR)s, len, at, 0, codes.md, mctx);
		if (rc < 0)
			break;
		ov = pcre2_get_ovector_pointer(codes.md);
		mark = (const char *)pcre2_get_mark(codes.md);
		at = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		if (strcmp(mark, "hex") == 0) {
			kind = CODE_HEX;
			code = canon_hex(s + ov[0], ov[1] - ov[0]);
			/*
			 * Zero is no error ("Sub Status: 0x0"), and more
			 * than 32 bits is an address ("exception at
			 * 0x00007FF6A1B2C3D4"): status codes, HRESULTs and
			 * Win32 errors all fit in 32.
			 */
			if (strcmp(code, "0x0") == 0 ||
			    strlen(code) > 2 + HEX_CODE_DIGITS) {
				free(code);
				continue;
			}
		} else if (strcmp(mark, "hresult") == 0) {
			/* a negative decimal HRESULT, as .NET prints it */
			long long d = strtoll(s + ov[0], NULL, 10);
			char	 buf[32];

			if (d < -2147483648LL)
				continue;
			/* at most 10 bytes: cannot truncate */
			(void)snprintf(buf, sizeof(buf), "0x%x",
			    (unsigned)(unsigned long long)d);
			kind = CODE_HEX;
			code = xstrdup(buf);
		} else if (strcmp(mark, "const") == 0) {
			kind = CODE_CONST;
			code = xstrndup(s + ov[0], ov[1] - ov[0]);
		} else {
			struct strbuf sb = { 0 };

			kind = mark[0] == 'e' && mark[1] == 'v' ? CODE_EVENT :
			    mark[0] == 'p' ? CODE_PORT : CODE_ERROR;
			sb_addf(&sb, "%s:%.*s", kind_names[kind],
			    (int)(ov[3] - ov[2]), s + ov[2]);
			code = sb_detach(&sb);
		}
		for (i = 0; i < n; i++)
			if (strcmp(v[i].code, code) == 0)
				break;
		if (i < n) {
			free(code);
			continue;
		}
		xgrow((void **)&v, &cap, n + 1, sizeof(*v));
		v[n].code = code;
		v[n].kind = kind;
		v[n].off = ov[0];
		n++;
	}
	*out = v;
	return n;
}

void
normalize_codes_free(struct norm_code *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i].code);
	free(v);
}
