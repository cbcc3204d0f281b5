/* SPDX-License-Identifier: MIT */
/*
 * kbsearch: paste an error message, get the procedure card that fixes it.
 * main() parses the options, takes the query from the arguments or reads
 * stdin as a log (input -> logscan: one query per distinct error), runs
 * retrieve -> score for each query, ranks log groups by how confidently
 * they matched, renders them and maps the outcome to the exit status: 0
 * something matched confidently, 1 nothing did, 2 a usage or internal
 * error.  --show DOC#ANCHOR prints one card in full instead (lookup.c).
 */
#include <sys/ioctl.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "input.h"
#include "logscan.h"
#include "lookup.h"
#include "msg.h"
#include "normalize.h"
#include "render.h"
#include "retrieve.h"
#include "score.h"
#include "util.h"

/* Results shown by default: the answer and two alternatives. */
#define KB_LIMIT_DEFAULT	3
/* --all without -n: every candidate, up to what retrieval gathers. */
#define KB_LIMIT_ALL		100
/* Text width when neither the terminal nor $COLUMNS says. */
#define KB_WIDTH_DEFAULT	80
/* Narrower than this, a numbered sub-step has no room left for words. */
#define KB_WIDTH_MIN		20
/* Wider than this is no screen; it only guards the arithmetic. */
#define KB_WIDTH_MAX		10000

enum {
	EXIT_MATCH = 0,		/* something matched with confidence */
	EXIT_NOMATCH = 1,	/* nothing confident, no searchable words */
	EXIT_TROUBLE = 2	/* usage, index or write error */
};

enum {
	OPT_ALL = CHAR_MAX + 1,
	OPT_DB,
	OPT_EXPLAIN,
	OPT_JSON,
	OPT_NO_COLOR,
	OPT_SHOW,
	OPT_VERSION
};

struct opts {
	const char	*db;		/* --db FILE, or NULL */
	const char	*show;		/* --show DOC#ANCHOR, or NULL */
	long		 limit;		/* results per query */
	int		 limit_set;	/* -n was given */
	int		 all;		/* show results below the threshold */
	int		 no_color;	/* --no-color */
	struct render_opts render;	/* output format */
};

/*
 * Log groups matched, the most frequent first (then the first seen).
 * One costs a few milliseconds of retrieval on a small KB and tens on the
 * whole corpus; nobody reads a thousand results, and 10,000 groups would
 * take minutes.  The others are counted as not shown, with a warning.
 */
#define KB_MATCH_GROUPS_MAX	1000
/*
 * Wall-clock budget for matching log groups, in milliseconds: a large
 * index or a slow machine ends matching early, with the same warning,
 * rather than leaving the user waiting.
 */
#define KB_MATCH_BUDGET_MS	20000
/*
 * Bytes of results kept per log between matching and writing: 3 results
 * of 1,000 groups take about 2 MB.  Past it (--all -n 100 on a large
 * log) a group keeps only its rank and is matched again when written.
 */
#define KB_KEEP_MAX		((size_t)8 * 1024 * 1024)

/* A log group, how well it matched, and the results it will show. */
struct ranked {
	const struct logscan_group *g;	/* the group */
	double		 best;		/* confidence of its best card */
	int		 confident;	/* best reached SCORE_THRESHOLD */
	int		 kept;		/* res holds the results to show */
	int		 foreign;	/* its text names a program or code
					   the KB does not know */
	struct cands	 res;		/* those results, ranked, owned */
};

static int	 by_count(const void *, const void *);
static int	 by_rank(const void *, const void *);
static long	 elapsed_ms(const struct timespec *);
static int	 finish(int);
static void	 help(void);
static void	 group_query(const struct logscan_group *,
		    struct input_query *);
static int	 match_group(struct db *, const struct opts *,
		    struct ranked *, size_t *);
static int	 run_log(struct db *, struct input *, const struct opts *);
static int	 run_query(struct db *, const struct input_query *,
		    const struct opts *, struct cands *);
