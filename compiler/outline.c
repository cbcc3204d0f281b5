/* SPDX-License-Identifier: MIT */
/*
 * Stage 3 of the compiler: the outline.  Splits the top-level blocks of a
 * cmark tree into sections at each heading, finds each section's anchor
 * (Tencent [](id:x), <a id/name>, {#x}, else a GitHub-style slug made
 * unique), and turns plain-text pages into markdown before parsing.
 */
#include <cmark-gfm.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "card.h"
#include "lexicon.h"
#include "msg.h"
#include "outline.h"
#include "util.h"

/* Longest stand-alone line of plain text read as a heading, in bytes. */
#define PLAIN_HEADING_MAX	((size_t)120)

struct anchor_seen {
	char	*id;		/* anchor already given out */
	int	 line;		/* where */
};

static char	*html_anchor(const char *);
static void	 heading_text(cmark_node *, struct strbuf *, char **);
static char	*para_anchor(cmark_node *);
static char	*slug(const char *);
static char	*unique(struct anchor_seen **, size_t *, size_t *,
		    const char *, int, int, const char *);

/*
 * Appends a code span without the markdown escapes some writers put in
 * it anyway ("SCARD\_E\_NO\_SERVICE", "AWSSupport\-TroubleshootRDP").
 * Only a backslash before markdown punctuation goes, and never in a
 * path: "\\server", "C:\Windows" and "..\.." stay as they are.
 */
void
outline_add_code(struct strbuf *sb, const char *s)
{
	const char	*start = s;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0' && s[1] != '\\' &&
		    strchr("_-.*()[]#+!<>`|{}", s[1]) != NULL &&
		    (s[1] != '.' || ((s == start || s[-1] != '.') &&
		    s[2] != '.' && s[2] != '\\')))
			s++;
		sb_addc(sb, *s);
	}
}

void
outline_text(cmark_node *node, struct strbuf *sb)
{
	cmark_node	*c;
	const char	*lit;

	for (c = cmark_node_first_child(node); c != NULL;
	    c = cmark_node_next(c)) {
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
			lit = cmark_node_get_literal(c);
			if (lit != NULL)
				sb_adds(sb, lit);
			break;
		case CMARK_NODE_CODE:
			lit = cmark_node_get_literal(c);
			if (lit != NULL)
				outline_add_code(sb, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
			sb_addc(sb, ' ');
			break;
		case CMARK_NODE_LINEBREAK:
			sb_addc(sb, '\n');
			break;
		case CMARK_NODE_HTML_INLINE:
			lit = cmark_node_get_literal(c);
			if (lit != NULL && strncasecmp(lit, "<br", 3) == 0)
				sb_addc(sb, ' ');
			break;
		default:
			outline_text(c, sb);
			break;
		}
	}
}

/* The id in <a id="x"> or <a name="x">, or NULL; caller frees. */
static char *
html_anchor(const char *html)
{
	const char	*p, *q;
	char		 quote;

	if (html == NULL || strncasecmp(html, "<a ", 3) != 0)
		return NULL;
	p = strstr(html, "id=");
	if (p == NULL)
		p = strstr(html, "name=");
	if (p == NULL)
		return NULL;
	p += *p == 'i' ? strlen("id=") : strlen("name=");
	quote = *p;
	if (quote != '"' && quote != '\'')
		return NULL;
	q = strchr(p + 1, quote);
	if (q == NULL || q == p + 1)
		return NULL;
	return xstrndup(p + 1, (size_t)(q - p - 1));
}

/*
 * The id of a paragraph that is nothing but "<a id="x"></a>": cmark reads
 * that line as inline HTML in a paragraph, not as an HTML block, since
 * the closing tag shares the line.  NULL otherwise; caller frees.
 */
static char *
para_anchor(cmark_node *p)
{
	cmark_node	*c;
	char		*id = NULL;

	if (cmark_node_get_type(p) != CMARK_NODE_PARAGRAPH)
		return NULL;
	for (c = cmark_node_first_child(p); c != NULL; c = cmark_node_next(c)) {
		if (cmark_node_get_type(c) == CMARK_NODE_HTML_INLINE) {
			if (id == NULL)
				id = html_anchor(cmark_node_get_literal(c));
			continue;
		}
		if (cmark_node_get_type(c) == CMARK_NODE_TEXT &&
		    str_blank(cmark_node_get_literal(c)))
			continue;
		free(id);
		return NULL;
	}
	return id;
}

