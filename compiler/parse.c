/* SPDX-License-Identifier: MIT */
/*
 * Stage 2 of the compiler: YAML front matter, then the markdown parser.
 * The parser is cmark-gfm, for its GFM pipe tables; no markdown is parsed
 * by hand here.
 */
/* realpath(3) is XSI */
#define _XOPEN_SOURCE	700

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "card.h"
#include "msg.h"
#include "parse.h"
#include "read.h"
#include "util.h"

/*
 * Deepest chain of [!INCLUDE]s followed: Microsoft's own go two deep;
 * more is a loop the cycle check missed or a mistake worth a warning.
 */
#define INCLUDE_DEPTH_MAX	4

/* The files being included, outermost first, to refuse cycles. */
struct inc_stack {
	char		*v[INCLUDE_DEPTH_MAX + 2]; /* real paths */
	int		 n;
	const char	*kbroot;	/* the KB root as given */
	struct kb_doc	*doc;		/* records the files read, or NULL */
};

static void	 collect(cmark_node *, cmark_node ***, size_t *, size_t *);
static int	 expand(cmark_node *, const char *, const char *,
		    struct inc_stack *);
static char	*include_target(cmark_node *);
static int	 is_fence(const char *, const char *);
static void	 record(struct inc_stack *, const char *, const char *,
		    const char *, size_t, unsigned long long, int);
static char	*yaml_value(const char *, size_t);

/* Nonzero when the line p..eol is "---" or "...", trailing blanks allowed. */
static int
is_fence(const char *p, const char *eol)
{
	while (eol > p && (eol[-1] == ' ' || eol[-1] == '\t'))
		eol--;
	return eol - p == 3 && (strncmp(p, "---", 3) == 0 ||
	    strncmp(p, "...", 3) == 0);
}

/* The scalar after "key:", unquoted; block scalars (>, |) are folded. */
static char *
yaml_value(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0])
		s++, n -= 2;
	return xstrndup(s, n);
}

void
parse_front_matter(char *text, const char *name, struct parse_meta *meta)
{
	char		*p, *eol, *colon, **dest;
	struct strbuf	 folded = { 0 };
	char		**folding = NULL;
	size_t		 keylen;

	memset(meta, 0, sizeof(*meta));
	eol = strchr(text, '\n');
	if (eol == NULL || strncmp(text, "---", 3) != 0 || !is_fence(text, eol))
		return;
	/* find the closing line first: unclosed front matter is body text */
	for (p = strchr(text, '\n') + 1; *p != '\0'; p = eol + 1) {
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		if (is_fence(p, eol))
			break;
		if (*eol == '\0')
			break;
	}
	if (*p == '\0' || !is_fence(p, eol)) {
		msg_report(MSG_WARNING, name, 1, 1, "front matter is never "
		    "closed; read as body text");
		return;
	}
	for (p = text; ; p = eol + 1) {
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		if (p != text && is_fence(p, eol)) {
			memset(p, ' ', (size_t)(eol - p));
			break;
		}
		if (folding != NULL && p != text &&
		    (*p == ' ' || *p == '\t')) {
			sb_addc(&folded, ' ');
			sb_add(&folded, p, (size_t)(eol - p));
		} else if (p != text) {
			if (folding != NULL) {
				free(*folding);
				str_squeeze(folded.buf ? folded.buf : (char *)"");
				*folding = sb_detach(&folded);
				folding = NULL;
			}
			colon = memchr(p, ':', (size_t)(eol - p));
			keylen = colon ? (size_t)(colon - p) : 0;
			dest = NULL;
			if (keylen == 5 && strncmp(p, "title", 5) == 0)
				dest = &meta->title;
			else if (keylen == 11 &&
			    strncmp(p, "description", 11) == 0)
				dest = &meta->description;
			if (dest != NULL) {
				free(*dest);
				*dest = yaml_value(colon + 1,
				    (size_t)(eol - colon - 1));
				if (strcmp(*dest, ">") == 0 ||
				    strcmp(*dest, "|") == 0 ||
				    strcmp(*dest, ">-") == 0 ||
				    strcmp(*dest, "|-") == 0) {
					folding = dest;
					sb_reset(&folded);
				}
			}
		}
		/* blank the line but keep its newline */
		memset(p, ' ', (size_t)(eol - p));
		if (*eol == '\0')
			break;
	}
	if (folding != NULL) {
		free(*folding);
		if (folded.buf != NULL)
			str_squeeze(folded.buf);
		*folding = sb_detach(&folded);
	}
	sb_release(&folded);
}

