/* SPDX-License-Identifier: MIT */
/*
 * Stage 2 of the compiler: YAML front matter, then the markdown parser.
 * The parser is cmark-gfm, for its GFM pipe tables; no markdown is parsed
 * by hand here.
 */
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "parse.h"
#include "util.h"

static int	 is_fence(const char *, const char *);
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
		if (*eol == '\0') {
			msg_report(MSG_WARNING, name, 1, 1, "front matter is "
			    "never closed; read as body text");
			return;
		}
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

cmark_node *
parse_markdown(const char *text, size_t len)
{
	cmark_parser	*parser;
	cmark_syntax_extension *table;
	cmark_node	*root;

	cmark_gfm_core_extensions_ensure_registered();
	parser = cmark_parser_new(CMARK_OPT_DEFAULT);
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