/*
 * The text of a heading without its anchor markup; *id receives an
 * explicit id when the heading carries one.
 */
static void
heading_text(cmark_node *h, struct strbuf *sb, char **id)
{
	cmark_node	*c;
	const char	*url;
	char		*a, *brace, *end;

	for (c = cmark_node_first_child(h); c != NULL;
	    c = cmark_node_next(c)) {
		if (cmark_node_get_type(c) == CMARK_NODE_LINK &&
		    (url = cmark_node_get_url(c)) != NULL &&
		    strncmp(url, "id:", 3) == 0 &&
		    cmark_node_first_child(c) == NULL) {
			if (*id == NULL && url[3] != '\0')
				*id = xstrdup(url + 3);
			continue;
		}
		if (cmark_node_get_type(c) == CMARK_NODE_HTML_INLINE) {
			a = html_anchor(cmark_node_get_literal(c));
			if (a != NULL && *id == NULL)
				*id = a;
			else
				free(a);
			continue;
		}
		if (cmark_node_get_type(c) == CMARK_NODE_TEXT) {
			const char *lit = cmark_node_get_literal(c);

			sb_adds(sb, lit ? lit : "");
		} else if (cmark_node_get_type(c) == CMARK_NODE_CODE) {
			const char *lit = cmark_node_get_literal(c);

			outline_add_code(sb, lit ? lit : "");
		} else if (cmark_node_get_type(c) == CMARK_NODE_SOFTBREAK)
			sb_addc(sb, ' ');
		else {
			struct strbuf inner = { 0 };

			outline_text(c, &inner);
			sb_adds(sb, sb_str(&inner));
			sb_release(&inner);
		}
	}
	if (sb->buf == NULL)
		sb_adds(sb, "");
	/* a trailing {#id} attribute */
	end = sb->buf + sb->len;
	while (end > sb->buf && isspace((unsigned char)end[-1]))
		end--;
	if (end > sb->buf && end[-1] == '}' &&
	    (brace = strstr(sb->buf, "{#")) != NULL && brace < end - 2) {
		if (*id == NULL)
			*id = xstrndup(brace + 2, (size_t)(end - 1 - brace - 2));
		*brace = '\0';
		sb->len = (size_t)(brace - sb->buf);
	}
	str_squeeze(sb->buf);
	sb->len = strlen(sb->buf);
}

/* GitHub-style slug: lower case, punctuation dropped, spaces to '-'. */
static char *
slug(const char *s)
{
	struct strbuf	 sb = { 0 };
	unsigned char	 c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c >= 0x80 || isalnum(c) || c == '_' || c == '-')
			sb_addc(&sb, (char)tolower(c));
		else if (c == ' ')
			sb_addc(&sb, '-');
	}
	return sb_detach(&sb);
}

/*
 * Returns a copy of want, or want-1, want-2... if it was given out
 * already; an explicit id used twice is reported.
 */
static char *
unique(struct anchor_seen **seen, size_t *n, size_t *cap, const char *want,
    int is_explicit, int line, const char *name)
{
	struct strbuf	 sb = { 0 };
	size_t		 i, k = 0;
	int		 clash;

	sb_adds(&sb, want);
	for (;;) {
		clash = 0;
		for (i = 0; i < *n; i++) {
			if (strcasecmp((*seen)[i].id, sb.buf) == 0) {
				clash = 1;
				break;
			}
		}
		if (!clash)
			break;
		if (k == 0 && is_explicit)
			msg_report(MSG_WARNING, name, line, 1, "duplicate id "
			    "'%s', first used on line %d; the first is kept",
			    want, (*seen)[i].line);
		sb_reset(&sb);
		sb_addf(&sb, "%s-%zu", want, ++k);
	}
	xgrow((void **)seen, cap, *n + 1, sizeof(**seen));
	(*seen)[*n].id = xstrdup(sb.buf);
	(*seen)[*n].line = line;
	(*n)++;
	return sb_detach(&sb);
}

