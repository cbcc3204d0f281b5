/* SPDX-License-Identifier: MIT */
/*
 * Stage 5 of the compiler: extraction.  Walks the body blocks of every
 * section, keeping the current role (from the heading, changed by inline
 * labels), and fills the section's card: prose by role, error strings
 * (quoted, bold, announced by "error message:", block quotes and code in
 * symptoms, error-like headings), ordered steps with nesting and alerts
 * attached as notes, links, and at the end the codes of all its text.
 */
#include <cmark-gfm.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "card.h"
#include "classify.h"
#include "extract.h"
#include "lexicon.h"
#include "msg.h"
#include "normalize.h"
#include "outline.h"
#include "parse.h"
#include "util.h"

/* Fewest words in a quoted or bold phrase taken as an error string. */
#define ERR_MIN_WORDS	3
/* A console line this long that ends mid-sentence was wrapped. */
#define CODE_WRAP_MIN	60
/*
 * A message announced by a cue ("the following error message:") is a
 * sentence or two; longer text after a cue is an explanation.
 */
#define CUE_WORDS_MAX	60
/* Lines of a paragraph that can still be one announced message. */
#define CUE_PARA_LINES	3
/* Fewest bytes in an error string: shorter quotes are UI labels. */
#define ERR_MIN_BYTES	12

/* One line of a paragraph, split at soft and hard breaks. */
struct pline {
	struct strbuf	 text;		/* plain text of the line */
	int		 label;		/* role of a leading label, or -1 */
	int		 line;		/* 1-based source line */
	struct strbuf	 bold;		/* bold phrases, NUL-separated */
};

/* Collects the lines and the inline notes (<dx-alert>) of a paragraph. */
struct inl {
	struct pline	*v;		/* lines */
	size_t		 n, cap;
	struct strbuf	 note;		/* text inside inline <dx-alert> */
	int		 in_note;	/* inside <dx-alert> ... </dx-alert> */
	int		 skip_colon;	/* drop the ':' after a label */
	struct kb_card	*card;		/* where links go */
};

/* State while one document is extracted. */
struct ex {
	const char	*name;		/* document name for diagnostics */
	struct kb_card	*card;		/* card being filled */
	int		 role;		/* current role (labels change it) */
	int		 depth;		/* step depth of the section body */
	size_t		 first_step;	/* first step of the current section */
	struct strbuf	 proc;		/* procedure prose, steps if no list */
	int		 proc_line;	/* line of the first procedure prose */
	int		 sect_role;	/* role of the section's own body */
	struct strbuf	 proc_alt;	/* prose of a procedure section that */
	int		 proc_alt_line;	/* opened with a cause: steps if none */
	struct strbuf	 later;		/* procedure prose of sections with */
	int		 later_line;	/* lists or sub-sections: steps if */
	struct strbuf	 later_alt;	/* the card has none, else those */
	int		 later_alt_line; /* from proc_alt */
	int		 warned_long;	/* an error string was cut */
	int		 line_base;	/* added to line numbers of a re-parse */
	int		 cue;		/* the last paragraph announced a message */
	int		 cue_para;	/* this paragraph follows such a cue */
};

static void	 add_error(struct ex *, const char *, size_t, int);
static void	 add_prose(struct ex *, int, const char *, int);
static void	 block(struct ex *, cmark_node *);
static void	 list_errors(struct ex *, cmark_node *);
static int	 card_empty(const struct kb_card *);
static void	 code_errors(struct ex *, const char *, const char *, int);
static int	 context(struct outline *, size_t);
static void	 directive(struct strbuf *);
static void	 errors_in_line(struct ex *, struct pline *, int);
static void	 quoted_errors(struct ex *, struct pline *);
static int	 event_key(const char *, const char **);
static int	 event_log(struct ex *, const char *, int);
static void	 finish_card(struct ex *);
static void	 flush_proc(struct ex *, size_t, int, int);
static void	 prose_steps(struct kb_card *, char *, int, int);
static int	 has_cards_below(struct outline *);
static int	 has_parts(struct outline *, size_t);
static void	 html_block(struct ex *, cmark_node *, struct strbuf *);
static void	 inl_newline(struct inl *, int);
static void	 inl_node(struct inl *, cmark_node *);
static void	 inl_release(struct inl *);
static void	 item_steps(struct ex *, cmark_node *, int);
static int	 line_of(struct ex *, cmark_node *);
static void	 list_steps(struct ex *, cmark_node *, int);
static int	 mentions(const char *, const char *);
static void	 note(struct ex *, const char *);
static char	*note_text(const char *, size_t);
static void	 paragraph(struct ex *, cmark_node *);
static void	 paragraph_lines(struct ex *, cmark_node *, struct inl *);
static char	*strip_tags(const char *);
static void	 table(struct ex *, cmark_node *);
static void	 table_code(struct ex *, const char *, const char *, int);
static int	 words(const char *, size_t);

static int
words(const char *s, size_t n)
{
	size_t	 i;
	int	 w = 0, in = 0;

	for (i = 0; i < n; i++) {
		if (isspace((unsigned char)s[i]))
			in = 0;
		else if (!in) {
			in = 1;
			w++;
		}
	}
	return w;
}

static void
inl_newline(struct inl *in, int line)
{
	struct pline	*l;

	xgrow((void **)&in->v, &in->cap, in->n + 1, sizeof(*in->v));
	l = &in->v[in->n++];
	memset(l, 0, sizeof(*l));
	l->label = -1;
	l->line = line;
}

