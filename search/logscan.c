/* SPDX-License-Identifier: MIT */
/*
 * Log scanning (matcher stage 2, stdin only).  Each line is sorted
 * cheaply: blank, the header or body of an Event Viewer record (export,
 * old "Event Type:" form, wevtutil "Event[N]:"), or a plain line that one
 * PCRE2 pattern (JIT, compiled once) finds error-bearing.  An error line
 * opens a message; the lines that continue it (the unprefixed tail of a
 * log entry, or the next sentence of a console error such as "System
 * error 67 has occurred." then "The network name cannot be found.") are
 * joined to it.  Records are one message each: source, event id and
 * description together, skipped when their level is benign and their
 * text has no error word.  Messages are masked with normalize_text() and
 * grouped by signature in a bounded hash table.  The first lines of the
 * input are also kept, so that a short paste with no log structure (a
 * dialog) is one message, and a short paste with no error line can still
 * be matched as a whole.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "logscan.h"
#include "msg.h"
#include "normalize.h"
#include "util.h"

/*
 * Per-match work limit (RELIABILITY.md 2): a line built to backtrack
 * costs under 1 ms instead of tens; hitting it counts as "no match".
 */
#define KB_PCRE_MATCH_LIMIT	100000
/*
 * Bytes kept of one message: a whole Event Viewer description or a few
 * console lines, and 10,000 groups of two such strings stay near 40 MB.
 */
#define KB_MSG_MAX		2048
/* Lines joined into one message: an error and its explanation. */
#define KB_MSG_LINES		4
/* Description lines of one record before plain lines resume. */
#define KB_DESC_LINES		64
/*
 * The input is a paste, kept whole for matching, while it stays within
 * these: a console transcript or a handful of events, far below a log.
 */
#define KB_PASTE_MAX		((size_t)64 * 1024)
#define KB_PASTE_LINES		100
/* A command name after a shell prompt is at most this long. */
#define KB_CMD_MAX		32
/* A paste this short with no log structure is one message (a dialog). */
#define KB_DIALOG_LINES		24
/* Hash index slots: a power of two, under 2/3 full at KB_GROUPS_MAX. */
#define KB_INDEX_SLOTS		16384
/* Signatures remembered past KB_GROUPS_MAX, to count them as distinct. */
#define KB_OVERFLOW_SLOTS	((size_t)1 << 20)

enum pat {
	PAT_ERROR,		/* an error-bearing line */
	PAT_PREFIX,		/* timestamp, host, [fields], level of a line */
	PAT_PROMPT,		/* a shell prompt: C:\>, PS C:\>, $, user@host */
	PAT__MAX
};

static const char *const pat_src[PAT__MAX] = {
	/* PAT_ERROR: words and shapes of failure, any case */
	"error|fail|denied|refused|locked|lockout|cannot|can't|can not"
	"|could not|couldn't|unable|not supported|not available|not found"
	"|not permitted|not allowed|timed out|timeout|exception|fatal"
	"|critical|panic|abort|crash|segfault|invalid|expired|rejected"
	"|unreachable|violation|corrupt|forbidden|unauthori[sz]ed|traceback"
	"|no such|\\b0x[0-9a-f]{4,}|event\\s*id|level:\\s*(?:error|critical)",
	/* PAT_PREFIX: anchored, each token ends at a space or a bracket */
	"^(?:\\s*(?:\\[[^\\]]{0,80}\\]|<\\d{1,3}>"
	"|(?:\\d{4}[-/.]\\d\\d[-/.]\\d\\d(?:[T ]\\d\\d?:\\d\\d(?::\\d\\d)?"
	    "(?:[.,:]\\d+)?)?(?:Z|[+-]\\d\\d:?\\d\\d)?"
	"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\s+"
	    "\\d{1,2}\\s+\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?"
	"|\\d\\d?/\\d\\d?/\\d{2,4}(?:,?\\s+\\d\\d?:\\d\\d(?::\\d\\d)?"
	    "(?:[.,]\\d+)?(?:\\s?[ap]m)?)?"
	"|\\d\\d?:\\d\\d:\\d\\d(?:[.,:]\\d+)?(?:\\s?[ap]m)?)"
	    "(?:\\s+[\\w.-]+\\s+[\\w.()/@-]+(?:\\[\\d+\\])?:(?=\\s))?:?"
	"|(?:info|information|warn|warning|error|err|debug|trace|fatal"
	    "|crit|critical|notice|verbose|severe|alert|emerg)"
	    "(?:\\s*:|(?!\\s+\\d))"
	"|[-|:])(?=\\s|$|\\[))+",
	/* PAT_PROMPT (in parentheses: clang takes a split literal for a
	   missing comma) */
	("^\\s*(?:PS\\s+)?[a-z]:\\\\[^>]*>|^\\s*[$#](?:\\s|$)"
	"|^\\s*[\\w.-]+@[\\w.-]+:\\S*\\s*[$#](?:\\s|$)")
};