void
parse_meta_release(struct parse_meta *meta)
{
	free(meta->title);
	free(meta->description);
	memset(meta, 0, sizeof(*meta));
}

static cmark_mem parse_mem = { xcalloc, xrealloc, free };

cmark_node *
parse_markdown(const char *text, size_t len)
{
	cmark_parser	*parser;
	cmark_syntax_extension *table;
	cmark_node	*root;

	cmark_gfm_core_extensions_ensure_registered();
	/*
	 * cmark's own allocator aborts when memory runs out; ours reports
	 * it, lets kbc remove its temporary index, and exits 2.
	 */
	parser = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, &parse_mem);
	if (parser == NULL) {
		msg_error("out of memory");
		exit(2);
	}
	if ((table = cmark_find_syntax_extension("table")) != NULL)
		cmark_parser_attach_syntax_extension(parser, table);
	cmark_parser_feed(parser, text, len);
	root = cmark_parser_finish(parser);
	cmark_parser_free(parser);
	if (root == NULL) {
		msg_error("out of memory");
		exit(2);
	}
	return root;
}

void
parse_free(cmark_node *root)
{
	if (root != NULL)
		cmark_node_free(root);
}

/*
 * The path in a paragraph that is only "[!INCLUDE [title](path)]", or
 * NULL; caller frees.
 */
static char *
include_target(cmark_node *para)
{
	cmark_node	*c = cmark_node_first_child(para), *link;
	const char	*lit, *url;

	if (c == NULL || cmark_node_get_type(c) != CMARK_NODE_TEXT ||
	    (lit = cmark_node_get_literal(c)) == NULL)
		return NULL;
	while (*lit == ' ')
		lit++;
	if (strncasecmp(lit, "[!INCLUDE", 9) != 0)
		return NULL;
	for (link = cmark_node_next(c); link != NULL;
	    link = cmark_node_next(link))
		if (cmark_node_get_type(link) == CMARK_NODE_LINK)
			break;
	if (link == NULL || (url = cmark_node_get_url(link)) == NULL ||
	    *url == '\0')
		return NULL;
	return xstrdup(url);
}

/* Appends to *v every paragraph under node (in any container). */
static void
collect(cmark_node *node, cmark_node ***v, size_t *n, size_t *cap)
{
	cmark_node	*c;

	for (c = cmark_node_first_child(node); c != NULL;
	    c = cmark_node_next(c)) {
		if (cmark_node_get_type(c) == CMARK_NODE_PARAGRAPH) {
			/* an array of pointers, not of nodes */
			/* NOLINTNEXTLINE(bugprone-sizeof-expression) */
			xgrow((void **)v, cap, *n + 1, sizeof(**v));
			(*v)[(*n)++] = c;
		} else if (cmark_node_first_child(c) != NULL &&
		    cmark_node_get_type(c) != CMARK_NODE_HEADING)
			collect(c, v, n, cap);
	}
}

/*
 * Records in st->doc the file want (the include target as written, and
 * its real path when known), relative to the KB root so that a later
 * build can read it again from there.  The path as resolved (the
 * including file's directory, then the target) is kept when it lies
 * under the root as given: reading it again follows the same symbolic
 * links, so a retargeted link is a change; else the real path.
 */
static void
record(struct inc_stack *st, const char *want, const char *target,
    const char *real, size_t rootlen, unsigned long long hash, int is_read)
{
	size_t		 n = strlen(st->kbroot);
	const char	*rel = target;

	if (st->doc == NULL)
		return;
	if (strcmp(st->kbroot, ".") == 0 && want[0] != '/')
		rel = want;
	else if (strncmp(want, st->kbroot, n) == 0 && want[n] == '/')
		rel = want + n + 1;
	else if (real != NULL && real[rootlen] == '/')
		rel = real + rootlen + 1;
	kb_doc_add_include(st->doc, rel, hash, is_read);
}

/*
 * Replaces the [!INCLUDE] paragraphs under root (from the file path) by
 * the blocks of the files they name.  Returns the number of problems
 * reported.
 */