static void
inl_node(struct inl *in, cmark_node *n)
{
	struct pline	*l = &in->v[in->n - 1];
	struct strbuf	*dst = in->in_note ? &in->note : &l->text;
	struct strbuf	 sb = { 0 };
	const char	*lit, *url;
	cmark_node	*c;
	size_t		 skip;
	int		 role, colon;

	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_TEXT:
	case CMARK_NODE_CODE:
		lit = cmark_node_get_literal(n);
		if (lit == NULL)
			break;
		if (in->skip_colon) {
			while (*lit == ' ')
				lit++;
			if (*lit == ':')
				lit++;
			else if (strncmp(lit, "\xef\xbc\x9a", 3) == 0)
				lit += 3;
			in->skip_colon = 0;
		}
		if (!in->in_note && l->label < 0 && str_blank(l->text.buf) &&
		    cmark_node_get_type(n) == CMARK_NODE_TEXT &&
		    (role = lexicon_text_label(lit, &skip)) >= 0) {
			l->label = role;
			lit += skip;
		}
		if (cmark_node_get_type(n) == CMARK_NODE_CODE)
			outline_add_code(dst, lit);
		else
			sb_adds(dst, lit);
		break;
	case CMARK_NODE_SOFTBREAK:
	case CMARK_NODE_LINEBREAK:
		if (in->in_note)
			sb_addc(&in->note, ' ');
		else
			inl_newline(in, l->line + 1);
		break;
	case CMARK_NODE_STRONG:
		if (!in->in_note && str_blank(l->text.buf) &&
		    (role = classify_label(n, &colon)) >= 0) {
			l->label = role;
			in->skip_colon = colon;
			break;
		}
		outline_text(n, &sb);
		sb_adds(dst, sb_str(&sb));
		if (!in->in_note) {
			sb_add(&l->bold, sb_str(&sb), sb.len);
			sb_addc(&l->bold, '\0');
		}
		sb_release(&sb);
		break;
	case CMARK_NODE_LINK:
		url = cmark_node_get_url(n);
		outline_text(n, &sb);
		if (url != NULL && *url != '\0' && strncmp(url, "id:", 3) != 0)
			kb_card_add_link(in->card, url, sb_str(&sb), l->line);
		sb_release(&sb);
		for (c = cmark_node_first_child(n); c != NULL;
		    c = cmark_node_next(c))
			inl_node(in, c);
		break;
	case CMARK_NODE_HTML_INLINE:
		lit = cmark_node_get_literal(n);
		if (lit == NULL)
			break;
		if (strncasecmp(lit, "<dx-alert", 9) == 0) {
			in->in_note = 1;
			if (in->note.len > 0)
				sb_addc(&in->note, '\n');
		} else if (strncasecmp(lit, "</dx-alert", 10) == 0)
			in->in_note = 0;
		else if (strncasecmp(lit, "<br", 3) == 0)
			sb_addc(dst, ' ');
		break;
	default:
		for (c = cmark_node_first_child(n); c != NULL;
		    c = cmark_node_next(c))
			inl_node(in, c);
		break;
	}
}

static int
line_of(struct ex *ex, cmark_node *n)
{
	return cmark_node_get_start_line(n) + ex->line_base;
}

static void
paragraph_lines(struct ex *ex, cmark_node *para, struct inl *in)
{
	cmark_node	*c;
	size_t		 i;

	memset(in, 0, sizeof(*in));
	in->card = ex->card;
	inl_newline(in, line_of(ex, para));
	for (c = cmark_node_first_child(para); c != NULL;
	    c = cmark_node_next(c))
		inl_node(in, c);
	for (i = 0; i < in->n; i++) {
		if (in->v[i].text.buf == NULL)
			continue;
		str_squeeze(in->v[i].text.buf);
		directive(&in->v[i].text);
	}
	if (in->note.buf != NULL)
		str_squeeze(in->note.buf);
}

/*
 * A Microsoft ":::image ... alt-text="X":::" directive becomes its alt
 * text; other ":::" directive lines are dropped.  Their quoted attribute
 * values must never reach the error strings.
 */
static void
directive(struct strbuf *sb)
{
	const char	*alt, *end;
	char		*t;

	if (sb->len < 3 || strncmp(sb->buf, ":::", 3) != 0)
		return;
	alt = strstr(sb->buf, "alt-text=\"");
	end = alt ? strchr(alt + 10, '"') : NULL;
	t = end ? xstrndup(alt + 10, (size_t)(end - alt - 10)) : xstrdup("");
	sb_reset(sb);
	sb_adds(sb, t);
	free(t);
}

static void
inl_release(struct inl *in)
{
	size_t	 i;

	for (i = 0; i < in->n; i++) {
		sb_release(&in->v[i].text);
		sb_release(&in->v[i].bold);
	}
	free(in->v);
	sb_release(&in->note);
}

/* Text of an HTML block with its tags removed; caller frees. */
static char *
strip_tags(const char *html)
{
	struct strbuf	 sb = { 0 };
	int		 in_tag = 0;

	for (; *html != '\0'; html++) {
		if (*html == '<')
			in_tag = 1;
		else if (*html == '>' && in_tag) {
			in_tag = 0;
			sb_addc(&sb, ' ');
		} else if (!in_tag)
			sb_addc(&sb, *html);
	}
	if (sb.buf != NULL)
		str_squeeze(sb.buf);
	return sb_detach(&sb);
}

/*
 * Stores s[0..n) as an error string after trimming quotes and spaces;
 * too short or too few words is not an error string.
 */
static void
add_error(struct ex *ex, const char *s, size_t n, int line)
{
	char	*t;
	size_t	 len;

	while (n > 0 && (isspace((unsigned char)*s) || *s == '"' ||
	    *s == '\''))
		s++, n--;
	while (n > 0 && (isspace((unsigned char)s[n - 1]) || s[n - 1] == '"'))
		n--;
	if (n < ERR_MIN_BYTES || words(s, n) < ERR_MIN_WORDS)
		return;
	t = xstrndup(s, n);
	str_squeeze(t);
	len = strlen(t);
	if (len > KB_ERRSTR_MAX_BYTES) {
		t[utf8_prefix(t, KB_ERRSTR_MAX_BYTES)] = '\0';
		if (!ex->warned_long)
			msg_report(MSG_WARNING, ex->name, line, 1, "error "
			    "string longer than %d bytes; cut",
			    KB_ERRSTR_MAX_BYTES);
		ex->warned_long = 1;
	}
	kb_card_add_err(ex->card, t, line);
	free(t);
}

/* Phrases in "straight" or “curly” quotes in one line: error strings. */
static void
quoted_errors(struct ex *ex, struct pline *l)
{
	const char	*s = sb_str(&l->text), *p, *q;

	for (p = s; *p != '\0'; p++) {
		if (*p == '"' && (q = strchr(p + 1, '"')) != NULL) {
			add_error(ex, p + 1, (size_t)(q - p - 1), l->line);
			p = q;
		} else if (strncmp(p, "\xe2\x80\x9c", 3) == 0 &&
		    (q = strstr(p + 3, "\xe2\x80\x9d")) != NULL) {
			add_error(ex, p + 3, (size_t)(q - p - 3), l->line);
			p = q + 2;
		}
	}
}

