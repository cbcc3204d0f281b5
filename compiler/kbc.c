/* SPDX-License-Identifier: MIT */
/*
 * kbc, the knowledge-base compiler: runs the stages (walk, read, parse,
 * outline, classify, extract, write) over each document and maps the
 * worst diagnostic to the exit status.  Also --dump (the cards of one
 * document as JSON) and --check (lint a KB without writing an index).
 */
/* realpath(3) is XSI */
#define _XOPEN_SOURCE	700

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "card.h"
#include "classify.h"
#include "config.h"
#include "dedup.h"
#include "extract.h"
#include "guard.h"
#include "lexicon.h"
#include "msg.h"
#include "normalize.h"
#include "outline.h"
#include "parse.h"
#include "read.h"
#include "synonyms.h"
#include "util.h"
#include "walk.h"
#include "writer.h"

enum mode {
	MODE_BUILD,		/* write an index */
	MODE_DUMP,		/* print one document's cards */
	MODE_CHECK		/* lint, write nothing */
};

/*
 * The progress line appears only on a terminal and only once a build has
 * run this long, so that a small KB compiles without flicker.
 */
#define PROGRESS_DELAY	0.5
/* Seconds between redraws: ten a second looks live and costs nothing. */
#define PROGRESS_EVERY	0.1

struct progress {
	int	 on;		/* stderr is a terminal, not -q */
	double	 start;		/* when the build started */
	double	 last;		/* last redraw, 0 before the first */
	size_t	 width;		/* characters on screen now */
};

static struct progress progress;

static void	 check_doc(const struct kb_doc *, const char *);
static void	 check_dup(struct dedup *, const struct kb_doc *,
		    const char *, char ***, size_t *);
static struct kb_doc *compile_doc(const struct walk_entry *,
		    struct read_text *);
static int	 includes_unchanged(struct writer *,
		    const struct walk_entry *);
static const char *kb_root(const struct walk_entry *);
static double	 now(void);
static void	 on_signal(int);
static void	 progress_clear(void);
static void	 progress_draw(size_t, size_t, size_t, const char *);
static int	 under_cwd(const char *);
static void	 usage(FILE *, int) __attribute__((noreturn));

static void
usage(FILE *f, int full)
{
	if (!full) {
		fputs("usage: kbc [-qv] [-o OUT.db] [--] DIR|FILE...\n"
		    "try 'kbc --help'\n", f);
		exit(2);
	}
	fputs("usage: kbc [-qv] [-o OUT.db] [--] DIR|FILE...\n"
	    "       kbc --dump FILE\n"
	    "       kbc --check DIR|FILE...\n"
	    "\n"
	    "Compile troubleshooting documents (.md, .markdown, .txt) into a\n"
	    "kbsearch index.  Directories are searched recursively; a\n"
	    "document's id is its path under the directory, without the\n"
	    "extension.  The index is built in a temporary file and renamed\n"
	    "over OUT only when the whole build succeeded; documents that\n"
	    "did not change are copied from an OUT written by this kbc.\n"
	    "\n"
	    "  -o, --output OUT  write the index to OUT (default kb.db)\n"
	    "  -q, --quiet       do not print warnings\n"
	    "  -v, --verbose     print one line per document\n"
	    "      --dump FILE   print the cards found in FILE as JSON\n"
	    "      --check       report documents with no symptom, no steps\n"
	    "                    or broken anchors; write nothing\n"
	    "  -h, --help        print this help and exit\n"
	    "      --version     print the version and exit\n"
	    "\n"
	    "Exit status: 0 every document compiled (warnings allowed),\n"
	    "1 a document was rejected (the index is written without it) or\n"
	    "--check found problems, 2 usage or system error (the old index\n"
	    "is left in place).\n", f);
	exit(0);
}

