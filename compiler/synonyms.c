/* SPDX-License-Identifier: MIT */
/*
 * Synonyms (compiler, after the walk): parses a KB's synonyms.tsv into
 * the index's synonym table.  Terms and expansions pass through
 * normalize_text(), the normalizer the matcher applies to a paste, so a
 * pasted "NLA" and the file's "NLA" meet as the same word.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "normalize.h"
#include "synonyms.h"
#include "util.h"
#include "writer.h"

/* A line longer than this is not a synonym: it is a pasted paragraph. */
#define SYNONYMS_LINE_MAX	1024

static int	 add_line(struct writer *, const char *, int, char *);

/* One non-comment line: 0 when added or skipped, -1 on a write error. */
static int
add_line(struct writer *w, const char *path, int lineno, char *line)
{
	char	*tab, *term = NULL, *exp = NULL;
	int	 ret = 0;

	if ((tab = strchr(line, '\t')) == NULL) {
		msg_report(MSG_ERROR, path, lineno, 0,
		    "expected TERM<TAB>EXPANSION");
		return 0;
	}
	*tab = '\0';
	if (strchr(tab + 1, '\t') != NULL) {
		msg_report(MSG_ERROR, path, lineno, 0,
		    "more than one tab; expected TERM<TAB>EXPANSION");
		return 0;
	}
	term = normalize_text(line);
	exp = normalize_text(tab + 1);
	if (term[0] == '\0' || exp[0] == '\0')
		msg_report(MSG_ERROR, path, lineno, 0,
		    "empty term or expansion");
	else if (strchr(term, ' ') != NULL)
		msg_report(MSG_ERROR, path, lineno, 0,
		    "term \"%s\" is not one word", line);
	else if (normalize_is_placeholder(term, strlen(term)))
		msg_report(MSG_ERROR, path, lineno, 0,
		    "term \"%s\" is a variable value, not a word", line);
	else if (strcmp(term, exp) == 0)
		msg_report(MSG_WARNING, path, lineno, 0,
		    "term \"%s\" expands to itself", line);
	else
		ret = writer_add_synonym(w, term, exp);
	free(term);
	free(exp);
	return ret;
}

int
synonyms_load(struct writer *w, const char *path)
{
	FILE	*fp;
	char	 buf[SYNONYMS_LINE_MAX + 2];
	size_t	 len;
	int	 lineno = 0, ret = -1, longline = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return msg_error("cannot open %s: %s", path, strerror(errno));
	while (fgets(buf, sizeof(buf), fp) != NULL) {
		len = strlen(buf);
		if (longline) {
			/* rest of a line already reported */
			longline = len > 0 && buf[len - 1] != '\n';
			continue;
		}
		lineno++;
		if (len > 0 && buf[len - 1] == '\n')
			buf[--len] = '\0';
		else if (!feof(fp)) {
			msg_report(MSG_ERROR, path, lineno, 0,
			    "line longer than %d bytes", SYNONYMS_LINE_MAX);
			longline = 1;
			continue;
		}
		if (len > 0 && buf[len - 1] == '\r')
			buf[--len] = '\0';
		if (str_blank(buf) || buf[strspn(buf, " \t")] == '#')
			continue;
		if (add_line(w, path, lineno, buf) == -1)
			goto out;
	}
	if (ferror(fp)) {
		msg_error("cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	fclose(fp);
	return ret;
}