/*
 * Error strings in one line of symptom text: quoted phrases, bold
 * sentences, and what follows "the following error message:".  When the
 * line only announces a message, cue tells that this line is the message.
 */
static void
errors_in_line(struct ex *ex, struct pline *l, int cue)
{
	const char	*s = sb_str(&l->text), *colon;
	const char	*b;
	size_t		 before = ex->card->nerrs, n;

	quoted_errors(ex, l);
	for (b = l->bold.buf; b != NULL && b < l->bold.buf + l->bold.len;
	    b += strlen(b) + 1) {
		n = strlen(b);
		if (words(b, n) > ERR_MIN_WORDS)
			add_error(ex, b, n, l->line);
	}
	if (ex->card->nerrs > before)
		return;
	if (lexicon_error_cue(s) && (colon = strrchr(s, ':')) != NULL &&
	    words(colon + 1, strlen(colon + 1)) >= ERR_MIN_WORDS)
		add_error(ex, colon + 1, strlen(colon + 1), l->line);
	else if (cue && !lexicon_error_cue(s))
		add_error(ex, s, strlen(s), l->line);
}

/* Attaches an alert to the last step of this section, else to the card. */
static void
note(struct ex *ex, const char *text)
{
	if (str_blank(text))
		return;
	if (ex->card->nsteps > ex->first_step)
		kb_card_step_note(ex->card, ex->card->nsteps - 1, text);
	else
		kb_card_add_text(&ex->card->notes, text);
}

static void
add_prose(struct ex *ex, int role, const char *text, int line)
{
	struct kb_card	*c = ex->card;

	switch (role) {
	case ROLE_SYMPTOM:
		kb_card_add_text(&c->symptom, text);
		break;
	case ROLE_CAUSE:
		kb_card_add_text(&c->cause, text);
		break;
	case ROLE_DIAGNOSIS:
		kb_card_add_text(&c->diagnosis, text);
		break;
	case ROLE_PROCEDURE:
		if (ex->proc.len == 0)
			ex->proc_line = line;
		kb_card_add_text(&ex->proc, text);
		break;
	default:
		kb_card_add_text(&c->other, text);
		break;
	}
}

static void
paragraph(struct ex *ex, cmark_node *para)
{
	struct inl	 in;
	size_t		 i, skip;
	int		 cue = 0, r, aside = 0;
	const char	*t;

	paragraph_lines(ex, para, &in);
	t = sb_str(&in.v[0].text);
	if (in.n > 0 && lexicon_alert(t, &skip)) {
		/* a Tencent ">?"-style callout outside a block quote */
		note(ex, t + skip);
		inl_release(&in);
		return;
	}
	if (in.n > 1) {
		struct strbuf all = { 0 };

		for (i = 0; i < in.n; i++) {
			sb_adds(&all, sb_str(&in.v[i].text));
			sb_addc(&all, '\n');
		}
		if (event_log(ex, all.buf, in.v[0].line)) {
			add_prose(ex, ex->role, all.buf, in.v[0].line);
			sb_release(&all);
			inl_release(&in);
			return;
		}
		sb_release(&all);
	}
	for (i = 0; i < in.n; i++) {
		struct pline *l = &in.v[i];

		if (lexicon_metadata(sb_str(&l->text)))
			continue;
		if (l->label >= 0)
			ex->role = l->label;
		else if (i == 0 && (r = lexicon_prose_role(sb_str(&l->text)))
		    >= 0 && (ex->role != ROLE_NOTE ||
		    (r == ROLE_PROCEDURE && ex->card->nsteps == 0))) {
			/*
			 * "This issue occurs because ..." under Symptoms or
			 * Resolution explains its own paragraph; the next
			 * one is the heading's again.
			 */
			aside = r == ROLE_CAUSE && ex->role == ex->sect_role &&
			    (ex->role == ROLE_SYMPTOM ||
			    ex->role == ROLE_PROCEDURE);
			ex->role = r;
		}
		else if (ex->role == ROLE_OTHER &&
		    lexicon_error_cue(sb_str(&l->text)))
			/* "You receive the following error message:" */
			ex->role = ROLE_SYMPTOM;
		/*
		 * Outside Symptoms a quote is a message only where the
		 * sentence says so ("The error in the system log states:
		 * “...”"); elsewhere quotes are UI labels and setting names.
		 */
		if (ex->role != ROLE_SYMPTOM && ex->role != ROLE_PROCEDURE &&
		    lexicon_error_mention(sb_str(&l->text)))
			quoted_errors(ex, l);
		if (ex->role == ROLE_SYMPTOM) {
			errors_in_line(ex, l, cue);
			cue = lexicon_error_cue(sb_str(&l->text)) &&
			    strrchr(sb_str(&l->text), ':') == NULL;
			if (!cue)
				cue = lexicon_error_cue(sb_str(&l->text)) &&
				    ex->card->nerrs == 0;
		}
		if (ex->role == ROLE_PROCEDURE && l->label >= 0 &&
		    !str_blank(l->text.buf)) {
			add_prose(ex, ex->role, l->text.buf, l->line);
			continue;
		}
		add_prose(ex, ex->role, sb_str(&l->text), l->line);
		/* a Resolution that only explains: its text is the fix */
		if (aside && ex->role == ROLE_CAUSE &&
		    ex->sect_role == ROLE_PROCEDURE) {
			if (ex->proc_alt.len == 0)
				ex->proc_alt_line = l->line;
			kb_card_add_text(&ex->proc_alt, sb_str(&l->text));
		}
	}
	if (aside && ex->role == ROLE_CAUSE)
		ex->role = ex->sect_role;
	/* the message itself, after "You receive this error message:" */
	if (ex->cue_para && in.n <= CUE_PARA_LINES) {
		t = sb_str(&in.v[0].text);
		if (!str_endswith(t, ":") && words(t, strlen(t)) <= CUE_WORDS_MAX)
			add_error(ex, t, strlen(t), in.v[0].line);
	}
	/* "... the following error message is generated:" */
	t = sb_str(&in.v[in.n - 1].text);
	ex->cue = lexicon_error_cue(t) && str_endswith(t, ":");
	if (in.note.len > 0)
		note(ex, in.note.buf);
	inl_release(&in);
}