static void
on_signal(int sig)
{
	writer_signal_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Nonzero when path lies under the current directory.  A document named
 * alone (kbc --dump FILE) has no KB root; the current directory stands in
 * for it, so its includes still resolve when run from the KB's top.
 */
static int
under_cwd(const char *path)
{
	char	 cwd[PATH_MAX], real[PATH_MAX];
	size_t	 n;

	if (realpath(".", cwd) == NULL || realpath(path, real) == NULL)
		return 0;
	n = strlen(cwd);
	return strncmp(cwd, real, n) == 0 && (real[n] == '/' || n == 1);
}

/* Title of a document: front matter, else its first h1, else its id. */
static char *
doc_title(struct outline *o, const struct parse_meta *meta, const char *id)
{
	const char	*base;
	size_t		 i;

	if (meta->title != NULL && !str_blank(meta->title))
		return xstrdup(meta->title);
	for (i = 1; i < o->n; i++)
		if (o->v[i].level == 1 && !str_blank(o->v[i].heading))
			return xstrdup(o->v[i].heading);
	base = strrchr(id, '/');
	return xstrdup(base ? base + 1 : id);
}

/* Seconds on a monotonic clock. */
static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Redraws the progress line (documents done of total, throughput, and
 * what is happening when not compiling) if it is due.  Nothing before
 * PROGRESS_DELAY seconds, nor more often than every PROGRESS_EVERY.
 */
static void
progress_draw(size_t done, size_t total, size_t bytes, const char *what)
{
	char		 line[160];
	double		 t, el;
	size_t		 n;
	int		 len;

	if (!progress.on)
		return;
	t = now();
	el = t - progress.start;
	if (el < PROGRESS_DELAY || (what == NULL &&
	    t - progress.last < PROGRESS_EVERY))
		return;
	progress.last = t;
	len = snprintf(line, sizeof(line), "kbc: %zu/%zu documents, "
	    "%.1f MB/s%s%s", done, total, (double)bytes / 1e6 / el,
	    what ? ", " : "", what ? what : "");
	if (len < 0)
		return;
	n = (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1;
	/* spaces over what a longer previous line left */
	fprintf(stderr, "\r%s%*s", line, progress.width > n ?
	    (int)(progress.width - n) : 0, "");
	if (progress.width > n)
		fprintf(stderr, "\r%s", line);
	progress.width = n;
	fflush(stderr);
}

/* Erases the progress line; also runs before every diagnostic. */
static void
progress_clear(void)
{
	if (progress.width == 0)
		return;
	fprintf(stderr, "\r%*s\r", (int)progress.width, "");
	progress.width = 0;
}

/*
 * The directory that e's includes must lie under and that the paths of
 * doc_include are relative to.  A document named alone has none: the
 * current directory stands in when it lies under it (see under_cwd()).
 */
static const char *
kb_root(const struct walk_entry *e)
{
	return e->is_arg && under_cwd(e->path) ? "." : e->root;
}

/*
 * Nonzero when a document whose bytes are unchanged may be kept as it is
 * in the previous index without compiling it, as far as its includes go:
 * when every file it included then (w knows them) still has the same
 * bytes, read at the same path.  A document that could not include a
 * file is compiled again, so that the warning is repeated and a file
 * that appeared is seen.
 */
static int
includes_unchanged(struct writer *w, const struct walk_entry *e)
{
	const struct kb_include *inc;
	struct strbuf	 sb = { 0 };
	unsigned long long hash;
	const char	*root;
	size_t		 i, n, size;
	int		 same = 1;

	inc = writer_includes(w, e->id, &n);
	root = n > 0 ? kb_root(e) : NULL;
	for (i = 0; i < n && same; i++) {
		sb_reset(&sb);
		sb_addf(&sb, "%s/%s", root, inc[i].path);
		same = inc[i].is_read && read_hash(sb.buf, &hash, &size) == 0 &&
		    hash == inc[i].hash;
	}
	sb_release(&sb);
	return same;
}

/*
 * Compiles one document from its text, read into rt by read_file(), and
 * frees the text.  Returns its cards, or NULL when it was rejected
 * (reported).
 */
static struct kb_doc *
compile_doc(const struct walk_entry *e, struct read_text *rt)
{
	struct parse_meta meta;
	struct outline	 o;
	struct kb_doc	*doc;
	struct cmark_node *root;
	char		*md = NULL;
	size_t		 len;

	if (guard_check(rt->text, rt->len, e->path) == -1) {
		free(rt->text);
		rt->text = NULL;
		return NULL;
	}
	parse_front_matter(rt->text, e->path, &meta);
	len = rt->len;
	if (str_endswith(e->path, ".txt") && !outline_is_markdown(rt->text))
		md = outline_recover_plain(rt->text, &len);
	root = parse_markdown(md ? md : rt->text, len);
	doc = kb_doc_new(e->id, "");
	parse_includes(root, e->path, kb_root(e), doc);
	outline_build(root, e->path, &o);
	classify_outline(&o);
	free(doc->title);
	doc->title = doc_title(&o, &meta, e->id);
	if (meta.description != NULL) {
		free(doc->description);
		doc->description = xstrdup(meta.description);
	}
	if (extract_cards(&o, e->path, doc) == 0)
		msg_report(MSG_WARNING, e->path, 0, 0, "no cards");
	outline_release(&o);
	parse_free(root);
	parse_meta_release(&meta);
	free(md);
	free(rt->text);
	rt->text = NULL;
	return doc;
}

/*
 * --check: a document whose steps are nearly those of an earlier one
 * (the two NLA seed pages) is reported once, on the later document.
 * names keeps the paths seen so far, indexed by dedup id.
 */
static void
check_dup(struct dedup *d, const struct kb_doc *doc, const char *path,
    char ***names, size_t *n)
{
	struct strbuf	 sb = { 0 };
	size_t		 i, j;
	long long	 dup;
	double		 sim;

	for (i = 0; i < doc->ncards; i++)
		for (j = 0; j < doc->cards[i]->nsteps; j++)
			kb_card_add_text(&sb, doc->cards[i]->steps[j].text);
	*names = xreallocarray(*names, *n + 1, sizeof(**names));
	(*names)[*n] = xstrdup(path);
	dup = dedup_add(d, sb_str(&sb), (long long)*n, &sim);
	(*n)++;
	if (dup >= 0)
		msg_report(MSG_WARNING, path, 1, 1, "near-duplicate of %s "
		    "(%.0f%% of its steps)", (*names)[dup], sim * 100);
	sb_release(&sb);
}

/* --check: what makes a card hard to find or to follow. */
static void
check_doc(const struct kb_doc *doc, const char *path)
{
	const struct kb_card *c;
	size_t		 i, j, k;
	int		 found;

	for (i = 0; i < doc->ncards; i++) {
		c = doc->cards[i];
		if (c->symptom.len == 0 && c->nerrs == 0)
			msg_report(MSG_WARNING, path, c->line, 1,
			    "card '%s' has no symptom", c->title);
		if (c->nsteps == 0)
			msg_report(MSG_WARNING, path, c->line, 1,
			    "procedure '%s' has no steps", c->title);
		for (j = 0; j < c->nlinks; j++) {
			const char *t = c->links[j].target;

			if (t[0] != '#')
				continue;
			found = 0;
			for (k = 0; k < doc->ncards && !found; k++)
				found = strcasecmp(doc->cards[k]->anchor,
				    t + 1) == 0;
			if (!found)
				msg_report(MSG_WARNING, path,
				    c->links[j].line, 1, "anchor '%s' does "
				    "not resolve to a card", t);
		}
	}
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "output",	required_argument,	NULL, 'o' },
		{ "quiet",	no_argument,		NULL, 'q' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ "dump",	no_argument,		NULL, 'D' },
		{ "check",	no_argument,		NULL, 'C' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	struct walk_list list = { 0 };
	struct writer	*w = NULL;
	struct cache	*cache = NULL;
	unsigned long long hash;
	size_t		 size;
	struct writer_stats ws;
	struct kb_doc	*doc;
	struct read_text rt;
	struct strbuf	 json = { 0 };
	struct dedup	*dd = NULL;
	char		**names = NULL;
	size_t		 nnames = 0;
	const char	*out = "kb.db";
	enum mode	 mode = MODE_BUILD;
	size_t		 i, n, ndocs = 0, nreused = 0, ncards = 0;
	size_t		 nbytes = 0;
	int		 ch, quiet = 0, verbose = 0, reused, is_md, rc;

	msg_init("kbc", 0);
	while ((ch = getopt_long(argc, argv, "o:qvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			out = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'D':
			mode = MODE_DUMP;
			break;
		case 'C':
			mode = MODE_CHECK;
			break;
		case 'h':
			usage(stdout, 1);
		case 'V':
			printf("kbc %s\n", KB_VERSION);
			return 0;
		default:
			usage(stderr, 0);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0 || (mode == MODE_DUMP && argc != 1))
		usage(stderr, 0);
	msg_init("kbc", quiet);
	progress.start = now();
	progress.on = mode == MODE_BUILD && !quiet && isatty(STDERR_FILENO);
	msg_set_hook(progress_clear);

	xalloc_on_oom(writer_signal_cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	/* a file-size limit becomes a write error, not a kill */
	signal(SIGXFSZ, SIG_IGN);

	/* before the walk: its stamps are compared with this time */
	if (mode == MODE_BUILD)
		cache = cache_open(out);
	for (i = 0; i < (size_t)argc; i++)
		walk_add(&list, argv[i]);
	walk_finish(&list);
	if (mode == MODE_BUILD && list.n == 0 && msg_worst() < MSG_ERROR)
		msg_report(MSG_WARNING, NULL, 0, 0, "no documents found");
	if (mode == MODE_BUILD && (w = writer_open(out, 1)) == NULL) {
		cache_close(cache, 0);
		walk_release(&list);
		return 2;
	}
	/* a KB root may ship synonyms (acronyms) for the matcher */
	for (i = 0; mode == MODE_BUILD && i < (size_t)argc; i++) {
		struct strbuf syn = { 0 };

		sb_addf(&syn, "%s/%s", argv[i], SYNONYMS_FILE);
		rc = access(syn.buf, R_OK) == 0 ?
		    synonyms_load(w, syn.buf) : 0;
		sb_release(&syn);
		if (rc == -1) {
			writer_abort(w);
			w = NULL;
			goto out;
		}
	}
	/*
	 * A document is kept without compiling when its bytes (by the hash
	 * cache, or read) and those of the files it included are the same
	 * as in OUT.  Not when it has no markdown heading: such a page is
	 * read as plain text when named .txt and as markdown otherwise, and
	 * the index does not record the extension.  Those are compiled, and
	 * kept when they compile to the same rows (writer_add_doc() compares
	 * digests), and the cache does not know them.
	 */
	for (i = 0; i < list.n; i++) {
		progress_draw(i, list.n, nbytes, NULL);
		reused = 0;
		is_md = 1;
		rt.text = NULL;
		if (w != NULL && cache_get(cache, &list.v[i], &hash, &size) &&
		    includes_unchanged(w, &list.v[i]))
			reused = writer_reuse_doc(w, list.v[i].id, hash, size,
			    &n);
		if (reused == 0) {
			if (read_file(list.v[i].path, list.v[i].path,
			    &rt) == -1)
				continue;
			hash = rt.hash;
			size = rt.size;
			is_md = outline_is_markdown(rt.text);
			if (w != NULL && is_md &&
			    includes_unchanged(w, &list.v[i]))
				reused = writer_reuse_doc(w, list.v[i].id,
				    hash, size, &n);
		}
		nbytes += size;
		if (is_md)
			cache_put(cache, &list.v[i], hash, size);
		if (reused != 0) {
			free(rt.text);
			if (reused == -1) {
				writer_abort(w);
				w = NULL;
				goto out;
			}
			if (verbose)
				fprintf(stderr, "kbc: %s: %zu cards, reused\n",
				    list.v[i].path, n);
			ndocs++;
			nreused++;
			ncards += n;
			continue;
		}
		doc = compile_doc(&list.v[i], &rt);
		if (doc == NULL)
			continue;
		if (verbose)
			fprintf(stderr, "kbc: %s: %zu cards\n",
			    list.v[i].path, doc->ncards);
		ndocs++;
		ncards += doc->ncards;
		switch (mode) {
		case MODE_DUMP:
			kb_doc_json(doc, &json);
			fputs(json.buf, stdout);
			sb_reset(&json);
			break;
		case MODE_CHECK:
			check_doc(doc, list.v[i].path);
			if (dd == NULL)
				dd = dedup_new();
			check_dup(dd, doc, list.v[i].path, &names, &nnames);
			break;
		case MODE_BUILD:
			rc = writer_add_doc(w, doc, rt.hash, rt.size);
			if (rc == -1) {
				kb_doc_free(doc);
				writer_abort(w);
				w = NULL;
				msg_report(MSG_FATAL, NULL, 0, 0,
				    "%s left unchanged", out);
				goto out;
			}
			break;
		}
		kb_doc_free(doc);
	}
	if (w != NULL) {
		progress_draw(list.n, list.n, nbytes, "checking the index");
		rc = writer_commit(w, &ws);
		w = NULL;
		cache_close(cache, rc != -1);
		cache = NULL;
		progress_clear();
		if (rc == -1)
			msg_report(MSG_FATAL, NULL, 0, 0, "%s left unchanged",
			    out);
		else if (!quiet && rc == 1)
			fprintf(stderr, "kbc: %zu documents (%zu reused), "
			    "%zu cards, %d warnings, 0 changed; index up to "
			    "date, %.1f s\n", ndocs, nreused, ncards,
			    msg_warnings(), now() - progress.start);
		else if (!quiet && ws.delta)
			fprintf(stderr, "kbc: %zu documents (%zu reused), "
			    "%zu cards, %d warnings, %zu changed, %zu removed, "
			    "%.1f s\n", ndocs, nreused, ncards, msg_warnings(),
			    ws.changed, ws.removed, now() - progress.start);
		else if (!quiet)
			fprintf(stderr, "kbc: %zu documents (%zu reused), "
			    "%zu cards, %d warnings, %.1f s\n", ndocs,
			    nreused, ncards, msg_warnings(),
			    now() - progress.start);
	}
out:
	cache_close(cache, 0);
	dedup_free(dd);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	sb_release(&json);
	walk_release(&list);
	lexicon_shutdown();
	normalize_shutdown();
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (errno != EPIPE)
			msg_error("write error: %s", strerror(errno));
		return 2;
	}
	switch (msg_worst()) {
	case MSG_OK:
		return 0;
	case MSG_WARNING:
		return mode == MODE_CHECK ? 1 : 0;
	case MSG_ERROR:
		return 1;
	default:
		return 2;
	}
}
