/* SPDX-License-Identifier: MIT */
/*
 * Output (matcher stage 5).  Text output is for a terminal: rank, title,
 * doc#anchor, confidence, the matched error with the query's words
 * highlighted (in colour only), cause, numbered steps with sub-steps
 * indented and the cards they point to, notes; wrapped at word boundaries
 * to the width kbsearch.c found; control characters and bidi overrides
 * from the KB or the paste are shown as visible escapes.  JSON Lines
 * output has a fixed key order (DESIGN.md) and is never wrapped; steps
 * are strings numbered by depth ("1.", "1.1.", "1.1.1."), a step's note
 * appended as " (Note: ...)".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input.h"
#include "lookup.h"
#include "normalize.h"
#include "render.h"
#include "retrieve.h"
#include "score.h"
#include "util.h"

/* Step nesting kept in numbers; deeper steps number as this depth. */
#define STEP_DEPTH_MAX	8
/* Bytes of a group's first line shown in its text header. */
#define GROUP_TITLE_MAX	120
/* Indent of a result's fields, and per step level, in columns. */
#define INDENT		"   "
/* Continuation lines of a field ("Cause: ...") start here. */
#define FIELD_INDENT	INDENT "  "
/* Query words looked at for highlighting; a paste is rarely longer. */
#define HL_WORDS_MAX	256
/* Bytes of one word looked at for highlighting: longer is no word. */
#define HL_WORD_MAX	64

#define C_BOLD		"\033[1m"
#define C_DIM		"\033[2m"
#define C_GREEN		"\033[32m"
#define C_YELLOW	"\033[33m"
#define C_CYAN		"\033[36m"
#define C_OFF		"\033[0m"

/* Code point of the three-byte UTF-8 sequence at p. */
#define BIDI_CP(p)	((unsigned)(((p)[0] & 0x0f) << 12 | \
			    ((p)[1] & 0x3f) << 6 | ((p)[2] & 0x3f)))

struct numbering {
	int	 n[STEP_DEPTH_MAX];	/* counter per depth */
	int	 depth;			/* depth of the previous step, -1 */
};

/* Text output: the cursor and how to wrap and highlight. */
struct out {
	int		 width;		/* wrap column, 0: never wrap */
	int		 color;		/* ANSI sequences allowed */
	size_t		 col;		/* columns written on this line */
	size_t		 pend;		/* spaces owed before the next word */
	const char	*indent;	/* continuation lines start with it */
	const char	*query;		/* raw query, for highlighting */
	struct toks	*words;		/* its normalized words, or NULL */
	struct strbuf	 word;		/* scratch: one escaped word */
};

static void	 card_steps(struct out *, const struct card_view *,
		    const struct card_more *);
static void	 field(struct out *, const char *, const char *, int);
static int	 is_hit(const struct out *, const char *, size_t);
static void	 json_card(struct strbuf *, const struct card_view *,
		    const struct card_more *);
static void	 json_steps(struct strbuf *, const struct card_view *);
static void	 number_step(struct numbering *, int, struct strbuf *);
static void	 out_init(struct out *, const struct render_opts *);
static void	 out_keep(struct out *, const char *);
static void	 out_lead(struct out *, const char *);
static void	 out_nl(struct out *);
static void	 out_release(struct out *);
static void	 out_style(struct out *, const char *);
static void	 out_text(struct out *, const char *, int);
static void	 out_word(struct out *, const char *, size_t, int);
static void	 put_sb(const struct strbuf *);
static void	 render_header(struct out *, const struct input_query *);
static void	 render_json(const struct input_query *,
		    const struct render_item *, size_t,
		    const struct render_opts *);
static void	 render_text(struct out *, const struct render_item *,
		    size_t, const struct render_opts *);
static void	 step_numbers(const struct card_view *, char ***);
static void	 step_numbers_free(char **, size_t);