int
outline_build(cmark_node *root, const char *name, struct outline *o)
{
	struct anchor_seen *seen = NULL;
	size_t		 nseen = 0, capseen = 0, i;
	struct outline_section *s;
	struct strbuf	 text = { 0 };
	cmark_node	*b;
	char		*id, *pending = NULL, *a;
	int		 level, p;

	memset(o, 0, sizeof(*o));
	xgrow((void **)&o->v, &o->cap, 1, sizeof(*o->v));
	s = &o->v[o->n++];
	memset(s, 0, sizeof(*s));
	s->heading = xstrdup("");
	s->anchor = xstrdup("");
	s->line = 1;
	s->parent = -1;
	s->first = cmark_node_first_child(root);

	for (b = cmark_node_first_child(root); b != NULL;
	    b = cmark_node_next(b)) {
		if ((cmark_node_get_type(b) == CMARK_NODE_HTML_BLOCK &&
		    (a = html_anchor(cmark_node_get_literal(b))) != NULL) ||
		    (a = para_anchor(b)) != NULL) {
			/* <a id="x"></a> on the line before a heading */
			free(pending);
			pending = a;
			continue;
		}
		if (cmark_node_get_type(b) != CMARK_NODE_HEADING) {
			if (cmark_node_get_type(b) != CMARK_NODE_HTML_BLOCK) {
				free(pending);
				pending = NULL;
			}
			continue;
		}
		level = cmark_node_get_heading_level(b);
		id = NULL;
		sb_reset(&text);
		heading_text(b, &text, &id);
		if (id == NULL) {
			id = pending;
			pending = NULL;
		}
		/* the previous section's body ends here */
		o->v[o->n - 1].end = b;
		xgrow((void **)&o->v, &o->cap, o->n + 1, sizeof(*o->v));
		s = &o->v[o->n];
		memset(s, 0, sizeof(*s));
		s->heading = xstrdup(text.buf);
		s->level = level;
		s->line = cmark_node_get_start_line(b);
		s->first = cmark_node_next(b);
		s->role = -1;
		/* the parent is the nearest earlier section of lower level */
		for (p = (int)o->n - 1; p > 0 && o->v[p].level >= level; p--)
			;
		s->parent = p;
		if (id != NULL) {
			s->anchor = unique(&seen, &nseen, &capseen, id, 1,
			    s->line, name);
			free(id);
		} else {
			char	*sl = slug(text.buf);

			s->anchor = unique(&seen, &nseen, &capseen,
			    *sl ? sl : "section", 0, s->line, name);
			free(sl);
		}
		o->n++;
	}
	o->v[0].role = -1;
	for (i = 0; i < nseen; i++)
		free(seen[i].id);
	free(seen);
	free(pending);
	sb_release(&text);
	return 0;
}

void
outline_release(struct outline *o)
{
	size_t	 i;

	for (i = 0; i < o->n; i++) {
		free(o->v[i].heading);
		free(o->v[i].anchor);
	}
	free(o->v);
	memset(o, 0, sizeof(*o));
}

int
outline_is_markdown(const char *text)
{
	const char	*p = text;

	for (;;) {
		if (*p == '#') {
			while (*p == '#')
				p++;
			if (*p == ' ')
				return 1;
		}
		if ((p = strchr(p, '\n')) == NULL)
			return 0;
		p++;
	}
}

/* Appends line to sb with markdown's special characters escaped. */
static void
add_escaped(struct strbuf *sb, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (strchr("\\*_[]<>`&#|!", s[i]) != NULL)
			sb_addc(sb, '\\');
		sb_addc(sb, s[i]);
	}
}

struct plain_line {
	const char	*s;		/* text without indentation */
	size_t		 len;		/* its length without trailing space */
	int		 indent;	/* columns of indentation */
	int		 blank;		/* nothing but white space */
};

/* Length of a list marker at s ("1. ", "• ", "- "), or 0. */
static size_t
list_marker(const char *s, size_t len, int *ordered)
{
	size_t	 i = 0;

	while (i < len && isdigit((unsigned char)s[i]))
		i++;
	if (i > 0 && i < 4 && i + 1 < len && (s[i] == '.' || s[i] == ')') &&
	    s[i + 1] == ' ') {
		*ordered = 1;
		return i + 2;
	}
	*ordered = 0;
	if (len > 4 && strncmp(s, "\xe2\x80\xa2", 3) == 0 && s[3] == ' ')
		return 4;			/* U+2022 bullet */
	if (len > 3 && strncmp(s, "\xc2\xb7", 2) == 0 && s[2] == ' ')
		return 3;			/* U+00B7 middle dot */
	if (len > 2 && (s[0] == '-' || s[0] == '*') && s[1] == ' ')
		return 2;
	return 0;
}

