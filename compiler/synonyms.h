/* SPDX-License-Identifier: MIT */
/*
 * The synonym file a KB ships (synonyms.tsv at a KB root): acronyms and
 * other words that the matcher also searches under another name.
 */
#ifndef KB_SYNONYMS_H
#define KB_SYNONYMS_H

struct writer;

/* Name of the file looked for at the root of each KB directory. */
#define SYNONYMS_FILE	"synonyms.tsv"

/*
 * Reads path ("TERM<TAB>EXPANSION" lines, '#' comments, blank lines) and
 * adds each pair to w, both normalized as the matcher sees them.  A bad
 * line is reported as "kbc: path:line: error: ..." and skipped.
 * Returns 0, or -1 when the file cannot be read or the index write
 * failed (reported).
 */
int	 synonyms_load(struct writer *w, const char *path);

#endif
