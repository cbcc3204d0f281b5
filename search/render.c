/* SPDX-License-Identifier: MIT */
/*
 * Output (matcher stage 5).  Text output is for a terminal: rank, title,
 * doc#anchor, confidence, the matched error, cause, numbered steps with
 * sub-steps indented, notes; control characters and bidi overrides from
 * the KB or the paste are shown as visible escapes.  JSON Lines output
 * has a fixed key order (DESIGN.md); steps are strings numbered by depth
 * ("1.", "1.1.", "1.1.1."), a step's note appended as " (Note: ...)".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
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

static void	 number_step(struct numbering *, int, struct strbuf *);
static void	 render_header(const struct input_query *,
		    const struct render_opts *);
static void	 render_json(const struct input_query *,
		    const struct render_item *, size_t,
		    const struct render_opts *);
static void	 render_text(const struct render_item *, size_t,
		    const struct render_opts *);
static void	 text_put(const char *, const char *);
static void	 text_field(const struct render_opts *, const char *,
		    const char *);

/* Writes s, C0 controls and bidi controls as visible escapes; newlines
 * continue at indent. */
static void
text_put(const char *s, const char *indent)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p == '\n') {
			putchar('\n');
			fputs(indent, stdout);
		} else if (*p == '\t')
			putchar(' ');
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else if (utf8_bidi_len((const char *)p) > 0) {
			printf("\\u%04x", BIDI_CP(p));
			p += 2;
		} else
			putchar(*p);
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

/* "Label: text" at the result's indent, skipped when text is empty. */
static void
text_field(const struct render_opts *o, const char *label, const char *text)
{
	if (str_blank(text))
		return;
	fputs(INDENT, stdout);
	if (o->color)
		fputs(C_DIM, stdout);
	printf("%s:", label);
	if (o->color)
		fputs(C_OFF, stdout);
	putchar(' ');
	text_put(text, INDENT "  ");
	putchar('\n');
}

static void
render_text(const struct render_item *items, size_t n,
    const struct render_opts *o)
{
	struct strbuf	 sb = { 0 }, ind = { 0 };
	size_t		 i, j;
	int		 d;

	for (i = 0; i < n; i++) {
		const struct cand *c = items[i].cand;
		const struct card_view *v = items[i].card;
		struct numbering num = { { 0 }, -1 };

		if (i > 0)
			putchar('\n');
		printf("%zu. ", i + 1);
		if (o->color)
			fputs(C_BOLD, stdout);
		text_put(v->title, INDENT);
		if (o->color)
			fputs(C_OFF, stdout);
		putchar('\n');
		fputs(INDENT, stdout);
		if (o->color)
			fputs(C_CYAN, stdout);
		text_put(v->doc, "");
		putchar('#');
		text_put(v->anchor, "");
		if (o->color)
			fputs(C_OFF, stdout);
		printf("  confidence ");
		if (o->color)
			fputs(c->confidence >= SCORE_THRESHOLD ? C_GREEN :
			    C_YELLOW, stdout);
		printf("%.2f", c->confidence);
		if (o->color)
			fputs(C_OFF, stdout);
		if (c->confidence < SCORE_THRESHOLD)
			fputs(" (low)", stdout);
		putchar('\n');
		if (c->matched != NULL)
			text_field(o, "Matched", c->matched);
		else
			text_field(o, "Matched words", sb_str(&c->terms));
		text_field(o, "Symptom", c->matched == NULL ? v->symptom : "");
		text_field(o, "Cause", v->cause);
		if (v->nsteps > 0) {
			fputs(INDENT, stdout);
			if (o->color)
				fputs(C_DIM, stdout);
			fputs("Steps:", stdout);
			if (o->color)
				fputs(C_OFF, stdout);
			putchar('\n');
		}
		for (j = 0; j < v->nsteps; j++) {
			const struct card_step *s = &v->steps[j];

			sb_reset(&sb);
			number_step(&num, s->depth, &sb);
			sb_reset(&ind);
			for (d = 0; d <= num.depth + 1; d++)
				sb_adds(&ind, INDENT);
			fputs(sb_str(&ind), stdout);
			printf("%s ", sb.buf);
			sb_addc(&ind, ' ');
			for (d = 0; (size_t)d < sb.len; d++)
				sb_addc(&ind, ' ');
			text_put(s->text, sb_str(&ind));
			putchar('\n');
			if (s->note != NULL) {
				fputs(sb_str(&ind), stdout);
				fputs("Note: ", stdout);
				text_put(s->note, sb_str(&ind));
				putchar('\n');
			}
		}
		text_field(o, "Notes", v->notes);
		if (v->ndups > 0) {
			sb_reset(&sb);
			for (j = 0; j < v->ndups; j++)
				sb_addf(&sb, "%s%s", j ? ", " : "",
				    v->dups[j]);
			text_field(o, "Same procedure in", sb.buf);
		}
		if (o->explain)
			text_field(o, "Explain", sb_str(&c->why));
	}
	sb_release(&sb);
	sb_release(&ind);
}