static int	 run_show(struct db *, const struct opts *);
static int	 text_width(void);
static int	 use_color(const struct opts *);
static int	 usage(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

/* errno of the first failed write to stdout, 0 while none failed. */
static int	 write_errno;

static const struct option longopts[] = {
	{ "all",	no_argument,		NULL, OPT_ALL },
	{ "db",		required_argument,	NULL, OPT_DB },
	{ "explain",	no_argument,		NULL, OPT_EXPLAIN },
	{ "help",	no_argument,		NULL, 'h' },
	{ "json",	no_argument,		NULL, OPT_JSON },
	{ "limit",	required_argument,	NULL, 'n' },
	{ "no-color",	no_argument,		NULL, OPT_NO_COLOR },
	{ "show",	required_argument,	NULL, OPT_SHOW },
	{ "version",	no_argument,		NULL, OPT_VERSION },
	{ NULL,		0,			NULL, 0 }
};

static void
help(void)
{
	fputs(
"usage: kbsearch [--db FILE] [-n N] [--all] [--json] [--explain]\n"
"                [--no-color] [--] [TEXT...]\n"
"       kbsearch [--db FILE] [--json] [--no-color] --show DOC[#ANCHOR]\n"
"\n"
"Find the troubleshooting procedure for an error message.  The TEXT words,\n"
"joined by spaces, are one query.  Without TEXT, standard input is read as\n"
"a log (journal, Event Viewer export, console output, a pasted dialog):\n"
"each distinct error is matched once, counted, and shown with its first\n"
"line, the best-matched first, then a summary line.\n"
"\n"
"options:\n"
"  --db FILE      search the index FILE built by kbc (default: $KBSEARCH_DB,\n"
"                 else the knowledge base built into this program)\n"
"  -n, --limit N  show at most N results per query or error (default 3)\n"
"  --all          also show results below the confidence threshold\n"
"                 (and up to 100 of them unless -n is given)\n"
"  --json         write JSON Lines, one object per query or error group:\n"
"                 {\"query\",\"line\",\"count\",\"results\":[{\"rank\",\"score\",\n"
"                 \"confidence\",\"doc\",\"anchor\",\"title\",\"matched\",\"cause\",\n"
"                 \"steps\"}]}; steps are strings numbered \"1.\", \"1.1.\"...\n"
"  --explain      show the evidence behind each result (JSON: \"explain\")\n"
"  --show DOC#ANCHOR\n"
"                 print that card in full, as a result names it (the\n"
"                 anchor in any case); DOC alone lists its cards\n"
"  --no-color     no colour (also when NO_COLOR is set or TERM=dumb)\n"
"  --version      print the version and exit\n"
"  -h, --help     print this help and exit\n"
"  --             end of options: later words are TEXT even if they\n"
"                 start with '-'\n"
"\n"
"Text output is wrapped to the terminal's width, else $COLUMNS, else 80\n"
"columns; JSON never is.\n"
"\n"
"exit status: 0 something matched with confidence (or --show found the\n"
"card), 1 nothing confident (or no searchable words, or no such card),\n"
"2 usage or internal error.\n",
	    stdout);
}

/* One line of usage and a pointer to --help on stderr; returns 2. */
static int
usage(const char *fmt, ...)
{
	va_list	 ap;

	if (fmt != NULL) {
		fprintf(stderr, "%s: ", msg_prog());
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fputs("usage: kbsearch [--db FILE] [-n N] [--all] [--json]"
	    " [--explain] [--no-color] [--show DOC#ANCHOR] [--] [TEXT...]\n"
	    "try 'kbsearch --help'\n", stderr);
	return EXIT_TROUBLE;
}

/* Colour only for a terminal, without NO_COLOR, TERM=dumb or --no-color. */
static int
use_color(const struct opts *o)
{
	const char	*s;

	if (o->no_color || o->render.json || !isatty(STDOUT_FILENO))
		return 0;
	if ((s = getenv("NO_COLOR")) != NULL && *s != '\0')
		return 0;
	if ((s = getenv("TERM")) != NULL && strcmp(s, "dumb") == 0)
		return 0;
	return 1;
}

/*
 * Columns of text output: the terminal's, else $COLUMNS, else
 * KB_WIDTH_DEFAULT, never less than KB_WIDTH_MIN.
 */
static int
text_width(void)
{
	const char	*s;
	char		*end;
	long		 n = 0;
#ifdef TIOCGWINSZ
	struct winsize	 ws;

	if (isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		n = ws.ws_col;
#endif
	if (n == 0 && (s = getenv("COLUMNS")) != NULL && *s != '\0') {
		errno = 0;
		n = strtol(s, &end, 10);
		if (errno != 0 || *end != '\0' || n < 1)
			n = 0;
	}
	if (n == 0)
		n = KB_WIDTH_DEFAULT;
	if (n < KB_WIDTH_MIN)
		n = KB_WIDTH_MIN;
	if (n > KB_WIDTH_MAX)
		n = KB_WIDTH_MAX;
	return (int)n;
}

/*
 * Matches one query and writes its results.  When pre is not NULL it
 * holds the ranked results of a log group matched earlier, which
 * run_query takes over (leaving *pre empty) instead of matching again.
 * Returns EXIT_MATCH, EXIT_NOMATCH or EXIT_TROUBLE.
 */
static int
run_query(struct db *db, const struct input_query *q, const struct opts *o,
    struct cands *pre)
{
	struct cands	 cands = { 0 };
	struct card_view *views = NULL;
	struct card_more *more = NULL;
	struct render_item *items = NULL;
	size_t		 i, n = 0;
	int		 rc, ret = EXIT_TROUBLE, confident = 0;

	if (pre != NULL) {
		cands = *pre;
		memset(pre, 0, sizeof(*pre));
		rc = 0;
	} else if ((rc = retrieve_query(db, q->text, q->source, &cands)) ==
	    -1)
		goto out;
	else {
		if (rc == 1 && !o->render.groups)
			msg_error("no searchable words in the query");
		score_finish(&cands);
	}
	views = xcalloc(cands.n ? cands.n : 1, sizeof(*views));
	more = xcalloc(cands.n ? cands.n : 1, sizeof(*more));
	items = xcalloc(cands.n ? cands.n : 1, sizeof(*items));
	for (i = 0; i < cands.n && n < (size_t)o->limit; i++) {
		if (cands.v[i].confidence >= SCORE_THRESHOLD)
			confident = 1;
		else if (!o->all)
			break;
		if (retrieve_card(db, cands.v[i].card, &views[n]) == -1)
			goto out;
		items[n].cand = &cands.v[i];
		items[n].card = &views[n];
		n++;
		/* text only: the cards its steps point to */
		if (!o->render.json) {
			if (lookup_more(db, cands.v[i].card, &views[n - 1],
			    &more[n - 1]) == -1)
				goto out;
			items[n - 1].more = &more[n - 1];
		}
	}
	if (rc == 0 && !confident && !o->render.json && !o->render.groups) {
		if (cands.n > 0 && !o->all)
			msg_error("no confident match (best %.2f, below %.2f;"
			    " --all shows it)", cands.v[0].confidence,
			    SCORE_THRESHOLD);
		else if (cands.n == 0)
			msg_error("no match");
	}
	render_query(q, items, n, &o->render);
	ret = confident ? EXIT_MATCH : EXIT_NOMATCH;
out:
	for (i = 0; i < n; i++) {
		retrieve_card_release(&views[i]);
		lookup_more_release(&more[i]);
	}
	free(views);
	free(more);
	free(items);
	score_cands_release(&cands);
	return ret;
}

/*
 * --show: the card o->show names in full, or every card of a document
 * (text: one line each).  Returns EXIT_MATCH, EXIT_NOMATCH when there is
 * no such card (reported, with the closest names) or EXIT_TROUBLE.
 */
static int
run_show(struct db *db, const struct opts *o)
{
	struct card_view *views = NULL;
	struct card_more more;
	long long	*ids = NULL;
	size_t		 i, n = 0, loaded = 0;
	int		 rc, ret = EXIT_TROUBLE;

	if ((rc = lookup_name(db, o->show, &ids, &n)) != 0) {
		ret = rc == 1 ? EXIT_NOMATCH : EXIT_TROUBLE;
		goto out;
	}
	views = xcalloc(n, sizeof(*views));
	for (loaded = 0; loaded < n; loaded++)
		if (retrieve_card(db, ids[loaded], &views[loaded]) == -1)
			goto out;
	if (n > 1 && !o->render.json) {
		render_list(views, n, &o->render);
		ret = EXIT_MATCH;
		goto out;
	}
	for (i = 0; i < n; i++) {
		rc = lookup_more(db, ids[i], &views[i], &more);
		if (rc == 0)
			render_card(&views[i], &more, &o->render);
		lookup_more_release(&more);
		if (rc == -1)
			goto out;
	}
	ret = EXIT_MATCH;
out:
	for (i = 0; i < loaded; i++)
		retrieve_card_release(&views[i]);
	free(views);
	free(ids);
	return ret;
}

/* The query of a log group: its first occurrence, shown masked. */
static void
group_query(const struct logscan_group *g, struct input_query *q)
{
	q->text = g->text;
	q->query = g->sig;
	q->line = g->line;
	q->count = g->count;
	q->source = g->cmd;
}

/* Order in which log groups are matched: by count, then first line. */
static int
by_count(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->g->count != y->g->count)
		return y->g->count > x->g->count ? 1 : -1;
	return (x->g->line > y->g->line) - (x->g->line < y->g->line);
}

/*
 * Ranking of log groups: confidently matched first, then by confidence,
 * then by count, then by first line (ties stay in log order).
 */
static int
by_rank(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->confident != y->confident)
		return y->confident - x->confident;
	if (x->best != y->best)
		return y->best > x->best ? 1 : -1;
	return by_count(a, b);
}

/* Milliseconds since t0. */
static long
elapsed_ms(const struct timespec *t0)
{
	struct timespec	 t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)(t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * Matches log group r->g, rates it, and keeps the results run_query()
 * will show (the first -n, only confident ones unless --all) while they
 * fit in *budget bytes, which shrinks by their size; past it, r->kept
 * stays 0 and the group is matched again when written.  Returns 0, or
 * -1 on an index error (reported).
 */
static int
match_group(struct db *db, const struct opts *o, struct ranked *r,
    size_t *budget)
{
	struct cands	 c = { 0 };
	size_t		 i, k = 0, bytes;

	if (retrieve_query(db, r->g->text, r->g->cmd, &c) == -1) {
		score_cands_release(&c);
		return -1;
	}
	score_finish(&c);
	r->best = c.n > 0 ? c.v[0].confidence : 0.0;
	r->confident = r->best >= SCORE_THRESHOLD;
	/* a prompt's command is in the whole paste too: not a reason */
	r->foreign = c.foreign != NULL && !c.foreign_prompt;
	while (k < c.n && k < (size_t)o->limit &&
	    (o->all || c.v[k].confidence >= SCORE_THRESHOLD))
		k++;
	bytes = k * sizeof(*c.v);
	for (i = 0; i < c.n; i++) {
		if (i >= k || !o->render.explain)
			sb_release(&c.v[i].why);
		if (i >= k) {
			free(c.v[i].matched);
			sb_release(&c.v[i].terms);
			continue;
		}
		bytes += c.v[i].terms.cap + (c.v[i].matched != NULL ?
		    strlen(c.v[i].matched) + 1 : 0);
	}
	c.n = k;
	/* retrieval gathers scores of candidates; keep room for k */
	if (k == 0) {
		free(c.v);
		c.v = NULL;
		c.cap = 0;
	} else if (k < c.cap) {
		c.v = xreallocarray(c.v, k, sizeof(*c.v));
		c.cap = k;
	}
	if (bytes > *budget) {
		score_cands_release(&c);
		return 0;
	}
	*budget -= bytes;
	r->res = c;
	r->kept = 1;
	return 0;
}

/*
 * Reads stdin as a log, matches each distinct error once (the most
 * frequent KB_MATCH_GROUPS_MAX within KB_MATCH_BUDGET_MS), then writes
 * the groups best-matched first and (text) a summary line.  The results
 * to show are kept from matching to writing, within KB_KEEP_MAX bytes.
 * Returns EXIT_MATCH, EXIT_NOMATCH or EXIT_TROUBLE.
 */
static int
run_log(struct db *db, struct input *in, const struct opts *o)
{
	struct logscan	*ls = logscan_new();
	struct ranked	*rank = NULL, whole = { 0 };
	struct input_query q;
	struct timespec	 t0;
	const struct logscan_group *g;
	const char	*s;
	size_t		 len, i, n = 0, nrank = 0, matched = 0;
	size_t		 budget = KB_KEEP_MAX;
	unsigned long	 skipped;
	long		 lineno;
	int		 rc, ret = EXIT_TROUBLE, foreign = 0;

	while ((rc = input_line(in, &s, &len, &lineno)) == 1)
		logscan_line(ls, s, len, lineno);
	if (rc == -1)
		goto out;
	logscan_finish(ls);
	g = logscan_groups(ls, &n);
	rank = xcalloc(n + 1, sizeof(*rank));
	for (i = 0; i < n; i++)
		rank[i].g = &g[i];
	qsort(rank, n, sizeof(*rank), by_count);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (nrank < n && nrank < KB_MATCH_GROUPS_MAX &&
	    (nrank == 0 || elapsed_ms(&t0) < KB_MATCH_BUDGET_MS)) {
		if (match_group(db, o, &rank[nrank], &budget) == -1)
			goto out;
		matched += rank[nrank++].confident;
	}
	skipped = n - nrank;
	/*
	 * A short paste with no matched error line: the whole of it.  Not
	 * when a line named a program or code the KB does not know ("psql:
	 * ... password authentication failed"): the paste is about that
	 * program, and as a whole it would only match its common words.
	 */
	for (i = 0; i < nrank && !foreign; i++)
		foreign = rank[i].foreign;
	if (matched == 0 && !foreign && (whole.g = logscan_paste(ls)) != NULL) {
		if (match_group(db, o, &whole, &budget) == -1)
			goto out;
		/* --all shows it below the threshold too, as for TEXT */
		if (whole.confident || (o->all && whole.best > 0)) {
			matched += whole.confident;
			rank[nrank++] = whole;
			memset(&whole, 0, sizeof(whole));
		}
	}
	qsort(rank, nrank, sizeof(*rank), by_rank);
	for (i = 0; i < nrank; i++) {
		group_query(rank[i].g, &q);
		if (run_query(db, &q, o, rank[i].kept ? &rank[i].res :
		    NULL) == EXIT_TROUBLE)
			goto out;
		/* stop early when nobody reads the results any more */
		if (fflush(stdout) == EOF) {
			write_errno = errno;
			break;
		}
	}
	render_summary(nrank, matched, logscan_more(ls) + skipped,
	    &o->render);
	if (skipped > 0)
		msg_warn("matched the %zu most frequent of %zu distinct"
		    " errors (at most %d, within %d s); %lu not shown",
		    nrank, n, KB_MATCH_GROUPS_MAX, KB_MATCH_BUDGET_MS / 1000,
		    skipped);
	/* JSON Lines has no summary line: say it where people look */
	if (o->render.json && logscan_more(ls) > 0)
		msg_warn("%lu more distinct errors not shown (at most %d are"
		    " held)", logscan_more(ls), KB_GROUPS_MAX);
	ret = matched > 0 ? EXIT_MATCH : EXIT_NOMATCH;
out:
	for (i = 0; rank != NULL && i < n + 1; i++)
		score_cands_release(&rank[i].res);
	score_cands_release(&whole.res);
	free(rank);
	logscan_free(ls);
	return ret;
}

/*
 * Flushes and closes stdout: a failed write is an error (exit 2), except
 * a closed pipe ("kbsearch ... | head -1"), which is quiet and keeps the
 * status, since the reader got what it asked for.
 */
static int
finish(int status)
{
	int	 bad;

	if (fflush(stdout) == EOF && write_errno == 0)
		write_errno = errno;
	bad = ferror(stdout);
	if (fclose(stdout) != 0 && write_errno == 0)
		write_errno = errno;
	if (!bad && write_errno == 0)
		return status;
	if (write_errno == EPIPE)
		return status;
	fprintf(stderr, "%s: write error: %s\n", msg_prog(),
	    strerror(write_errno != 0 ? write_errno : EIO));
	return EXIT_TROUBLE;
}

int
main(int argc, char *argv[])
{
	struct opts	 o;
	struct input	*in = NULL;
	struct db	*db = NULL;
	struct input_query q;
	char		*end;
	int		 ch, status = EXIT_NOMATCH;

	memset(&o, 0, sizeof(o));
	o.limit = KB_LIMIT_DEFAULT;
	msg_init("kbsearch", 0);
	/*
	 * A closed pipe is a write error (EPIPE), not a death by signal.
	 * signal() fails only for an invalid signal number.
	 */
	(void)signal(SIGPIPE, SIG_IGN);

	/* our own messages, with the program name rather than argv[0] */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":hn:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			help();
			return finish(EXIT_MATCH);
		case 'n':
			errno = 0;
			o.limit = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    o.limit < 1 || o.limit > INT_MAX)
				return usage("-n: not a positive number: %s",
				    optarg);
			o.limit_set = 1;
			break;
		case OPT_ALL:
			o.all = 1;
			break;
		case OPT_DB:
			if (*optarg == '\0')
				return usage("--db: empty file name");
			o.db = optarg;
			break;
		case OPT_EXPLAIN:
			o.render.explain = 1;
			break;
		case OPT_JSON:
			o.render.json = 1;
			break;
		case OPT_NO_COLOR:
			o.no_color = 1;
			break;
		case OPT_SHOW:
			if (*optarg == '\0')
				return usage("--show: empty card name");
			o.show = optarg;
			break;
		case OPT_VERSION:
			printf("kbsearch %s\n", KB_VERSION);
			return finish(EXIT_MATCH);
		case ':':
			return usage("option requires an argument: %s",
			    argv[optind - 1]);
		default:
			return usage("unknown option: %s", argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (o.all && !o.limit_set)
		o.limit = KB_LIMIT_ALL;
	o.render.color = use_color(&o);
	if (!o.render.json)
		o.render.width = text_width();

	if (o.show != NULL) {
		if (argc > 0)
			return usage("--show takes no TEXT: %s", argv[0]);
	} else if (argc > 0)
		in = input_args(argc, argv);
	else if (isatty(STDIN_FILENO))
		return usage("no TEXT and standard input is a terminal");
	else {
		in = input_stream(stdin);
		o.render.groups = 1;
	}

	if ((db = db_open(o.db)) == NULL) {
		status = EXIT_TROUBLE;
		goto out;
	}
	if (o.show != NULL)
		status = run_show(db, &o);
	else if (o.render.groups)
		status = run_log(db, in, &o);
	else if (input_next(in, &q) == 1)
		status = run_query(db, &q, &o, NULL);
out:
	db_close(db);
	input_free(in);
	normalize_shutdown();
	return finish(status);
}