/* The steps of one list item at depth: its text, sub-lists, notes. */
static void
item_steps(struct ex *ex, cmark_node *item, int depth)
{
	struct strbuf	 text = { 0 }, notes = { 0 };
	cmark_node	*c;
	struct inl	 in;
	size_t		 i, step = (size_t)-1, skip;
	const char	*lit;
	char		*t;
	int		 line = line_of(ex, item);

	for (c = cmark_node_first_child(item); c != NULL;
	    c = cmark_node_next(c)) {
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_PARAGRAPH:
			paragraph_lines(ex, c, &in);
			for (i = 0; i < in.n; i++) {
				if (in.v[i].text.len == 0)
					continue;
				if (text.len > 0)
					sb_addc(&text, ' ');
				sb_add(&text, in.v[i].text.buf,
				    in.v[i].text.len);
			}
			kb_card_add_text(&notes, sb_str(&in.note));
			inl_release(&in);
			break;
		case CMARK_NODE_LIST:
			if (step == (size_t)-1) {
				step = kb_card_add_step(ex->card,
				    sb_str(&text), depth, line);
				sb_reset(&text);
			}
			list_steps(ex, c, depth + 1);
			break;
		case CMARK_NODE_BLOCK_QUOTE:
			{
				struct strbuf q = { 0 };

				outline_text(cmark_node_first_child(c), &q);
				for (cmark_node *d = cmark_node_next(
				    cmark_node_first_child(c)); d != NULL;
				    d = cmark_node_next(d)) {
					sb_addc(&q, ' ');
					outline_text(d, &q);
				}
				lit = sb_str(&q);
				skip = 0;
				if (lexicon_alert(lit, &skip))
					lit += skip;
				t = xstrdup(lit);
				str_squeeze(t);
				kb_card_add_text(&notes, t);
				free(t);
				sb_release(&q);
			}
			break;
		case CMARK_NODE_CODE_BLOCK:
			lit = cmark_node_get_literal(c);
			if (lit != NULL && step == (size_t)-1) {
				if (text.len > 0)
					sb_addc(&text, '\n');
				sb_adds(&text, lit);
				while (text.len > 0 &&
				    text.buf[text.len - 1] == '\n')
					text.buf[--text.len] = '\0';
			}
			break;
		case CMARK_NODE_HTML_BLOCK:
			if (step == (size_t)-1) {
				step = kb_card_add_step(ex->card,
				    sb_str(&text), depth, line);
				sb_reset(&text);
			}
			{
				int	 saved = ex->depth;

				ex->depth = depth;
				html_block(ex, c, &notes);
				ex->depth = saved;
			}
			break;
		default:
			break;
		}
	}
	if (step == (size_t)-1)
		step = kb_card_add_step(ex->card, sb_str(&text), depth, line);
	if (notes.len > 0)
		kb_card_step_note(ex->card, step, notes.buf);
	sb_release(&text);
	sb_release(&notes);
}

static void
list_steps(struct ex *ex, cmark_node *list, int depth)
{
	cmark_node	*item;

	for (item = cmark_node_first_child(list); item != NULL;
	    item = cmark_node_next(item))
		item_steps(ex, item, depth);
}

/* Each item of a list announced as error messages is one. */
static void
list_errors(struct ex *ex, cmark_node *list)
{
	cmark_node	*item, *para;
	struct strbuf	 sb = { 0 };

	for (item = cmark_node_first_child(list); item != NULL;
	    item = cmark_node_next(item)) {
		para = cmark_node_first_child(item);
		if (para == NULL ||
		    cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
			continue;
		sb_reset(&sb);
		outline_text(para, &sb);
		if (sb.buf != NULL && words(sb.buf, sb.len) <= CUE_WORDS_MAX)
			add_error(ex, sb.buf, sb.len, line_of(ex, para));
	}
	sb_release(&sb);
}

static void
block(struct ex *ex, cmark_node *b)
{
	struct strbuf	 sb = { 0 };
	const char	*lit, *type;
	cmark_node	*c;
	char		*t;
	size_t		 skip = 0;
	int		 ordered, cue;

	/* a message announced by the paragraph before, in any section */
	cue = ex->cue;
	ex->cue = 0;
	switch (cmark_node_get_type(b)) {
	case CMARK_NODE_PARAGRAPH:
		ex->cue_para = cue;
		paragraph(ex, b);
		ex->cue_para = 0;
		return;
	case CMARK_NODE_LIST:
		ordered = cmark_node_get_list_type(b) == CMARK_ORDERED_LIST;
		/* "you receive one of the following error messages:" */
		if (cue && !ordered)
			list_errors(ex, b);
		if (ex->role == ROLE_PROCEDURE ||
		    (ordered && ex->role == ROLE_OTHER)) {
			list_steps(ex, b, ex->depth);
			return;
		}
		for (c = cmark_node_first_child(b); c != NULL;
		    c = cmark_node_next(c)) {
			cmark_node *d;

			sb_reset(&sb);
			for (d = cmark_node_first_child(c); d != NULL;
			    d = cmark_node_next(d)) {
				if (cmark_node_get_type(d) ==
				    CMARK_NODE_PARAGRAPH) {
					paragraph(ex, d);
				} else
					block(ex, d);
			}
		}
		break;
	case CMARK_NODE_BLOCK_QUOTE:
		c = cmark_node_first_child(b);
		for (; c != NULL; c = cmark_node_next(c)) {
			if (sb.len > 0)
				sb_addc(&sb, ' ');
			outline_text(c, &sb);
		}
		if (sb.buf == NULL)
			break;
		if (lexicon_alert(sb.buf, &skip)) {
			t = xstrdup(sb.buf + skip);
			str_squeeze(t);
			note(ex, t);
			/* a note under Symptoms explains what the user sees */
			if (ex->role == ROLE_SYMPTOM)
				kb_card_add_text(&ex->card->symptom, t);
			free(t);
		} else if (ex->role == ROLE_SYMPTOM || cue) {
			add_error(ex, sb.buf, sb.len,
			    line_of(ex, b));
			add_prose(ex, ROLE_SYMPTOM, sb.buf,
			    line_of(ex, b));
		} else {
			for (c = cmark_node_first_child(b); c != NULL;
			    c = cmark_node_next(c))
				block(ex, c);
		}
		break;
	case CMARK_NODE_CODE_BLOCK:
		lit = cmark_node_get_literal(b);
		if (lit == NULL)
			break;
		if (event_log(ex, lit, line_of(ex, b) + 1))
			;
		else if (ex->role == ROLE_SYMPTOM || cue)
			code_errors(ex, lit, cmark_node_get_fence_info(b),
			    line_of(ex, b) + 1);
		add_prose(ex, ex->role, lit, line_of(ex, b));
		break;
	case CMARK_NODE_HTML_BLOCK:
		html_block(ex, b, NULL);
		break;
	default:
		type = cmark_node_get_type_string(b);
		if (type != NULL && strcmp(type, "table") == 0)
			table(ex, b);
		break;
	}
	sb_release(&sb);
}

/* Most columns of a table read by role; wider tables are rare. */
#define TABLE_COLS_MAX	16

/* Nonzero when s contains word, ignoring case. */
static int
mentions(const char *s, const char *word)
{
	size_t	 n = strlen(word);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, word, n) == 0)
			return 1;
	return 0;
}