static void
render_json(const struct input_query *q, const struct render_item *items,
    size_t n, const struct render_opts *o)
{
	struct strbuf	 sb = { 0 }, step = { 0 };
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
		struct numbering num = { { 0 }, -1 };

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
		sb_adds(&sb, ",\"steps\":[");
		for (j = 0; j < v->nsteps; j++) {
			sb_reset(&step);
			number_step(&num, v->steps[j].depth, &step);
			sb_addf(&step, " %s", v->steps[j].text);
			if (v->steps[j].note != NULL)
				sb_addf(&step, " (Note: %s)",
				    v->steps[j].note);
			if (j > 0)
				sb_addc(&sb, ',');
			json_string(&sb, step.buf);
		}
		sb_addc(&sb, ']');
		if (o->explain) {
			sb_adds(&sb, ",\"explain\":[");
			line = sb_str(&c->why);
			for (j = 0; *line != '\0'; j++, line = end + 1) {
				end = strchr(line, '\n');
				if (end == NULL)
					end = line + strlen(line);
				sb_reset(&step);
				sb_add(&step, line, (size_t)(end - line));
				if (j > 0)
					sb_addc(&sb, ',');
				json_string(&sb, sb_str(&step));
				if (*end == '\0')
					break;
			}
			sb_addc(&sb, ']');
		}
		sb_addc(&sb, '}');
	}
	sb_adds(&sb, "]}\n");
	fwrite(sb.buf, 1, sb.len, stdout);
	sb_release(&sb);
	sb_release(&step);
}

/* Group header: "3x from line 12: <first line of the message>". */
static void
render_header(const struct input_query *q, const struct render_opts *o)
{
	struct strbuf	 sb = { 0 };
	const char	*nl = strchr(q->text, '\n');
	size_t		 len = nl != NULL ? (size_t)(nl - q->text) :
			    strlen(q->text);

	sb_add(&sb, q->text, len);
	sb.buf[utf8_prefix(sb.buf, GROUP_TITLE_MAX)] = '\0';
	if (o->color)
		fputs(C_BOLD, stdout);
	printf("== %ldx from line %ld: ", q->count, q->line);
	text_put(sb.buf, "");
	if (nl != NULL || len > GROUP_TITLE_MAX)
		fputs(" ...", stdout);
	if (o->color)
		fputs(C_OFF, stdout);
	putchar('\n');
	sb_release(&sb);
}

void
render_query(const struct input_query *q, const struct render_item *items,
    size_t n, const struct render_opts *o)
{
	if (o->json) {
		render_json(q, items, n, o);
		return;
	}
	if (o->groups) {
		render_header(q, o);
		if (n == 0)
			puts(INDENT "no confident match");
	}
	render_text(items, n, o);
	if (o->groups)
		putchar('\n');
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