/*
 * Writes sb to stdout.  A short write is not checked here: it sets the
 * error indicator of stdout, which main() checks before it exits.
 */
static void
put_sb(const struct strbuf *sb)
{
	(void)fwrite(sb->buf, 1, sb->len, stdout);
}

static void
out_init(struct out *o, const struct render_opts *ro)
{
	memset(o, 0, sizeof(*o));
	o->width = ro->width;
	o->color = ro->color;
	o->indent = "";
}

static void
out_release(struct out *o)
{
	if (o->words != NULL) {
		score_toks_release(o->words);
		free(o->words);
	}
	sb_release(&o->word);
}

/* Ends the line; the next one starts at column 0. */
static void
out_nl(struct out *o)
{
	putchar('\n');
	o->col = 0;
	o->pend = 0;
}

/* Writes s (ASCII spaces and labels) at the start of a line, unwrapped. */
static void
out_lead(struct out *o, const char *s)
{
	fputs(s, stdout);
	o->col += strlen(s);
}

/*
 * Starts a new line now unless s (ASCII and whole words) fits on this
 * one, so that it is not split: "→ see doc#anchor" reads as one unit.
 */
static void
out_keep(struct out *o, const char *s)
{
	size_t	 width = 0;

	for (; *s != '\0'; s++)
		width += ((unsigned char)*s & 0xC0) != 0x80;
	if (o->width > 0 && o->col > strlen(o->indent) &&
	    o->col + o->pend + width > (size_t)o->width) {
		out_nl(o);
		out_lead(o, o->indent);
	}
}

/* A colour sequence, when colour is allowed; it takes no column. */
static void
out_style(struct out *o, const char *code)
{
	if (o->color)
		fputs(code, stdout);
}

/*
 * Whether word w (raw text) is one of the query's words: equal after
 * normalization, or, for what normalizes to a placeholder (an address,
 * a number), found as it is in the query, ignoring case.
 */
static int
is_hit(const struct out *o, const char *w, size_t len)
{
	char	*norm, buf[HL_WORD_MAX + 1];
	size_t	 n, i;
	int	 hit = 0;

	if (o->words == NULL || len == 0 || len > HL_WORD_MAX)
		return 0;
	memcpy(buf, w, len);
	buf[len] = '\0';
	norm = normalize_text(buf);
	n = strlen(norm);
	/* one word in, one word out: else it was punctuation or a phrase */
	if (n == 0 || strchr(norm, ' ') != NULL)
		hit = 0;
	else if (normalize_is_placeholder(norm, n)) {
		for (i = 0; o->query[i] != '\0'; i++)
			if (strncasecmp(o->query + i, buf, len) == 0) {
				hit = 1;
				break;
			}
	} else if (n > 1 && !score_stopword(norm, n))
		hit = score_toks_find(o->words, norm, n) >= 0;
	free(norm);
	return hit;
}

/*
 * Writes the len bytes of one word at w, first on a new line when it
 * would pass the wrap column (unless the line holds only its indent):
 * C0 controls, DEL and bidi controls as visible escapes, a query word in
 * bold when hl is set.  Width counts code points, not bytes.
 */