/*
 * Adds the codes of a table cell.  A bare number is a code only in
 * context, which the column header gives: "Event ID" makes 4625 an event
 * id, "Error code" makes 2202 an error number and 80090302 a hex code.
 */
static void
table_code(struct ex *ex, const char *cell, const char *header, int line)
{
	struct norm_code *codes;
	struct strbuf	 sb = { 0 };
	const char	*p;
	size_t		 n, i, digits = 0, hex = 0;

	n = normalize_codes(cell, &codes);
	if (n == 0) {
		normalize_codes_free(codes, n);
		for (p = cell; *p == ' '; p++)
			;
		for (; isxdigit((unsigned char)*p); p++) {
			hex++;
			digits += isdigit((unsigned char)*p) != 0;
		}
		while (*p == ' ')
			p++;
		if (*p != '\0' || hex == 0)
			return;
		if (digits < hex || hex == 8)
			sb_addf(&sb, "0x%s", cell);
		else if (mentions(header, "event"))
			sb_addf(&sb, "event %s", cell);
		else
			sb_addf(&sb, "error %s", cell);
		n = normalize_codes(sb.buf, &codes);
		sb_release(&sb);
	}
	for (i = 0; i < n; i++)
		kb_card_add_code(ex->card, codes[i].code, codes[i].kind, line);
	normalize_codes_free(codes, n);
}

/*
 * A GFM table.  With a code or message column (from the header row) each
 * row is an error: its code, its message as an error string, its meaning
 * as cause and its action as procedure.  Every row is kept as prose too.
 */
static void
table(struct ex *ex, cmark_node *t)
{
	struct strbuf	 head[TABLE_COLS_MAX], cell = { 0 }, sb = { 0 };
	cmark_node	*row, *c;
	int		 kind[TABLE_COLS_MAX], ncols = 0, i, line;
	int		 has_code = 0, has_msg = 0, is_errors, role;

	memset(head, 0, sizeof(head));
	row = cmark_node_first_child(t);
	for (c = row ? cmark_node_first_child(row) : NULL;
	    c != NULL && ncols < TABLE_COLS_MAX; c = cmark_node_next(c)) {
		outline_text(c, &head[ncols]);
		if (head[ncols].buf != NULL)
			str_squeeze(head[ncols].buf);
		kind[ncols] = lexicon_table_column(sb_str(&head[ncols]));
		has_code |= kind[ncols] == LEXICON_COL_CODE;
		has_msg |= kind[ncols] == LEXICON_COL_MESSAGE;
		ncols++;
	}
	is_errors = has_code || has_msg;
	for (; row != NULL; row = cmark_node_next(row)) {
		line = line_of(ex, row);
		sb_reset(&sb);
		for (i = 0, c = cmark_node_first_child(row); c != NULL;
		    c = cmark_node_next(c), i++) {
			sb_reset(&cell);
			outline_text(c, &cell);
			if (cell.buf == NULL)
				continue;
			str_squeeze(cell.buf);
			cell.len = strlen(cell.buf);
			if (sb.len > 0)
				sb_adds(&sb, " | ");
			sb_adds(&sb, cell.buf);
			if (row == cmark_node_first_child(t) || i >= ncols)
				continue;
			if (!is_errors) {
				if (ex->role == ROLE_SYMPTOM &&
				    lexicon_message(cell.buf))
					add_error(ex, cell.buf, cell.len, line);
				continue;
			}
			switch (kind[i]) {
			case LEXICON_COL_CODE:
				table_code(ex, cell.buf, sb_str(&head[i]),
				    line);
				break;
			case LEXICON_COL_MESSAGE:
				add_error(ex, cell.buf, cell.len, line);
				break;
			case LEXICON_COL_DESC:
				if (!has_msg)
					add_error(ex, cell.buf, cell.len, line);
				break;
			default:
				break;
			}
		}
		if (sb.buf == NULL || row == cmark_node_first_child(t))
			continue;
		str_squeeze(sb.buf);
		role = ex->role;
		add_prose(ex, is_errors && role == ROLE_OTHER ? ROLE_SYMPTOM :
		    role, sb.buf, line);
	}
	for (i = 0; i < ncols; i++)
		sb_release(&head[i]);
	sb_release(&cell);
	sb_release(&sb);
}

/* Fence languages whose blocks are commands or data, never messages. */
static const char *const code_langs[] = {
	"powershell", "azurepowershell", "azurecli", "ps", "ps1", "bash",
	"sh", "json", "xml", "yaml", "yml", "ini", "reg", "registry",
	"python", "sql", "c", "cpp", "csharp", "cs", "vb", "vbscript", "js",
	"javascript", "html", "kusto", "batch", "bat", "dos", "cmd"
};

/*
 * Error strings in a console or output block of a symptom: one per
 * message, with lines the terminal wrapped joined back ("... A" /
 * "password cannot be retrieved").  Blocks of commands or data, by their
 * fence language, have none.
 */