static int
expand(cmark_node *root, const char *path, const char *kbroot,
    struct inc_stack *st)
{
	cmark_node	**v = NULL, *sub, *c, *next;
	struct read_text rt;
	struct parse_meta meta;
	struct strbuf	 want = { 0 };
	char		 real[PATH_MAX], *target, *slash;
	size_t		 n = 0, cap = 0, i, rootlen = strlen(kbroot);
	int		 k, line, bad = 0;

	collect(root, &v, &n, &cap);
	for (i = 0; i < n; i++) {
		if ((target = include_target(v[i])) == NULL)
			continue;
		line = cmark_node_get_start_line(v[i]);
		sb_reset(&want);
		slash = strrchr(path, '/');
		if (target[0] != '/' && slash != NULL)
			sb_add(&want, path, (size_t)(slash - path + 1));
		sb_adds(&want, target);
		if (realpath(want.buf, real) == NULL) {
			bad += msg_report(MSG_WARNING, path, line, 1, "cannot "
			    "include %s: %s", target, strerror(errno)) != 0;
			record(st, want.buf, target, NULL, rootlen, 0, 0);
			goto next;
		}
		if (strncmp(real, kbroot, rootlen) != 0 ||
		    (real[rootlen] != '/' && real[rootlen] != '\0')) {
			bad += msg_report(MSG_WARNING, path, line, 1, "refusing "
			    "to include %s: outside the knowledge base",
			    target) != 0;
			record(st, want.buf, target, NULL, rootlen, 0, 0);
			goto next;
		}
		for (k = 0; k < st->n; k++)
			if (strcmp(st->v[k], real) == 0)
				break;
		if (k < st->n) {
			bad += msg_report(MSG_WARNING, path, line, 1,
			    k == st->n - 1 ? "include cycle: %s includes itself" :
			    "include cycle: %s includes this file", target) != 0;
			record(st, want.buf, target, real, rootlen, 0, 0);
			goto next;
		}
		if (st->n > INCLUDE_DEPTH_MAX) {
			bad += msg_report(MSG_WARNING, path, line, 1, "includes "
			    "nested more than %d deep; %s left out",
			    INCLUDE_DEPTH_MAX, target) != 0;
			record(st, want.buf, target, real, rootlen, 0, 0);
			goto next;
		}
		/*
		 * The resolved path, checked above, is what is read: the path
		 * as written could be a link retargeted since realpath().
		 */
		if (read_file(real, want.buf, &rt) == -1) {
			record(st, want.buf, target, real, rootlen, 0, 0);
			bad++;
			goto next;
		}
		record(st, want.buf, target, real, rootlen, rt.hash, 1);
		parse_front_matter(rt.text, want.buf, &meta);
		parse_meta_release(&meta);
		sub = parse_markdown(rt.text, rt.len);
		free(rt.text);
		st->v[st->n++] = xstrdup(real);
		bad += expand(sub, want.buf, kbroot, st);
		free(st->v[--st->n]);
		for (c = cmark_node_first_child(sub); c != NULL; c = next) {
			next = cmark_node_next(c);
			cmark_node_unlink(c);
			if (!cmark_node_insert_before(v[i], c))
				cmark_node_free(c);
		}
		parse_free(sub);
next:
		/* included or not, the directive itself is no content */
		cmark_node_unlink(v[i]);
		cmark_node_free(v[i]);
		free(target);
	}
	free(v);
	sb_release(&want);
	return bad;
}

int
parse_includes(cmark_node *root, const char *path, const char *kbroot,
    struct kb_doc *doc)
{
	struct inc_stack st = { { 0 }, 0, NULL, NULL };
	char		 realroot[PATH_MAX], real[PATH_MAX];
	int		 bad;

	st.kbroot = kbroot;
	st.doc = doc;
	if (realpath(kbroot, realroot) == NULL) {
		/* a document compiled so is never kept without compiling */
		if (doc != NULL)
			kb_doc_add_include(doc, ".", 0, 0);
		return msg_report(MSG_WARNING, path, 0, 0, "cannot resolve "
		    "%s: %s; includes left out", kbroot, strerror(errno)) != 0;
	}
	if (realpath(path, real) != NULL)
		st.v[st.n++] = xstrdup(real);
	bad = expand(root, path, realroot, &st);
	while (st.n > 0)
		free(st.v[--st.n]);
	return bad;
}