static void
out_word(struct out *o, const char *w, size_t len, int hl)
{
	const unsigned char *p = (const unsigned char *)w;
	const unsigned char *end = p + len, *core, *core_end;
	struct strbuf	*sb = &o->word;
	size_t		 width = 0;
	int		 bold;

	/* the word without the punctuation around it is what matches */
	for (core = p; core < end && ispunct(*core); core++)
		continue;
	for (core_end = end; core_end > core && ispunct(core_end[-1]);
	    core_end--)
		continue;
	bold = hl && o->color && core < core_end &&
	    is_hit(o, (const char *)core, (size_t)(core_end - core));
	sb_reset(sb);
	for (; p < end; p++) {
		if (bold && p == core)
			sb_adds(sb, C_BOLD);
		if (bold && p == core_end)
			sb_adds(sb, C_OFF);
		if (*p < 0x20 || *p == 0x7f) {
			sb_addf(sb, "\\x%02x", *p);
			width += 4;
		} else if (utf8_bidi_len((const char *)p) > 0 &&
		    end - p >= 3) {
			sb_addf(sb, "\\u%04x", BIDI_CP(p));
			width += 6;
			p += 2;
		} else {
			sb_addc(sb, (char)*p);
			if ((*p & 0xC0) != 0x80)
				width++;
		}
	}
	if (bold && core_end == end)
		sb_adds(sb, C_OFF);
	if (o->width > 0 && o->col > strlen(o->indent) &&
	    o->col + o->pend + width > (size_t)o->width) {
		putchar('\n');
		fputs(o->indent, stdout);
		o->col = strlen(o->indent);
		o->pend = 0;
	}
	for (; o->pend > 0; o->pend--, o->col++)
		putchar(' ');
	put_sb(sb);
	o->col += width;
}

/*
 * Writes text s word by word (highlighting query words when hl is set);
 * a newline in s continues at the indent.
 */
static void
out_text(struct out *o, const char *s, int hl)
{
	size_t	 n;

	while (*s != '\0') {
		if (*s == ' ' || *s == '\t') {
			o->pend++;
			s++;
		} else if (*s == '\n') {
			out_nl(o);
			out_lead(o, o->indent);
			s++;
		} else {
			n = strcspn(s, " \t\n");
			out_word(o, s, n, hl);
			s += n;
		}
	}
}

/* Appends the number of a step at depth ("2.", "2.1.") to sb. */
static void
number_step(struct numbering *num, int depth, struct strbuf *sb)
{
	int	 d;

	/* a step never nests more than one level below the previous one */
	if (depth < 0)
		depth = 0;
	if (depth > num->depth + 1)
		depth = num->depth + 1;
	if (depth >= STEP_DEPTH_MAX)
		depth = STEP_DEPTH_MAX - 1;
	num->n[depth]++;
	for (d = depth + 1; d < STEP_DEPTH_MAX; d++)
		num->n[d] = 0;
	num->depth = depth;
	for (d = 0; d <= depth; d++)
		sb_addf(sb, "%d.", num->n[d]);
}

/* The number of each step of v ("1.", "1.1."), in *out; see below. */
static void
step_numbers(const struct card_view *v, char ***out)
{
	struct numbering num = { { 0 }, -1 };
	struct strbuf	 sb = { 0 };
	size_t		 j;

	*out = xcalloc(v->nsteps + 1, sizeof(**out));
	for (j = 0; j < v->nsteps; j++) {
		number_step(&num, v->steps[j].depth, &sb);
		(*out)[j] = sb_detach(&sb);
	}
}

static void
step_numbers_free(char **v, size_t n)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* "Label: text" at the result's indent, skipped when text is empty. */
static void
field(struct out *o, const char *label, const char *text, int hl)
{
	if (str_blank(text))
		return;
	out_lead(o, INDENT);
	o->indent = FIELD_INDENT;
	out_style(o, C_DIM);
	out_text(o, label, 0);
	out_text(o, ":", 0);
	out_style(o, C_OFF);
	o->pend = 1;
	out_text(o, text, hl);
	out_nl(o);
}

/*
 * "Steps:" and the numbered steps of v, sub-steps indented, each with its
 * note and the cards it points to ("→ see doc#anchor", from m).
 */