static void
code_errors(struct ex *ex, const char *lit, const char *info, int line)
{
	struct strbuf	 msg = { 0 };
	const char	*p, *eol;
	size_t		 i, n, prev = 0;
	int		 at = line, ln = line;

	if (info != NULL) {
		n = strcspn(info, " \t{");
		for (i = 0; i < sizeof(code_langs) / sizeof(code_langs[0]);
		    i++)
			if (n == strlen(code_langs[i]) &&
			    strncasecmp(info, code_langs[i], n) == 0)
				return;
	}
	for (p = lit; *p != '\0'; p = *eol ? eol + 1 : eol, ln++) {
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		n = (size_t)(eol - p);
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		if (msg.len > 0 && n > 0 && !strchr(".!?:;", msg.buf[msg.len
		    - 1]) && (islower((unsigned char)*p) ||
		    prev >= CODE_WRAP_MIN)) {
			sb_addc(&msg, ' ');
			sb_add(&msg, p, n);
			prev = n;
			continue;
		}
		if (msg.len > 0 && !lexicon_command(msg.buf))
			add_error(ex, msg.buf, msg.len, at);
		sb_reset(&msg);
		sb_add(&msg, p, n);
		prev = n;
		at = ln;
	}
	if (msg.len > 0 && !lexicon_command(msg.buf))
		add_error(ex, msg.buf, msg.len, at);
	sb_release(&msg);
}

/* Keys of an event-log record as Event Viewer copies it. */
static const char *const event_keys[] = {
	"event id", "eventid", "event source", "source", "description",
	"log name", "event type", "type", "level", "date", "time",
	"category", "task category", "user", "computer", "keywords",
	"opcode", "logged", "event category", "message"
};

/* Index in event_keys of the "Key:" that opens line, or -1; *val after. */
static int
event_key(const char *line, const char **val)
{
	size_t	 i, n;

	while (*line == ' ' || *line == '\t')
		line++;
	for (i = 0; i < sizeof(event_keys) / sizeof(event_keys[0]); i++) {
		n = strlen(event_keys[i]);
		if (strncasecmp(line, event_keys[i], n) != 0)
			continue;
		line += n;
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line != ':')
			continue;
		line++;
		while (*line == ' ' || *line == '\t')
			line++;
		*val = line;
		return (int)i;
	}
	return -1;
}

/*
 * An event-log record ("Event ID: 1058", "Source: Userenv",
 * "Description: ...") in a code block or paragraph: the id and the source
 * become codes, the description an error string.  Returns nonzero when
 * text was such a record.
 */
static int
event_log(struct ex *ex, const char *text, int line)
{
	struct strbuf	 desc = { 0 }, sb = { 0 };
	const char	*p, *eol, *val;
	char		*l, *id = NULL, *src = NULL;
	struct norm_code *codes;
	size_t		 n, i;
	int		 k, in_desc = 0, desc_line = line, ln = line;

	for (p = text; *p != '\0'; p = *eol ? eol + 1 : eol, ln++) {
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		l = xstrndup(p, (size_t)(eol - p));
		k = event_key(l, &val);
		if (k >= 0 && k <= 1 && id == NULL)
			id = xstrdup(val);
		else if (k >= 2 && k <= 3 && src == NULL)
			src = xstrdup(val);
		if (k == 4 || (k == 19 && desc.len == 0)) {
			in_desc = 1;
			desc_line = ln;
			sb_adds(&desc, val);
		} else if (k >= 0)
			in_desc = 0;
		else if (in_desc && !str_blank(l)) {
			sb_addc(&desc, ' ');
			sb_adds(&desc, l);
		}
		free(l);
	}
	if (id == NULL || strspn(id, "0123456789") == 0) {
		free(id);
		free(src);
		sb_release(&desc);
		return 0;
	}
	sb_addf(&sb, "event %s", id);
	n = normalize_codes(sb.buf, &codes);
	for (i = 0; i < n; i++)
		kb_card_add_code(ex->card, codes[i].code, codes[i].kind, line);
	normalize_codes_free(codes, n);
	if (src != NULL && !str_blank(src)) {
		sb_reset(&sb);
		sb_addf(&sb, "source:%s", src);
		str_squeeze(sb.buf);
		kb_card_add_code(ex->card, sb.buf, CODE_EVENT, line);
	}
	if (desc.buf != NULL)
		add_error(ex, desc.buf, desc.len, desc_line);
	free(id);
	free(src);
	sb_release(&desc);
	sb_release(&sb);
	return 1;
}

/* Plain text of the markdown inside a <dx-alert> element; caller frees. */
static char *
note_text(const char *s, size_t n)
{
	struct cmark_node *root, *c;
	struct strbuf	 sb = { 0 };
	const char	*gt = memchr(s, '>', n);

	if (gt != NULL) {
		n -= (size_t)(gt + 1 - s);
		s = gt + 1;
	}
	root = parse_markdown(s, n);
	for (c = cmark_node_first_child(root); c != NULL;
	    c = cmark_node_next(c)) {
		if (sb.len > 0)
			sb_addc(&sb, ' ');
		outline_text(c, &sb);
	}
	parse_free(root);
	if (sb.buf != NULL)
		str_squeeze(sb.buf);
	return sb_detach(&sb);
}

/*
 * An HTML block.  A Tencent <dx-alert> is a note (into notes when given,
 * else attached by note()); cmark ends an HTML block only at a blank
 * line, so markdown that follows </dx-alert> directly is parsed again and
 * its blocks handled as if they stood here.
 */
static void
html_block(struct ex *ex, cmark_node *b, struct strbuf *notes)
{
	const char	*lit = cmark_node_get_literal(b), *open, *close;
	const char	*rest, *p;
	struct cmark_node *root, *c;
	char		*t;
	int		 saved = ex->line_base, line = line_of(ex, b);

	if (lit == NULL)
		return;
	open = strstr(lit, "<dx-alert");
	close = open ? strstr(open, "</dx-alert>") : NULL;
	if (open == NULL) {
		t = strip_tags(lit);
		add_prose(ex, ex->role, t, line);
		free(t);
		return;
	}
	rest = close ? close + strlen("</dx-alert>") : lit + strlen(lit);
	t = note_text(open, close ? (size_t)(close - open) : strlen(open));
	if (notes != NULL)
		kb_card_add_text(notes, t);
	else
		note(ex, t);
	free(t);
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (*rest == '\n')
		rest++;
	if (str_blank(rest))
		return;
	/* line numbers of the re-parsed text continue from here */
	for (p = lit; p < rest; p++)
		line += *p == '\n';
	root = parse_markdown(rest, strlen(rest));
	ex->line_base = line - 1;
	for (c = cmark_node_first_child(root); c != NULL;
	    c = cmark_node_next(c))
		block(ex, c);
	ex->line_base = saved;
	parse_free(root);
}

