/* SPDX-License-Identifier: MIT */
/*
 * Loading one document: size limit, regular-file check, binary and
 * encoding checks, BOM removal and line-ending normalization.
 */
#ifndef KB_READ_H
#define KB_READ_H

#include <stddef.h>

/*
 * Largest document read: 3.7 times the largest real article (555 KB);
 * bounds cmark's memory near 400 MB even for dense markup.
 */
#define KB_DOC_MAX_BYTES	((size_t)2 * 1024 * 1024)

struct read_text {
	char		*text;	/* UTF-8, LF line ends, NUL-terminated */
	size_t		 len;	/* bytes in text */
	unsigned long long hash; /* hash of the bytes as stored on disk */
	size_t		 size;	/* size on disk */
};

/*
 * Reads path (shown as name in diagnostics) into rt.  Returns 0, or -1
 * after reporting why the document was rejected.  Free rt->text.
 */
int	 read_file(const char *path, const char *name, struct read_text *rt);

/*
 * The hash and size of the bytes of the file at path, as read_file()
 * would give them in rt->hash and rt->size, without checking the text
 * and without a diagnostic.  Returns 0, or -1 when path is not a regular
 * file of at most KB_DOC_MAX_BYTES that can be read.
 */
int	 read_hash(const char *path, unsigned long long *hash, size_t *size);

/*
 * Checks and converts raw bytes as read_file() does (BOM, CRLF, UTF-8,
 * NUL); buf is consumed.  For tests and fuzzers.  Returns 0 or -1.
 */
int	 read_buffer(char *buf, size_t len, const char *name,
	    struct read_text *rt);

#endif