static void
card_steps(struct out *o, const struct card_view *v,
    const struct card_more *m)
{
	struct strbuf	 ind = { 0 }, see = { 0 };
	char		**num;
	size_t		 i, j, k;
	int		 d, depth, seen;

	if (v->nsteps == 0)
		return;
	out_lead(o, INDENT);
	out_style(o, C_DIM);
	out_text(o, "Steps:", 0);
	out_style(o, C_OFF);
	out_nl(o);
	step_numbers(v, &num);
	for (j = 0; j < v->nsteps; j++) {
		const struct card_step *s = &v->steps[j];

		/* the depth the number shows, not the one stored */
		depth = 0;
		for (k = 0; num[j][k] != '\0'; k++)
			depth += num[j][k] == '.';
		sb_reset(&ind);
		for (d = 0; d <= depth; d++)
			sb_adds(&ind, INDENT);
		out_lead(o, sb_str(&ind));
		for (k = 0; k <= strlen(num[j]); k++)
			sb_addc(&ind, ' ');
		o->indent = sb_str(&ind);
		out_text(o, num[j], 0);
		o->pend = 1;
		out_text(o, s->text, 0);
		seen = 0;
		for (i = 0; m != NULL && i < m->nlinks; i++) {
			const struct card_link *l = &m->links[i];

			if (l->step != (long)j || l->card == NULL)
				continue;
			for (k = 0; k < i; k++)
				if (m->links[k].step == (long)j &&
				    m->links[k].card != NULL &&
				    strcmp(m->links[k].card, l->card) == 0)
					break;
			if (k < i)
				continue;
			o->pend = seen ? 0 : 2;
			sb_reset(&see);
			sb_addf(&see, "%s%s", seen ? ", " : "\xe2\x86\x92 see ",
			    l->card);
			out_keep(o, see.buf);
			out_text(o, seen ? ", " : "\xe2\x86\x92 see ", 0);
			out_style(o, C_CYAN);
			out_text(o, l->card, 0);
			out_style(o, C_OFF);
			seen = 1;
		}
		out_nl(o);
		if (s->note != NULL) {
			out_lead(o, o->indent);
			out_text(o, "Note: ", 0);
			out_text(o, s->note, 0);
			out_nl(o);
		}
	}
	step_numbers_free(num, v->nsteps);
	sb_release(&ind);
	sb_release(&see);
	o->indent = INDENT;
}

static void
render_text(struct out *o, const struct render_item *items, size_t n,
    const struct render_opts *ro)
{
	struct strbuf	 sb = { 0 };
	size_t		 i, j;

	for (i = 0; i < n; i++) {
		const struct cand *c = items[i].cand;
		const struct card_view *v = items[i].card;

		if (i > 0)
			out_nl(o);
		sb_reset(&sb);
		sb_addf(&sb, "%zu.", i + 1);
		o->indent = INDENT;
		out_text(o, sb.buf, 0);
		o->pend = 1;
		out_style(o, C_BOLD);
		out_text(o, v->title, 0);
		out_style(o, C_OFF);
		out_nl(o);
		out_lead(o, INDENT);
		o->indent = FIELD_INDENT;
		sb_reset(&sb);
		sb_addf(&sb, "%s#%s", v->doc, v->anchor);
		out_style(o, C_CYAN);
		out_text(o, sb.buf, 0);
		out_style(o, C_OFF);
		o->pend = 2;
		out_text(o, "confidence", 0);
		o->pend = 1;
		out_style(o, c->confidence >= SCORE_THRESHOLD ? C_GREEN :
		    C_YELLOW);
		sb_reset(&sb);
		sb_addf(&sb, "%.2f", c->confidence);
		out_text(o, sb.buf, 0);
		out_style(o, C_OFF);
		if (c->confidence < SCORE_THRESHOLD)
			out_text(o, " (low)", 0);
		out_nl(o);
		if (c->matched != NULL)
			field(o, "Matched", c->matched, 1);
		else
			field(o, "Matched words", sb_str(&c->terms), 1);
		field(o, "Symptom", c->matched == NULL ? v->symptom : "", 0);
		field(o, "Cause", v->cause, 0);
		card_steps(o, v, items[i].more);
		field(o, "Notes", v->notes, 0);
		if (v->ndups > 0) {
			sb_reset(&sb);
			for (j = 0; j < v->ndups; j++)
				sb_addf(&sb, "%s%s", j ? ", " : "",
				    v->dups[j]);
			field(o, "Same procedure in", sb.buf, 0);
		}
		if (ro->explain)
			field(o, "Explain", sb_str(&c->why), 0);
	}
	sb_release(&sb);
}