/*
 * Prefilter for PAT_ERROR: the first four letters of each of its words,
 * any case.  A line with none of them (nor "0x") cannot match, and most
 * log lines are skipped here at a few cycles per byte, before PCRE2.
 * Keep in step with PAT_ERROR.
 */
static const char *const err_grams[] = {
	"erro", "fail", "deni", "refu", "lock", "cann", "can'", "can ",
	"coul", "unab", "not ", "time", "exce", "fata", "crit", "pani",
	"abor", "cras", "segf", "inva", "expi", "reje", "unre", "viol",
	"corr", "forb", "unau", "trac", "no s", "even", "leve"
};
/* Bits of the 4-byte gram filter, a power of two. */
#define GRAM_BITS	65536
#define GRAM_HASH(w)	((uint32_t)((w) * 2654435761u) >> 16)

static unsigned char gram_set[GRAM_BITS / 8];

/* An Event Viewer record being read. */
struct rec {
	int		 active;	/* inside a record */
	int		 in_desc;	/* past "Description:" */
	int		 fields;	/* header fields seen */
	int		 desc_lines;	/* description lines seen */
	long		 line;		/* its first line */
	struct strbuf	 source;	/* Source / Event Source */
	struct strbuf	 id;		/* Event ID */
	struct strbuf	 level;		/* Level / Event Type / Keywords */
	struct strbuf	 desc;		/* description lines */
};

/* A plain-line message being joined. */
struct msg {
	int		 open;		/* an error line opened it */
	int		 prefixed;	/* that line had a log prefix */
	int		 nlines;	/* lines joined */
	int		 blanks;	/* blank lines since the last one */
	long		 line;		/* its first line */
	struct strbuf	 text;		/* the lines, prefixes removed */
};

struct logscan {
	struct logscan_group *g;	/* groups, in order of first line */
	uint64_t	*hash;		/* signature hash of each group */
	size_t		 n, cap;	/* groups held, allocated */
	int32_t		*index;		/* hash slot -> group, -1 empty */
	uint64_t	*over;		/* hashes of groups not held */
	unsigned long	 nover;		/* distinct signatures not held */
	struct rec	 rec;		/* open record */
	struct msg	 msg;		/* open message */
	struct strbuf	 paste;		/* the input while it is short */
	int		 paste_ok;	/* paste holds the whole input so far */
	struct strbuf	 cmd;		/* command of the last shell prompt,
					   that of the open message */
	char		*cmd1;		/* of the first one, for the paste */
	long		 nlines;	/* lines fed */
	int		 structured;	/* a line looked like a log line */
	struct logscan_group whole;	/* the paste as one group */
	int		 limit_hit;	/* a match limit was reported */
};

static pcre2_code *re[PAT__MAX];
static pcre2_match_data *md;
static pcre2_match_context *mctx;

static void	 add_capped(struct strbuf *, const char *, size_t, char);
static void	 add_group(struct logscan *, const char *, size_t, long,
		    const char *);
static int	 event_key(const char *, size_t, const char **, size_t *);
static void	 feed_plain(struct logscan *, const char *, size_t, long);
static int	 feed_record(struct logscan *, const char *, size_t, long);
static void	 flush_msg(struct logscan *);
static void	 flush_rec(struct logscan *);
static uint64_t	 hash_str(const char *);
static uint32_t	 gram(const char *);
static int	 has_time(const char *, size_t);
static int	 is_blank(const char *, size_t);
static int	 maybe_error(const char *, size_t);
static int	 is_sentence(const char *, size_t);
static int	 is_table(const char *, size_t);
static int	 match(struct logscan *, enum pat, const char *, size_t,
		    size_t *);