/* Each line of prose text (changed in place) becomes a step. */
static void
prose_steps(struct kb_card *c, char *text, int depth, int line)
{
	char	*p, *eol;

	for (p = text; p != NULL; p = eol ? eol + 1 : NULL) {
		eol = strchr(p, '\n');
		if (eol != NULL)
			*eol = '\0';
		if (!str_blank(p))
			kb_card_add_step(c, p, depth, line);
	}
}

/*
 * The procedure prose of one section.  A section with neither a list
 * (no step since body_start) nor sub-sections of the card (leaf) has its
 * prose as its steps, at depth: a paragraph-only Resolution or "Method 2"
 * is steps.  Otherwise the prose is kept for finish_card(): the steps of
 * a card that has none, else indexed prose.  A Resolution that only
 * explains ("This issue occurs because X. Use Y instead.") has that text
 * as its steps when there is nothing else.
 */
static void
flush_proc(struct ex *ex, size_t body_start, int depth, int leaf)
{
	struct kb_card	*c = ex->card;
	struct strbuf	*src = ex->proc.len > 0 ? &ex->proc : &ex->proc_alt;
	int		 line = ex->proc.len > 0 ? ex->proc_line :
			    ex->proc_alt_line;

	if (leaf && c->nsteps == body_start && src->len > 0)
		prose_steps(c, src->buf, depth, line);
	else if (src == &ex->proc && src->len > 0) {
		if (ex->later.len == 0)
			ex->later_line = line;
		kb_card_add_text(&ex->later, src->buf);
	} else if (src->len > 0) {
		if (ex->later_alt.len == 0)
			ex->later_alt_line = line;
		kb_card_add_text(&ex->later_alt, src->buf);
	}
	sb_reset(&ex->proc);
	sb_reset(&ex->proc_alt);
}

/* The codes of a card's text, once all of it is in. */
static void
finish_card(struct ex *ex)
{
	struct kb_card	*c = ex->card;
	struct norm_code *codes;
	struct strbuf	 all = { 0 };
	size_t		 i, n;

	if (c == NULL)
		return;
	if (c->nsteps == 0 && ex->later.len > 0)
		prose_steps(c, ex->later.buf, 0, ex->later_line);
	else if (c->nsteps == 0 && ex->later_alt.len > 0)
		prose_steps(c, ex->later_alt.buf, 0, ex->later_alt_line);
	else if (ex->later.len > 0)
		kb_card_add_text(&c->other, ex->later.buf);
	sb_reset(&ex->later);
	sb_reset(&ex->later_alt);

	for (i = 0; i < c->nerrs; i++) {
		size_t	 k;

		n = normalize_codes(c->errs[i].text, &codes);
		for (k = 0; k < n; k++)
			kb_card_add_code(c, codes[k].code, codes[k].kind,
			    c->errs[i].line);
		normalize_codes_free(codes, n);
	}
	sb_adds(&all, c->title);
	sb_addc(&all, '\n');
	sb_adds(&all, sb_str(&c->symptom));
	sb_addc(&all, '\n');
	sb_adds(&all, sb_str(&c->cause));
	sb_addc(&all, '\n');
	sb_adds(&all, sb_str(&c->diagnosis));
	sb_addc(&all, '\n');
	sb_adds(&all, sb_str(&c->notes));
	sb_addc(&all, '\n');
	sb_adds(&all, sb_str(&c->other));
	for (i = 0; i < c->nsteps; i++) {
		sb_addc(&all, '\n');
		sb_adds(&all, c->steps[i].text);
	}
	n = normalize_codes(all.buf, &codes);
	for (i = 0; i < n; i++)
		kb_card_add_code(c, codes[i].code, codes[i].kind, c->line);
	normalize_codes_free(codes, n);
	sb_release(&all);
}

/* Role of section i's body before any label: its own, else inherited. */
static int
context(struct outline *o, size_t i)
{
	while (o->v[i].role < 0 && !o->v[i].is_card && o->v[i].parent >= 0)
		i = (size_t)o->v[i].parent;
	return o->v[i].role < 0 ? ROLE_OTHER : o->v[i].role;
}

/* Nonzero when some section other than the root starts a card. */
static int
has_cards_below(struct outline *o)
{
	size_t	 i;

	for (i = 1; i < o->n; i++)
		if (o->v[i].is_card)
			return 1;
	return 0;
}

/*
 * Nonzero when section k is a problem with its own fix: it has labels,
 * or sub-sections of its card with a cause or diagnosis role or named
 * as a fix ("#### Workaround"; not "Step 1" or "Method 2").
 */
static int
has_parts(struct outline *o, size_t k)
{
	size_t	 j;
	int	 r;

	if (o->v[k].has_labels)
		return 1;
	for (j = k + 1; j < o->n; j++) {
		r = o->v[j].role;
		if (o->v[j].owner == (int)k && (r == ROLE_CAUSE ||
		    r == ROLE_DIAGNOSIS || (r == ROLE_PROCEDURE &&
		    lexicon_fix_heading(o->v[j].heading))))
			return 1;
	}
	return 0;
}

/* Nonzero when a card has nothing a user could act on or match. */
static int
card_empty(const struct kb_card *c)
{
	return c->symptom.len == 0 && c->nerrs == 0 && c->nsteps == 0 &&
	    c->cause.len == 0;
}