/* The steps of v as JSON strings: "2.1. text (Note: note)". */
static void
json_steps(struct strbuf *sb, const struct card_view *v)
{
	struct numbering num = { { 0 }, -1 };
	struct strbuf	 step = { 0 };
	size_t		 j;

	sb_adds(sb, "[");
	for (j = 0; j < v->nsteps; j++) {
		sb_reset(&step);
		number_step(&num, v->steps[j].depth, &step);
		sb_addf(&step, " %s", v->steps[j].text);
		if (v->steps[j].note != NULL)
			sb_addf(&step, " (Note: %s)", v->steps[j].note);
		if (j > 0)
			sb_addc(sb, ',');
		json_string(sb, step.buf);
	}
	sb_addc(sb, ']');
	sb_release(&step);
}

static void
render_json(const struct input_query *q, const struct render_item *items,
    size_t n, const struct render_opts *o)
{
	struct strbuf	 sb = { 0 }, line_sb = { 0 };
	size_t		 i, j;
	const char	*line, *end;

	sb_adds(&sb, "{\"query\":");
	json_string(&sb, q->query);
	if (q->line > 0)
		sb_addf(&sb, ",\"line\":%ld", q->line);
	else
		sb_adds(&sb, ",\"line\":null");
	sb_addf(&sb, ",\"count\":%ld,\"results\":[", q->count);
	for (i = 0; i < n; i++) {
		const struct cand *c = items[i].cand;
		const struct card_view *v = items[i].card;

		sb_addf(&sb, "%s{\"rank\":%zu,\"score\":%.4f,"
		    "\"confidence\":%.3f,\"doc\":", i ? "," : "", i + 1,
		    c->score, c->confidence);
		json_string(&sb, v->doc);
		sb_adds(&sb, ",\"anchor\":");
		json_string(&sb, v->anchor);
		sb_adds(&sb, ",\"title\":");
		json_string(&sb, v->title);
		sb_adds(&sb, ",\"matched\":");
		if (c->matched != NULL)
			json_string(&sb, c->matched);
		else
			sb_adds(&sb, "null");
		sb_adds(&sb, ",\"cause\":");
		json_string(&sb, v->cause);
		sb_adds(&sb, ",\"steps\":");
		json_steps(&sb, v);
		if (o->explain) {
			sb_adds(&sb, ",\"explain\":[");
			line = sb_str(&c->why);
			for (j = 0; *line != '\0'; j++, line = end + 1) {
				end = strchr(line, '\n');
				if (end == NULL)
					end = line + strlen(line);
				sb_reset(&line_sb);
				sb_add(&line_sb, line, (size_t)(end - line));
				if (j > 0)
					sb_addc(&sb, ',');
				json_string(&sb, sb_str(&line_sb));
				if (*end == '\0')
					break;
			}
			sb_addc(&sb, ']');
		}
		sb_addc(&sb, '}');
	}
	sb_adds(&sb, "]}\n");
	put_sb(&sb);
	sb_release(&sb);
	sb_release(&line_sb);
}

/* Group header: "3x from line 12: <first line of the message>". */
static void
render_header(struct out *o, const struct input_query *q)
{
	struct strbuf	 sb = { 0 };
	const char	*nl = strchr(q->text, '\n');
	size_t		 len = nl != NULL ? (size_t)(nl - q->text) :
			    strlen(q->text);

	o->indent = INDENT;
	out_style(o, C_BOLD);
	out_text(o, "==", 0);
	sb_reset(&sb);
	sb_addf(&sb, " %ldx from line %ld: ", q->count, q->line);
	out_text(o, sb.buf, 0);
	sb_reset(&sb);
	sb_add(&sb, q->text, len);
	sb.buf[utf8_prefix(sb.buf, GROUP_TITLE_MAX)] = '\0';
	out_text(o, sb.buf, 0);
	if (nl != NULL || len > GROUP_TITLE_MAX)
		out_text(o, " ...", 0);
	out_style(o, C_OFF);
	out_nl(o);
	sb_release(&sb);
}

