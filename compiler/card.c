/* SPDX-License-Identifier: MIT */
/*
 * struct kb_card life cycle and the JSON that kbc --dump prints.  The
 * JSON has a fixed key order and one line per array element, so a golden
 * file shows a change as a readable diff.
 */
#include <stdlib.h>
#include <string.h>

#include "card.h"
#include "normalize.h"

static const char *const role_names[ROLE__MAX] = {
	"other", "symptom", "cause", "diagnosis", "procedure", "note"
};

const char *
kb_role_name(enum kb_role role)
{
	return role_names[role];
}

struct kb_card *
kb_card_new(const char *anchor, const char *title, int line)
{
	struct kb_card	*c = xcalloc(1, sizeof(*c));

	c->anchor = xstrdup(anchor);
	c->title = xstrdup(title);
	c->line = line;
	return c;
}

void
kb_card_free(struct kb_card *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nerrs; i++)
		free(c->errs[i].text);
	for (i = 0; i < c->ncodes; i++)
		free(c->codes[i].code);
	for (i = 0; i < c->nsteps; i++) {
		free(c->steps[i].text);
		free(c->steps[i].note);
	}
	for (i = 0; i < c->nlinks; i++) {
		free(c->links[i].target);
		free(c->links[i].text);
	}
	for (i = 0; i < c->nsections; i++)
		free(c->sections[i].heading);
	free(c->errs);
	free(c->codes);
	free(c->steps);
	free(c->links);
	free(c->sections);
	sb_release(&c->symptom);
	sb_release(&c->cause);
	sb_release(&c->diagnosis);
	sb_release(&c->notes);
	sb_release(&c->other);
	free(c->anchor);
	free(c->title);
	free(c);
}

void
kb_card_add_err(struct kb_card *c, const char *text, int line)
{
	size_t	 i;

	for (i = 0; i < c->nerrs; i++)
		if (strcmp(c->errs[i].text, text) == 0)
			return;
	xgrow((void **)&c->errs, &c->errs_cap, c->nerrs + 1, sizeof(*c->errs));
	c->errs[c->nerrs].text = xstrdup(text);
	c->errs[c->nerrs].line = line;
	c->nerrs++;
}

void
kb_card_add_code(struct kb_card *c, const char *code, int kind, int line)
{
	size_t	 i;

	for (i = 0; i < c->ncodes; i++)
		if (strcmp(c->codes[i].code, code) == 0)
			return;
	xgrow((void **)&c->codes, &c->codes_cap, c->ncodes + 1,
	    sizeof(*c->codes));
	c->codes[c->ncodes].code = xstrdup(code);
	c->codes[c->ncodes].kind = kind;
	c->codes[c->ncodes].line = line;
	c->ncodes++;
}

size_t
kb_card_add_step(struct kb_card *c, const char *text, int depth, int line)
{
	xgrow((void **)&c->steps, &c->steps_cap, c->nsteps + 1,
	    sizeof(*c->steps));
	c->steps[c->nsteps].text = xstrdup(text);
	c->steps[c->nsteps].note = NULL;
	c->steps[c->nsteps].depth = depth;
	c->steps[c->nsteps].line = line;
	return c->nsteps++;
}

void
kb_card_step_note(struct kb_card *c, size_t i, const char *note)
{
	struct strbuf	 sb = { 0 };
	struct kb_step	*s = &c->steps[i];

	if (s->note != NULL) {
		sb_adds(&sb, s->note);
		sb_addc(&sb, '\n');
		free(s->note);
	}
	sb_adds(&sb, note);
	s->note = sb_detach(&sb);
}

void
kb_card_add_link(struct kb_card *c, const char *target, const char *text,
    int line)
{
	size_t	 i;

	for (i = 0; i < c->nlinks; i++)
		if (strcmp(c->links[i].target, target) == 0)
			return;
	xgrow((void **)&c->links, &c->links_cap, c->nlinks + 1,
	    sizeof(*c->links));
	c->links[c->nlinks].target = xstrdup(target);
	c->links[c->nlinks].text = xstrdup(text);
	c->links[c->nlinks].line = line;
	c->nlinks++;
}

void
kb_card_add_section(struct kb_card *c, const char *heading, enum kb_role role,
    int line)
{
	xgrow((void **)&c->sections, &c->sections_cap, c->nsections + 1,
	    sizeof(*c->sections));
	c->sections[c->nsections].heading = xstrdup(heading);
	c->sections[c->nsections].role = role;
	c->sections[c->nsections].line = line;
	c->nsections++;
}

void
kb_card_add_text(struct strbuf *field, const char *text)
{
	if (str_blank(text))
		return;
	if (field->len > 0)
		sb_addc(field, '\n');
	sb_adds(field, text);
}

struct kb_doc *
kb_doc_new(const char *path, const char *title)
{
	struct kb_doc	*d = xcalloc(1, sizeof(*d));

	d->path = xstrdup(path);
	d->title = xstrdup(title);
	d->description = xstrdup("");
	return d;
}