static void	 prompt_command(struct logscan *, const char *, size_t);
static void	 patterns(void);
static int	 starts_record(const struct logscan *, const char *, size_t);

/* Compiles the patterns once; a bad built-in pattern is a bug. */
static void
patterns(void)
{
	PCRE2_UCHAR	 buf[256];
	PCRE2_SIZE	 off;
	int		 i, err;

	if (md != NULL)
		return;
	for (i = 0; i < PAT__MAX; i++) {
		re[i] = pcre2_compile((PCRE2_SPTR)pat_src[i],
		    PCRE2_ZERO_TERMINATED, PCRE2_CASELESS | PCRE2_UTF |
		    PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
		if (re[i] == NULL) {
			pcre2_get_error_message(err, buf, sizeof(buf));
			fprintf(stderr, "internal error: logscan pattern %d"
			    " at %zu: %s\n", i, (size_t)off, (char *)buf);
			abort();
		}
		(void)pcre2_jit_compile(re[i], PCRE2_JIT_COMPLETE);
	}
	for (i = 0; i < (int)(sizeof(err_grams) / sizeof(err_grams[0]));
	    i++) {
		uint32_t h = GRAM_HASH(gram(err_grams[i]));

		gram_set[h >> 3] |= (unsigned char)(1u << (h & 7));
	}
	md = pcre2_match_data_create(4, NULL);
	mctx = pcre2_match_context_create(NULL);
	if (md == NULL || mctx == NULL) {
		fputs("kbsearch: out of memory\n", stderr);
		exit(2);
	}
	pcre2_set_match_limit(mctx, KB_PCRE_MATCH_LIMIT);
}

/*
 * Matches pattern p against s[0..n); stores the end of the match in *end
 * when end is not NULL.  Returns 1 on a match, else 0 (a match limit hit
 * is "no match", reported once).
 */
static int
match(struct logscan *ls, enum pat p, const char *s, size_t n, size_t *end)
{
	int	 rc;

	rc = pcre2_match(re[p], (PCRE2_SPTR)s, n, 0, 0, md, mctx);
	if (rc > 0) {
		if (end != NULL)
			*end = pcre2_get_ovector_pointer(md)[1];
		return 1;
	}
	if (rc == PCRE2_ERROR_MATCHLIMIT && !ls->limit_hit) {
		ls->limit_hit = 1;
		msg_warn("a log line hit the pattern match limit (%d);"
		    " such lines count as not matching", KB_PCRE_MATCH_LIMIT);
	}
	return 0;
}

/* Four bytes at s, ASCII letters folded to lower case (and a few others
 * moved alike, which only adds false hits). */
static uint32_t
gram(const char *s)
{
	uint32_t	 w;

	memcpy(&w, s, sizeof(w));
	return w | 0x20202020u;
}

/* Zero when s[0..n) cannot match PAT_ERROR. */
static int
maybe_error(const char *s, size_t n)
{
	size_t		 i;
	uint32_t	 h;

	for (i = 0; i + 4 <= n; i++) {
		h = GRAM_HASH(gram(s + i));
		if (gram_set[h >> 3] & (1u << (h & 7)))
			return 1;
		if (s[i] == '0' && (s[i + 1] | 0x20) == 'x')
			return 1;
	}
	return 0;
}

struct logscan *
logscan_new(void)
{
	struct logscan	*ls = xcalloc(1, sizeof(*ls));
	size_t		 i;

	patterns();
	ls->index = xmalloc(KB_INDEX_SLOTS * sizeof(*ls->index));
	for (i = 0; i < KB_INDEX_SLOTS; i++)
		ls->index[i] = -1;
	ls->paste_ok = 1;
	return ls;
}

/* FNV-1a: cheap, and good enough to spread signatures over the index. */
static uint64_t
hash_str(const char *s)
{
	uint64_t	 h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static int
is_blank(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * Nonzero when the prefix s[0..n) holds a time ("08:15:44"): a log entry
 * of its own, where "Error [5]:" only starts a console message.
 */
static int
has_time(const char *s, size_t n)
{
	size_t	 i;

	for (i = 1; i + 1 < n; i++)
		if (s[i] == ':' && isdigit((unsigned char)s[i - 1]) &&
		    isdigit((unsigned char)s[i + 1]))
			return 1;
	return 0;
}

/* A row of a table or a "Name      : value" listing: 3 wide gaps. */
static int
is_table(const char *s, size_t n)
{
	size_t	 i;
	int	 gaps = 0;

	for (i = 1; i + 1 < n; i++)
		if (s[i] == ' ' && s[i + 1] == ' ' && s[i - 1] != ' ')
			gaps++;
	for (i = 0; i + 3 < n; i++)
		if (memcmp(s + i, "  : ", 4) == 0)
			return 1;
	return gaps >= 3 || memchr(s, '\t', n) != NULL;
}

/* Prose that explains an error above it: three words, no columns. */
static int
is_sentence(const char *s, size_t n)
{
	size_t	 i;
	int	 words = 0;

	if (isspace((unsigned char)s[0]) || is_table(s, n))
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] == ' ' && i > 0 && s[i - 1] != ' ')
			words++;
	return words >= 2;
}

/*
 * An Event Viewer "Key: value" line: stores the key (letters and spaces,
 * trimmed) in *key and *klen.  Returns the offset of the value, or 0.
 */
static int
event_key(const char *s, size_t n, const char **key, size_t *klen)
{
	size_t	 i = 0, k;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	k = i;
	while (i < n && i - k < 24 && (isalpha((unsigned char)s[i]) ||
	    s[i] == ' ' || s[i] == '[' || s[i] == ']' ||
	    isdigit((unsigned char)s[i])))
		i++;
	if (i == k || i >= n || s[i] != ':')
		return 0;
	*key = s + k;
	*klen = i - k;
	while (*klen > 0 && s[k + *klen - 1] == ' ')
		(*klen)--;
	return (int)i + 1;
}

#define KEY_IS(k, kl, lit) \
	((kl) == sizeof(lit) - 1 && strncasecmp((k), (lit), (kl)) == 0)

/* Nonzero when s opens a new Event Viewer record. */
static int
starts_record(const struct logscan *ls, const char *s, size_t n)
{
	const char	*k;
	size_t		 kl;

	if (event_key(s, n, &k, &kl) == 0)
		return 0;
	if (kl > 7 && strncmp(k, "Event[", 6) == 0 && k[kl - 1] == ']')
		return 1;
	/* wevtutil: "Log Name:" right after "Event[N]:" is the same one */
	if (KEY_IS(k, kl, "log name") || KEY_IS(k, kl, "event type"))
		return !(ls->rec.active && ls->rec.fields == 0 &&
		    !ls->rec.in_desc);
	return 0;
}

/* Appends s[0..n) to sb, a space between parts, within KB_MSG_MAX. */
static void
add_capped(struct strbuf *sb, const char *s, size_t n, char sep)
{
	if (sb->len >= KB_MSG_MAX)
		return;
	if (sb->len > 0)
		sb_addc(sb, sep);
	if (n > KB_MSG_MAX - sb->len)
		n = KB_MSG_MAX - sb->len;
	sb_add(sb, s, n);
}

/*
 * Handles s as part of an Event Viewer record.  Returns 1 when it was, 0
 * when the record is over and s is a plain line.
 */
static int
feed_record(struct logscan *ls, const char *s, size_t n, long lineno)
{
	struct rec	*r = &ls->rec;
	const char	*k, *v;
	size_t		 kl, vl, at;

	if (starts_record(ls, s, n)) {
		flush_msg(ls);
		flush_rec(ls);
		r->active = 1;
		r->line = lineno;
		if (event_key(s, n, &k, &kl) > 0 && k[kl - 1] == ']')
			return 1;
	} else if (!r->active)
		return 0;
	if (!r->in_desc && (at = (size_t)event_key(s, n, &k, &kl)) > 0) {
		v = s + at;
		vl = n - at;
		while (vl > 0 && isspace((unsigned char)*v)) {
			v++;
			vl--;
		}
		r->fields++;
		if (KEY_IS(k, kl, "source") || KEY_IS(k, kl, "event source"))
			add_capped(&r->source, v, vl, ' ');
		else if (KEY_IS(k, kl, "event id"))
			add_capped(&r->id, v, vl, ' ');
		else if (KEY_IS(k, kl, "level") ||
		    KEY_IS(k, kl, "event type") || KEY_IS(k, kl, "keywords"))
			add_capped(&r->level, v, vl, ' ');
		else if (KEY_IS(k, kl, "description")) {
			r->in_desc = 1;
			if (!is_blank(v, vl))
				add_capped(&r->desc, v, vl, '\n');
		}
		return 1;
	}
	if (is_blank(s, n))
		return 1;
	if (r->in_desc && (++r->desc_lines > KB_DESC_LINES ||
	    match(ls, PAT_PROMPT, s, n, NULL) ||
	    (match(ls, PAT_PREFIX, s, n, &at) && at > 0))) {
		flush_rec(ls);
		return 0;
	}
	r->in_desc = 1;
	add_capped(&r->desc, s, n, '\n');
	return 1;
}

/*
 * Ends the open record: unless its level is benign and no word of it is
 * an error, its source, event id and description become one message.
 */
static void
flush_rec(struct logscan *ls)
{
	struct rec	*r = &ls->rec;
	struct strbuf	 sb = { 0 };
	char		*lv, *p;
	int		 bad;

	if (!r->active)
		return;
	lv = xstrdup(sb_str(&r->level));
	for (p = lv; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	/* "Audit Failure" is a keyword, not a level, but as telling */
	bad = strstr(lv, "error") != NULL || strstr(lv, "critical") != NULL ||
	    strstr(lv, "warning") != NULL || strstr(lv, "fail") != NULL ||
	    match(ls, PAT_ERROR, sb_str(&r->desc), r->desc.len, NULL);
	if (bad && (r->desc.len > 0 || r->id.len > 0)) {
		if (r->source.len > 0)
			sb_addf(&sb, "%s ", r->source.buf);
		if (r->id.len > 0)
			sb_addf(&sb, "Event ID %s", r->id.buf);
		if (sb.len > 0)
			sb_addc(&sb, '\n');
		sb_add(&sb, sb_str(&r->desc), r->desc.len);
		add_group(ls, sb.buf, sb.len, r->line, NULL);
	}
	free(lv);
	sb_release(&sb);
	sb_release(&r->source);
	sb_release(&r->id);
	sb_release(&r->level);
	sb_release(&r->desc);
	memset(r, 0, sizeof(*r));
}

/* Ends the open message: it becomes a group. */
static void
flush_msg(struct logscan *ls)
{
	struct msg	*m = &ls->msg;

	if (m->open)
		add_group(ls, m->text.buf, m->text.len, m->line,
		    ls->cmd.len > 0 ? ls->cmd.buf : NULL);
	sb_reset(&m->text);
	m->open = 0;
}

/* A line outside records: opens, continues or ends a message. */
static void
feed_plain(struct logscan *ls, const char *s, size_t n, long lineno)
{
	struct msg	*m = &ls->msg;
	size_t		 pre = 0;
	int		 err, has_pre;

	if (is_blank(s, n)) {
		if (m->open && (m->prefixed || ++m->blanks > 1))
			flush_msg(ls);
		return;
	}
	err = maybe_error(s, n) && match(ls, PAT_ERROR, s, n, NULL);
	if (!err && !m->open)
		return;
	if (match(ls, PAT_PROMPT, s, n, NULL)) {
		flush_msg(ls);
		return;
	}
	has_pre = match(ls, PAT_PREFIX, s, n, &pre) && pre > 0;
	if (m->open) {
		/*
		 * The rest of a log entry has no prefix of its own; the
		 * next sentence of a console error is prose or an error.
		 */
		if (m->nlines < KB_MSG_LINES && (m->prefixed ?
		    !has_pre && m->blanks == 0 :
		    (err && !has_time(s, pre)) ||
		    (!has_pre && is_sentence(s, n)))) {
			/* console text keeps its "Error [5]:" */
			if (!m->prefixed)
				pre = 0;
			while (pre < n && isspace((unsigned char)s[pre]))
				pre++;
			add_capped(&m->text, s + pre, n - pre, '\n');
			m->nlines++;
			m->blanks = 0;
			return;
		}
		flush_msg(ls);
		if (!err)
			return;
	}
	while (pre < n && isspace((unsigned char)s[pre]))
		pre++;
	m->open = 1;
	m->prefixed = has_pre;
	m->nlines = 1;
	m->blanks = 0;
	m->line = lineno;
	add_capped(&m->text, s + pre, n - pre, '\n');
}

/*
 * Commands that show a file or a log rather than say something of their
 * own: what follows them comes from whatever wrote that file.  Sorted,
 * lower case, for bsearch().
 */
static const char *const viewers[] = {
	"awk", "cat", "cd", "dir", "dmesg", "echo", "egrep", "fgrep",
	"findstr", "gc", "get-content", "get-eventlog", "get-winevent",
	"grep", "head", "journalctl", "less", "ls", "more", "printf", "sed",
	"select-string", "sls", "sort", "tail", "tee", "type", "uniq",
	"wevtutil", "zcat", "zgrep", "zless"
};

static int
viewer_cmp(const void *k, const void *e)
{
	return strcmp(k, *(const char *const *)e);
}

/*
 * Keeps the command typed after a shell prompt, s[0..n) ("git" in "git
 * push origin main", after "sudo"): the program whose output follows,
 * unless it only shows a file.  Too long a name is no program name.
 */
static void
prompt_command(struct logscan *ls, const char *s, size_t n)
{
	char	 name[KB_CMD_MAX + 1];
	size_t	 i = 0, j, len;

	sb_reset(&ls->cmd);
	for (;;) {
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		for (len = 0; i + len < n && (isalnum((unsigned char)s[i + len])
		    || s[i + len] == '-' || s[i + len] == '_' ||
		    s[i + len] == '.'); len++)
			;
		if (len == 0 || len > KB_CMD_MAX)
			return;
		for (j = 0; j < len; j++)
			name[j] = (char)tolower((unsigned char)s[i + j]);
		name[len] = '\0';
		if (strcmp(name, "sudo") != 0)
			break;
		i += len;
	}
	if (bsearch(name, viewers, sizeof(viewers) / sizeof(viewers[0]),
	    sizeof(viewers[0]), viewer_cmp) != NULL)
		return;
	sb_add(&ls->cmd, s + i, len);
	if (ls->cmd1 == NULL)
		ls->cmd1 = xstrdup(ls->cmd.buf);
}

void
logscan_line(struct logscan *ls, const char *s, size_t n, long lineno)
{
	size_t	 pre;

	ls->nlines++;
	if (ls->paste_ok) {
		if (ls->nlines > KB_PASTE_LINES ||
		    ls->paste.len + n + 1 > KB_PASTE_MAX) {
			ls->paste_ok = 0;
			sb_release(&ls->paste);
		} else {
			size_t	 end;
			int	 prompt;

			/*
			 * Time stamps, hosts and program tags are kept out
			 * of the paste matched as a whole, as out of each
			 * message: "app[9]:" is no word of the error.
			 */
			if (!match(ls, PAT_PREFIX, s, n, &pre))
				pre = 0;
			sb_add(&ls->paste, s + pre, n - pre);
			sb_addc(&ls->paste, '\n');
			/*
			 * Shell prompts: in console transcripts, not logs.
			 * A prompt ends the message before it, which keeps
			 * the command it had.
			 */
			if ((prompt = match(ls, PAT_PROMPT, s, n, &end))) {
				flush_msg(ls);
				prompt_command(ls, s + end, n - end);
			}
			if (!ls->structured && !is_blank(s, n) &&
			    (is_table(s, n) || pre > 0 || prompt ||
			    starts_record(ls, s, n) ||
			    (s[0] == '#' && n > 1 && isalpha((unsigned char)s[1]))))
				ls->structured = 1;
		}
	}
	if ((ls->rec.active || starts_record(ls, s, n)) &&
	    feed_record(ls, s, n, lineno))
		return;
	feed_plain(ls, s, n, lineno);
}

/*
 * Masks text and counts it in its group, making the group if there is
 * room, else counting it among the distinct signatures not held.
 */
static void
add_group(struct logscan *ls, const char *text, size_t len, long line,
    const char *cmd)
{
	struct logscan_group *g;
	char		*clean, *sig;
	uint64_t	 h;
	size_t		 slot;
	int32_t		 i;

	if (len > KB_MSG_MAX)
		len = KB_MSG_MAX;
	clean = normalize_clean(text, len);
	clean[utf8_prefix(clean, KB_MSG_MAX)] = '\0';
	sig = normalize_text(clean);
	if (str_blank(sig)) {
		free(clean);
		free(sig);
		return;
	}
	h = hash_str(sig);
	for (slot = h & (KB_INDEX_SLOTS - 1); (i = ls->index[slot]) != -1;
	    slot = (slot + 1) & (KB_INDEX_SLOTS - 1)) {
		if (ls->hash[i] == h && strcmp(ls->g[i].sig, sig) == 0) {
			ls->g[i].count++;
			free(clean);
			free(sig);
			return;
		}
	}
	if (ls->n >= KB_GROUPS_MAX) {
		free(clean);
		free(sig);
		if (ls->over == NULL)
			ls->over = xcalloc(KB_OVERFLOW_SLOTS, sizeof(*ls->over));
		if (h == 0)
			h = 1;
		/* past 3/4 full, every new message counts as distinct */
		if (ls->nover >= KB_OVERFLOW_SLOTS / 4 * 3) {
			ls->nover++;
			return;
		}
		for (slot = h & (KB_OVERFLOW_SLOTS - 1); ls->over[slot] != 0;
		    slot = (slot + 1) & (KB_OVERFLOW_SLOTS - 1))
			if (ls->over[slot] == h)
				return;
		ls->over[slot] = h;
		ls->nover++;
		return;
	}
	if (ls->n == ls->cap) {
		xgrow((void **)&ls->g, &ls->cap, ls->n + 1, sizeof(*ls->g));
		ls->hash = xreallocarray(ls->hash, ls->cap, sizeof(*ls->hash));
	}
	g = &ls->g[ls->n];
	g->text = clean;
	g->sig = sig;
	g->line = line;
	g->count = 1;
	g->cmd = cmd != NULL ? xstrdup(cmd) : NULL;
	ls->hash[ls->n] = h;
	ls->index[slot] = (int32_t)ls->n;
	ls->n++;
}

void
logscan_finish(struct logscan *ls)
{
	size_t	 i;

	flush_msg(ls);
	flush_rec(ls);
	if (!ls->paste_ok || ls->structured || ls->nlines > KB_DIALOG_LINES ||
	    str_blank(sb_str(&ls->paste)))
		return;
	/* a dialog: its lines are one message, whatever they say */
	for (i = 0; i < ls->n; i++) {
		free(ls->g[i].text);
		free(ls->g[i].sig);
		free(ls->g[i].cmd);
	}
	ls->n = 0;
	for (i = 0; i < KB_INDEX_SLOTS; i++)
		ls->index[i] = -1;
	add_group(ls, ls->paste.buf, ls->paste.len, 1, NULL);
	ls->paste_ok = 0;
}

struct logscan_group *
logscan_groups(struct logscan *ls, size_t *n)
{
	*n = ls->n;
	return ls->g;
}

unsigned long
logscan_more(const struct logscan *ls)
{
	return ls->nover;
}

const struct logscan_group *
logscan_paste(struct logscan *ls)
{
	if (!ls->paste_ok || str_blank(sb_str(&ls->paste)))
		return NULL;
	if (ls->whole.text == NULL) {
		ls->whole.text = normalize_clean(ls->paste.buf, ls->paste.len);
		ls->whole.sig = normalize_text(ls->whole.text);
		ls->whole.line = 1;
		ls->whole.count = 1;
		ls->whole.cmd = ls->cmd1;
		ls->cmd1 = NULL;
	}
	return &ls->whole;
}

void
logscan_free(struct logscan *ls)
{
	size_t	 i;

	if (ls == NULL)
		return;
	for (i = 0; i < ls->n; i++) {
		free(ls->g[i].text);
		free(ls->g[i].sig);
		free(ls->g[i].cmd);
	}
	free(ls->g);
	free(ls->hash);
	free(ls->index);
	free(ls->over);
	sb_release(&ls->rec.source);
	sb_release(&ls->rec.id);
	sb_release(&ls->rec.level);
	sb_release(&ls->rec.desc);
	sb_release(&ls->msg.text);
	sb_release(&ls->cmd);
	sb_release(&ls->paste);
	free(ls->whole.text);
	free(ls->whole.sig);
	free(ls->whole.cmd);
	free(ls->cmd1);
	free(ls);
}