void
render_query(const struct input_query *q, const struct render_item *items,
    size_t n, const struct render_opts *ro)
{
	struct out	 o;
	char		*norm;

	if (ro->json) {
		render_json(q, items, n, ro);
		return;
	}
	out_init(&o, ro);
	if (o.color) {
		o.query = q->text;
		o.words = xmalloc(sizeof(*o.words));
		norm = normalize_text(q->text);
		score_toks_init(o.words, norm, HL_WORDS_MAX);
		free(norm);
	}
	if (ro->groups) {
		render_header(&o, q);
		if (n == 0) {
			out_lead(&o, INDENT);
			out_text(&o, "no confident match", 0);
			out_nl(&o);
		}
	}
	render_text(&o, items, n, ro);
	if (ro->groups)
		out_nl(&o);
	out_release(&o);
}

void
render_summary(size_t groups, size_t matched, unsigned long more,
    const struct render_opts *o)
{
	if (o->json)
		return;
	printf("%zu distinct error%s, %zu matched", groups,
	    groups == 1 ? "" : "s", matched);
	if (more > 0)
		printf("; %lu more distinct error%s not shown", more,
		    more == 1 ? "" : "s");
	putchar('\n');
}

/* One card in full as a JSON object: the keys of a result, and more. */
static void
json_card(struct strbuf *sb, const struct card_view *v,
    const struct card_more *m)
{
	char	**num;
	size_t	 i;

	sb_adds(sb, "{\"rank\":null,\"score\":null,\"confidence\":null,"
	    "\"doc\":");
	json_string(sb, v->doc);
	sb_adds(sb, ",\"anchor\":");
	json_string(sb, v->anchor);
	sb_adds(sb, ",\"title\":");
	json_string(sb, v->title);
	sb_adds(sb, ",\"matched\":null,\"cause\":");
	json_string(sb, v->cause);
	sb_adds(sb, ",\"steps\":");
	json_steps(sb, v);
	sb_adds(sb, ",\"doc_title\":");
	json_string(sb, v->doc_title);
	sb_adds(sb, ",\"symptom\":");
	json_string(sb, v->symptom);
	sb_adds(sb, ",\"errors\":[");
	for (i = 0; i < m->nerrors; i++) {
		if (i > 0)
			sb_addc(sb, ',');
		json_string(sb, m->errors[i]);
	}
	sb_adds(sb, "],\"diagnosis\":");
	json_string(sb, m->diagnosis != NULL ? m->diagnosis : "");
	sb_adds(sb, ",\"notes\":");
	json_string(sb, v->notes);
	sb_adds(sb, ",\"links\":[");
	step_numbers(v, &num);
	for (i = 0; i < m->nlinks; i++) {
		const struct card_link *l = &m->links[i];

		sb_adds(sb, i > 0 ? ",{\"text\":" : "{\"text\":");
		json_string(sb, l->text);
		sb_adds(sb, ",\"target\":");
		json_string(sb, l->target);
		sb_adds(sb, ",\"card\":");
		if (l->card != NULL)
			json_string(sb, l->card);
		else
			sb_adds(sb, "null");
		sb_adds(sb, ",\"step\":");
		if (l->step >= 0 && (size_t)l->step < v->nsteps)
			json_string(sb, num[l->step]);
		else
			sb_adds(sb, "null");
		sb_addc(sb, '}');
	}
	step_numbers_free(num, v->nsteps);
	sb_adds(sb, "],\"duplicates\":[");
	for (i = 0; i < v->ndups; i++) {
		if (i > 0)
			sb_addc(sb, ',');
		json_string(sb, v->dups[i]);
	}
	sb_adds(sb, "]}");
}