void
kb_doc_free(struct kb_doc *d)
{
	size_t	 i;

	if (d == NULL)
		return;
	for (i = 0; i < d->ncards; i++)
		kb_card_free(d->cards[i]);
	free(d->cards);
	for (i = 0; i < d->nincludes; i++)
		free(d->includes[i].path);
	free(d->includes);
	free(d->path);
	free(d->title);
	free(d->description);
	free(d);
}

void
kb_doc_add_card(struct kb_doc *d, struct kb_card *c)
{
	/* an array of pointers: clang-tidy takes the element for a mistake */
	xgrow((void **)&d->cards, &d->cards_cap, d->ncards + 1,
	    sizeof(*d->cards));	/* NOLINT(bugprone-sizeof-expression) */
	d->cards[d->ncards++] = c;
}

void
kb_doc_add_include(struct kb_doc *d, const char *path,
    unsigned long long hash, int is_read)
{
	struct kb_include *inc;

	xgrow((void **)&d->includes, &d->includes_cap, d->nincludes + 1,
	    sizeof(*d->includes));
	inc = &d->includes[d->nincludes++];
	inc->path = xstrdup(path);
	inc->hash = is_read ? hash : 0;
	inc->is_read = is_read;
}

static void
json_key(struct strbuf *out, const char *indent, const char *key,
    const char *value, int comma)
{
	sb_addf(out, "%s\"%s\": ", indent, key);
	json_string(out, value);
	sb_adds(out, comma ? ",\n" : "\n");
}

static void
card_json(const struct kb_card *c, struct strbuf *out)
{
	const char	*in = "      ";
	size_t		 i;

	sb_adds(out, "    {\n");
	json_key(out, in, "anchor", c->anchor, 1);
	json_key(out, in, "title", c->title, 1);
	sb_addf(out, "%s\"line\": %d,\n", in, c->line);
	json_key(out, in, "symptom", sb_str(&c->symptom), 1);
	json_key(out, in, "cause", sb_str(&c->cause), 1);
	json_key(out, in, "diagnosis", sb_str(&c->diagnosis), 1);
	json_key(out, in, "notes", sb_str(&c->notes), 1);

	sb_addf(out, "%s\"errors\": [", in);
	for (i = 0; i < c->nerrs; i++) {
		sb_addf(out, "%s\n%s  {\"line\": %d, \"text\": ",
		    i ? "," : "", in, c->errs[i].line);
		json_string(out, c->errs[i].text);
		sb_addc(out, '}');
	}
	sb_addf(out, "%s],\n", c->nerrs ? "\n      " : "");

	sb_addf(out, "%s\"codes\": [", in);
	for (i = 0; i < c->ncodes; i++) {
		sb_addf(out, "%s\n%s  {\"line\": %d, \"kind\": \"%s\", "
		    "\"code\": ", i ? "," : "", in, c->codes[i].line,
		    normalize_code_kind(c->codes[i].kind));
		json_string(out, c->codes[i].code);
		sb_addc(out, '}');
	}
	sb_addf(out, "%s],\n", c->ncodes ? "\n      " : "");

	sb_addf(out, "%s\"steps\": [", in);
	for (i = 0; i < c->nsteps; i++) {
		sb_addf(out, "%s\n%s  {\"line\": %d, \"depth\": %d, \"text\": ",
		    i ? "," : "", in, c->steps[i].line, c->steps[i].depth);
		json_string(out, c->steps[i].text);
		if (c->steps[i].note != NULL) {
			sb_adds(out, ", \"note\": ");
			json_string(out, c->steps[i].note);
		}
		sb_addc(out, '}');
	}
	sb_addf(out, "%s],\n", c->nsteps ? "\n      " : "");

	sb_addf(out, "%s\"links\": [", in);
	for (i = 0; i < c->nlinks; i++) {
		sb_addf(out, "%s\n%s  {\"line\": %d, \"target\": ",
		    i ? "," : "", in, c->links[i].line);
		json_string(out, c->links[i].target);
		sb_adds(out, ", \"text\": ");
		json_string(out, c->links[i].text);
		sb_addc(out, '}');
	}
	sb_addf(out, "%s],\n", c->nlinks ? "\n      " : "");

	sb_addf(out, "%s\"sections\": [", in);
	for (i = 0; i < c->nsections; i++) {
		sb_addf(out, "%s\n%s  {\"line\": %d, \"role\": \"%s\", "
		    "\"heading\": ", i ? "," : "", in, c->sections[i].line,
		    kb_role_name(c->sections[i].role));
		json_string(out, c->sections[i].heading);
		sb_addc(out, '}');
	}
	sb_addf(out, "%s]\n", c->nsections ? "\n      " : "");
	sb_adds(out, "    }");
}

void
kb_doc_json(const struct kb_doc *d, struct strbuf *out)
{
	size_t	 i;

	sb_adds(out, "{\n");
	json_key(out, "  ", "doc", d->path, 1);
	json_key(out, "  ", "title", d->title, 1);
	json_key(out, "  ", "description", d->description, 1);
	sb_adds(out, "  \"cards\": [");
	for (i = 0; i < d->ncards; i++) {
		sb_adds(out, i ? ",\n" : "\n");
		card_json(d->cards[i], out);
	}
	sb_adds(out, d->ncards ? "\n  ]\n}\n" : "]\n}\n");
}