char *
outline_recover_plain(const char *text, size_t *outlen)
{
	struct plain_line *v = NULL;
	size_t		 n = 0, cap = 0, i, k, mlen, wlen;
	struct strbuf	 out = { 0 };
	const char	*p = text, *eol;
	int		 stack[16], depth = 0, ordered, in_alert = 0;
	int		 have_title = 0, words, col, lead;
	char		*line;

	while (*p != '\0') {
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		xgrow((void **)&v, &cap, n + 1, sizeof(*v));
		col = 0;
		while (p < eol && (*p == ' ' || *p == '\t')) {
			col += *p == '\t' ? 4 : 1;
			p++;
		}
		v[n].s = p;
		v[n].len = (size_t)(eol - p);
		while (v[n].len > 0 && isspace((unsigned char)p[v[n].len - 1]))
			v[n].len--;
		/* a no-break space alone still counts as blank */
		v[n].blank = v[n].len == 0 ||
		    (v[n].len == 2 && strncmp(p, "\xc2\xa0", 2) == 0);
		v[n].indent = col;
		n++;
		p = *eol ? eol + 1 : eol;
	}
	for (i = 0; i < n; i++) {
		struct plain_line *l = &v[i];
		int	 alone = !l->blank && (i == 0 || v[i - 1].blank) &&
		    (i + 1 == n || v[i + 1].blank);

		if (l->blank) {
			/* a blank line inside an alert keeps it open */
			if (in_alert == 2)
				in_alert = 0;
			if (in_alert == 1) {
				for (k = 0; k < (size_t)depth; k++)
					sb_adds(&out, "    ");
				sb_adds(&out, ">\n");
			} else
				sb_addc(&out, '\n');
			continue;
		}
		line = xstrndup(l->s, l->len);
		for (words = 1, k = 0; k < l->len; k++)
			words += l->s[k] == ' ';
		mlen = list_marker(l->s, l->len, &ordered);
		if (alone && mlen == 0 && l->len <= PLAIN_HEADING_MAX &&
		    (lexicon_step_line(line) ||
		    (lexicon_heading(line) >= 0 && words <= 6))) {
			depth = 0;
			in_alert = 0;
			sb_adds(&out, lexicon_step_line(line) ? "### " : "## ");
			add_escaped(&out, l->s, l->len);
			sb_addc(&out, '\n');
			free(line);
			continue;
		}
		if (alone && !have_title && mlen == 0 && words >= 4 &&
		    l->len <= PLAIN_HEADING_MAX * 2 && l->s[l->len - 1] != '.') {
			/* the page title: the first stand-alone long line */
			lead = l->s[0] == ':';
			have_title = 1;
			depth = 0;
			sb_adds(&out, "# ");
			add_escaped(&out, l->s + lead, l->len - lead);
			sb_addc(&out, '\n');
			free(line);
			continue;
		}
		if (mlen > 0) {
			while (depth > 0 && stack[depth - 1] > l->indent)
				depth--;
			if (depth > 0 && stack[depth - 1] == l->indent)
				depth--;
			if (depth < 16)
				stack[depth++] = l->indent;
			for (k = 1; k < (size_t)depth; k++)
				sb_adds(&out, "    ");
			if (ordered)
				sb_add(&out, l->s, mlen);
			else
				sb_adds(&out, "- ");
			add_escaped(&out, l->s + mlen, l->len - mlen);
			sb_addc(&out, '\n');
			in_alert = 0;
			free(line);
			continue;
		}
		/* continuation text: inside the deepest list it is indented in */
		while (depth > 0 && stack[depth - 1] >= l->indent)
			depth--;
		for (k = 0; k < (size_t)depth; k++)
			sb_adds(&out, "    ");
		if (alone && lexicon_alert_word(line)) {
			wlen = l->len;
			while (wlen > 0 && l->s[wlen - 1] == ':')
				wlen--;
			sb_adds(&out, "> [!");
			for (k = 0; k < wlen; k++)
				sb_addc(&out, (char)toupper((unsigned char)
				    l->s[k]));
			sb_adds(&out, "]\n");
			in_alert = 1;
			free(line);
			continue;
		}
		if (in_alert) {
			sb_adds(&out, "> ");
			in_alert = 2;
		}
		add_escaped(&out, l->s, l->len);
		sb_addc(&out, '\n');
		free(line);
	}
	free(v);
	*outlen = out.len;
	return sb_detach(&out);
}