void
render_card(const struct card_view *v, const struct card_more *m,
    const struct render_opts *ro)
{
	struct strbuf	 sb = { 0 };
	struct out	 o;
	size_t		 i;

	if (ro->json) {
		json_card(&sb, v, m);
		sb_addc(&sb, '\n');
		put_sb(&sb);
		sb_release(&sb);
		return;
	}
	out_init(&o, ro);
	o.indent = INDENT;
	out_style(&o, C_BOLD);
	out_text(&o, v->title, 0);
	out_style(&o, C_OFF);
	out_nl(&o);
	out_lead(&o, INDENT);
	o.indent = FIELD_INDENT;
	sb_addf(&sb, "%s#%s", v->doc, v->anchor);
	out_style(&o, C_CYAN);
	out_text(&o, sb.buf, 0);
	out_style(&o, C_OFF);
	out_nl(&o);
	if (strcmp(v->doc_title, v->title) != 0)
		field(&o, "Document", v->doc_title, 0);
	field(&o, "Symptom", v->symptom, 0);
	if (m->nerrors > 0) {
		out_lead(&o, INDENT);
		out_style(&o, C_DIM);
		out_text(&o, "Errors:", 0);
		out_style(&o, C_OFF);
		out_nl(&o);
		for (i = 0; i < m->nerrors; i++) {
			out_lead(&o, INDENT INDENT);
			o.indent = INDENT INDENT "  ";
			out_text(&o, m->errors[i], 0);
			out_nl(&o);
		}
	}
	field(&o, "Cause", v->cause, 0);
	field(&o, "Diagnosis", m->diagnosis, 0);
	card_steps(&o, v, m);
	field(&o, "Notes", v->notes, 0);
	if (m->nlinks > 0) {
		out_lead(&o, INDENT);
		out_style(&o, C_DIM);
		out_text(&o, "Links:", 0);
		out_style(&o, C_OFF);
		out_nl(&o);
	}
	for (i = 0; i < m->nlinks; i++) {
		const struct card_link *l = &m->links[i];

		out_lead(&o, INDENT INDENT);
		o.indent = INDENT INDENT "  ";
		if (!str_blank(l->text)) {
			out_text(&o, l->text, 0);
			out_text(&o, l->card != NULL ? " " : ": ", 0);
		}
		if (l->card != NULL) {
			sb_reset(&sb);
			sb_addf(&sb, "\xe2\x86\x92 see %s", l->card);
			out_keep(&o, sb.buf);
			out_text(&o, "\xe2\x86\x92 see ", 0);
			out_style(&o, C_CYAN);
			out_text(&o, l->card, 0);
			out_style(&o, C_OFF);
		} else
			out_text(&o, l->target, 0);
		out_nl(&o);
	}
	if (v->ndups > 0) {
		sb_reset(&sb);
		for (i = 0; i < v->ndups; i++)
			sb_addf(&sb, "%s%s", i ? ", " : "", v->dups[i]);
		field(&o, "Same procedure in", sb.buf, 0);
	}
	out_release(&o);
	sb_release(&sb);
}

void
render_list(const struct card_view *v, size_t n,
    const struct render_opts *ro)
{
	struct strbuf	 sb = { 0 };
	struct out	 o;
	size_t		 i;

	out_init(&o, ro);
	for (i = 0; i < n; i++) {
		sb_reset(&sb);
		sb_addf(&sb, "%s#%s", v[i].doc, v[i].anchor);
		o.indent = INDENT;
		out_style(&o, C_CYAN);
		out_text(&o, sb.buf, 0);
		out_style(&o, C_OFF);
		o.pend = 2;
		out_text(&o, v[i].title, 0);
		out_nl(&o);
	}
	out_release(&o);
	sb_release(&sb);
}