int
extract_cards(struct outline *o, const char *name, struct kb_doc *doc)
{
	struct ex	 ex;
	struct pline	 tl;
	struct kb_card	*c;
	int		*depth, *inner;
	size_t		 k, i, j, ncards = 0, before = doc->ncards, body;
	const char	*title, *anchor;
	char		*sl = NULL;
	cmark_node	*b;
	size_t		 intro, intro_end;
	int		 p, ctx, capped = 0, empty;

	memset(&ex, 0, sizeof(ex));
	ex.name = name;
	depth = xcalloc(o->n, sizeof(*depth));
	/* inner[i]: section i has sub-sections in its own card */
	inner = xcalloc(o->n, sizeof(*inner));
	for (j = 1; j < o->n; j++)
		if (o->v[j].parent >= 0 &&
		    o->v[j].owner == o->v[o->v[j].parent].owner)
			inner[o->v[j].parent] = 1;
	for (k = 0; k < o->n; k++) {
		if (!o->v[k].is_card)
			continue;
		if (ncards >= KB_CARDS_PER_DOC_MAX) {
			if (!capped)
				msg_report(MSG_WARNING, name, o->v[k].line, 1,
				    "more than %d cards; the rest are "
				    "dropped", KB_CARDS_PER_DOC_MAX);
			capped = 1;
			continue;
		}
		if (k == 0) {
			title = doc->title;
			/* the root card takes the anchor of the first h1 */
			anchor = NULL;
			for (i = 1; i < o->n && anchor == NULL; i++)
				if (o->v[i].level == 1)
					anchor = o->v[i].anchor;
			if (anchor == NULL) {
				struct strbuf t = { 0 };
				const char *q;

				for (q = title; *q != '\0'; q++) {
					if (isalnum((unsigned char)*q) ||
					    (unsigned char)*q >= 0x80)
						sb_addc(&t, (char)tolower(
						    (unsigned char)*q));
					else if (*q == ' ' || *q == '-')
						sb_addc(&t, '-');
				}
				sl = sb_detach(&t);
				anchor = sl;
			}
		} else {
			title = o->v[k].heading;
			anchor = o->v[k].anchor;
		}
		c = kb_card_new(anchor, title, o->v[k].line);
		free(sl);
		sl = NULL;
		ex.card = c;
		intro = intro_end = 0;
		sb_reset(&ex.proc);
		sb_reset(&ex.proc_alt);
		ex.first_step = 0;

		for (i = k; i < o->n; i++) {
			int	 by_cause = 0;

			if (o->v[i].owner != (int)k)
				continue;
			ctx = context(o, i);
			p = o->v[i].parent;
			depth[i] = 0;
			ex.first_step = c->nsteps;
			if (i != k) {
				depth[i] = depth[p];
				/*
				 * A Resolution told cause by cause ("### Cause
				 * 2: the zone is mangled"): the text under each
				 * cause is the fix for it.
				 */
				by_cause = o->v[i].role == ROLE_CAUSE &&
				    context(o, (size_t)p) == ROLE_PROCEDURE;
				if (context(o, (size_t)p) == ROLE_PROCEDURE &&
				    (o->v[i].role < 0 || by_cause ||
				    o->v[i].role == ROLE_PROCEDURE)) {
					ex.first_step = kb_card_add_step(c,
					    o->v[i].heading, depth[p],
					    o->v[i].line);
					depth[i] = depth[p] + 1;
				}
				kb_card_add_section(c, o->v[i].heading, ctx,
				    o->v[i].line);
			}
			if (by_cause)
				ctx = ROLE_PROCEDURE;
			/* under a heading that is the error, text is symptom */
			if (i == k && o->v[k].is_error && o->v[k].role < 0)
				ctx = ROLE_SYMPTOM;
			ex.role = ex.sect_role = ctx;
			ex.depth = depth[i];
			/* "### If a user at the console gets the error" */
			ex.cue = i > 0 && lexicon_error_cue(o->v[i].heading);
			if (i == k)
				intro = c->other.len;
			body = c->nsteps;
			for (b = o->v[i].first; b != NULL && b != o->v[i].end;
			    b = cmark_node_next(b))
				if (cmark_node_get_type(b) !=
				    CMARK_NODE_HEADING)
					block(&ex, b);
			if (i == k)
				intro_end = c->other.len;
			flush_proc(&ex, body, depth[i], !inner[i]);
		}
		/*
		 * With no symptom stated, the introduction under the document
		 * title ("Windows no longer supports syskey.exe") describes
		 * it, even when it only quotes the event or message; so does
		 * the lead-in of a section that has its own Cause or fix
		 * ("### Scenario 2" then "#### Workaround").  A topic card's
		 * lead-in ("log in through VNC") does not.
		 */
		if (c->symptom.len == 0 && intro_end > intro &&
		    !(k == 0 && has_cards_below(o)) &&
		    (o->v[k].level <= 1 || has_parts(o, k))) {
			char	*t = xstrndup(c->other.buf + intro,
			    intro_end - intro);

			kb_card_add_text(&c->symptom, t);
			free(t);
		}
		/*
		 * Still none: a heading that is the error ("### Authorization
		 * error"), or that has a Cause of its own, names the problem
		 * its steps fix.
		 */
		if (c->symptom.len == 0 && c->nsteps > 0 &&
		    !(k == 0 && has_cards_below(o)) && (o->v[k].is_error ||
		    (c->cause.len > 0 && words(title, strlen(title)) >=
		    ERR_MIN_WORDS)))
			kb_card_add_text(&c->symptom, title);
		/*
		 * A title that is, or quotes, the error message.  Only a
		 * heading that is the error makes a card of its own; a title
		 * that merely quotes one does not.
		 */
		empty = card_empty(c);
		memset(&tl, 0, sizeof(tl));
		tl.line = c->line;
		sb_adds(&tl.text, title);
		ex.role = ROLE_SYMPTOM;
		if (k > 0 && o->v[k].role < 0 && lexicon_message(title))
			add_error(&ex, title, strlen(title), c->line);
		else
			errors_in_line(&ex, &tl, 0);
		sb_release(&tl.text);
		finish_card(&ex);
		if (o->v[k].is_error)
			empty = card_empty(c);
		if (empty || (k == 0 && c->symptom.len == 0 &&
		    c->nerrs == 0 && has_cards_below(o))) {
			kb_card_free(c);
			continue;
		}
		kb_doc_add_card(doc, c);
		ncards++;
	}
	sb_release(&ex.proc);
	sb_release(&ex.proc_alt);
	sb_release(&ex.later);
	sb_release(&ex.later_alt);
	free(depth);
	free(inner);
	return (int)(doc->ncards - before);
}
