/* SPDX-License-Identifier: MIT */
/*
 * Stage 0 of the compiler: find the documents.  Directories are walked
 * recursively in sorted order, hidden entries and includes/ directories
 * skipped, directory cycles (through symbolic links) cut by remembering
 * device and inode.  A document's id is its path under the root without
 * the extension.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "util.h"
#include "walk.h"

/*
 * Directories of fragments that documents transclude with [!INCLUDE]
 * (Microsoft's docs keep them in includes/): pieces of other pages, not
 * pages, so a directory walk skips them.  A file named on the command
 * line is still compiled.
 */
#define WALK_INCLUDES	"includes"

/* Deepest directory nesting followed; real KBs are a few levels deep. */
#define WALK_DEPTH_MAX	32

struct visited {
	dev_t	 dev;
	ino_t	 ino;
};

static void	 add_entry(struct walk_list *, const char *, const char *,
		    const char *, const struct stat *);
static int	 cmp_entry(const void *, const void *);
static int	 cmp_name(const void *, const void *);
static char	*doc_id(const char *);
static int	 too_long(const char *);
static int	 walk_dir(struct walk_list *, const char *, const char *,
		    const char *, struct visited *, int);

int
walk_is_doc(const char *name)
{
	return str_endswith(name, ".md") || str_endswith(name, ".markdown") ||
	    str_endswith(name, ".txt");
}

/* The id of a document at relative path rel: rel without its extension. */
static char *
doc_id(const char *rel)
{
	const char	*dot = strrchr(rel, '.');
	const char	*slash = strrchr(rel, '/');

	if (dot == NULL || (slash != NULL && dot < slash))
		return xstrdup(rel);
	return xstrndup(rel, (size_t)(dot - rel));
}

static void
add_entry(struct walk_list *list, const char *path, const char *rel,
    const char *root, const struct stat *st)
{
	struct walk_entry *e;

	xgrow((void **)&list->v, &list->cap, list->n + 1, sizeof(*list->v));
	e = &list->v[list->n++];
	e->path = xstrdup(path);
	e->id = doc_id(rel);
	e->root = xstrdup(root);
	e->is_arg = 0;
	e->stamp.size = (long long)st->st_size;
	e->stamp.mtime = (long long)st->st_mtim.tv_sec * 1000000000LL +
	    st->st_mtim.tv_nsec;
	e->stamp.ctime = (long long)st->st_ctim.tv_sec * 1000000000LL +
	    st->st_ctim.tv_nsec;
	e->stamp.dev = (unsigned long long)st->st_dev;
	e->stamp.ino = (unsigned long long)st->st_ino;
}

/*
 * A path longer than PATH_MAX cannot be opened by name: like a directory
 * nested too deep it is reported and left out, and the walk goes on.
 */
static int
too_long(const char *path)
{
	return msg_report(MSG_WARNING, path, 0, 0,
	    "path longer than %d bytes; not searched", PATH_MAX);
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
walk_dir(struct walk_list *list, const char *dir, const char *rel,
    const char *root, struct visited *seen, int depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	struct strbuf	 path = { 0 }, sub = { 0 };
	char		**names = NULL;
	size_t		 n = 0, cap = 0, i;
	int		 k;

	if (depth >= WALK_DEPTH_MAX)
		return msg_report(MSG_WARNING, dir, 0, 0,
		    "directories nested deeper than %d levels; not searched",
		    WALK_DEPTH_MAX);
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENAMETOOLONG)
			return too_long(dir);
		return msg_report(MSG_ERROR, NULL, 0, 0, "cannot open %s: %s",
		    dir, strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		xgrow((void **)&names, &cap, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_name);
	for (i = 0; i < n; i++) {
		sb_reset(&path);
		sb_addf(&path, "%s/%s", dir, names[i]);
		sb_reset(&sub);
		if (*rel != '\0')
			sb_addf(&sub, "%s/", rel);
		sb_adds(&sub, names[i]);
		if (stat(path.buf, &st) == -1) {
			if (errno == ENAMETOOLONG)
				too_long(path.buf);
			else
				msg_report(MSG_ERROR, NULL, 0, 0,
				    "cannot open %s: %s", path.buf,
				    strerror(errno));
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (strcmp(names[i], WALK_INCLUDES) == 0)
				continue;
			for (k = 0; k < depth; k++)
				if (seen[k].dev == st.st_dev &&
				    seen[k].ino == st.st_ino)
					break;
			if (k < depth)
				continue;	/* a cycle: already inside it */
			seen[depth].dev = st.st_dev;
			seen[depth].ino = st.st_ino;
			walk_dir(list, path.buf, sub.buf, root, seen,
			    depth + 1);
		} else if (walk_is_doc(names[i]))
			add_entry(list, path.buf, sub.buf, root, &st);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	sb_release(&path);
	sb_release(&sub);
	return 0;
}

int
walk_add(struct walk_list *list, const char *arg)
{
	struct visited	 seen[WALK_DEPTH_MAX + 1];
	struct stat	 st;
	const char	*base;
	char		*root;
	size_t		 len;

	if (stat(arg, &st) == -1)
		return msg_report(MSG_ERROR, NULL, 0, 0, "cannot open %s: %s",
		    arg, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		root = xstrdup(arg);
		len = strlen(root);
		while (len > 1 && root[len - 1] == '/')
			root[--len] = '\0';
		seen[0].dev = st.st_dev;
		seen[0].ino = st.st_ino;
		walk_dir(list, root, "", root, seen, 1);
		free(root);
		return 0;
	}
	base = strrchr(arg, '/');
	base = base ? base + 1 : arg;
	root = xstrndup(arg, (size_t)(base - arg));
	add_entry(list, arg, base, *root ? root : ".", &st);
	list->v[list->n - 1].is_arg = 1;
	free(root);
	return 0;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct walk_entry *x = a, *y = b;
	int		 c = strcmp(x->id, y->id);

	return c ? c : strcmp(x->path, y->path);
}

void
walk_finish(struct walk_list *list)
{
	size_t	 i, w = 0;

	if (list->n > 0)
		qsort(list->v, list->n, sizeof(*list->v), cmp_entry);
	for (i = 0; i < list->n; i++) {
		if (w > 0 && strcmp(list->v[w - 1].id, list->v[i].id) == 0) {
			if (strcmp(list->v[w - 1].path, list->v[i].path) != 0)
				msg_report(MSG_WARNING, list->v[i].path, 0, 0,
				    "same document id as %s; skipped",
				    list->v[w - 1].path);
			free(list->v[i].path);
			free(list->v[i].id);
			free(list->v[i].root);
			continue;
		}
		list->v[w++] = list->v[i];
	}
	list->n = w;
}

void
walk_release(struct walk_list *list)
{
	size_t	 i;

	for (i = 0; i < list->n; i++) {
		free(list->v[i].path);
		free(list->v[i].id);
		free(list->v[i].root);
	}
	free(list->v);
	memset(list, 0, sizeof(*list));
}
