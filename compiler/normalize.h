/* SPDX-License-Identifier: MIT */
/*
 * The one normalizer the compiler and the matcher share, so that both agree
 * on what a token, a placeholder and an error string are.  Variable parts
 * (addresses, numbers, GUIDs, paths, times, documentation placeholders such
 * as XXX.XXX.XXX.XXX or <server>) become placeholder words like "_ip_".
 */
#ifndef KB_NORMALIZE_H
#define KB_NORMALIZE_H

#include <stddef.h>

/* Placeholder words produced by normalize_text(). */
#define NORM_PLACEHOLDER_PREFIX	'_'

/*
 * Returns s with NUL-free, valid UTF-8 only: invalid sequences and C0
 * controls other than tab and newline are dropped.  Caller frees.
 */
char	*normalize_clean(const char *s, size_t len);

/*
 * Returns the normalized form of s: variable parts masked, lower case,
 * punctuation turned into spaces, white space squeezed.  Caller frees.
 * Equal messages that differ only in their variable parts normalize to
 * the same string: this is the error signature.
 */
char	*normalize_text(const char *s);

/* Nonzero when word (from normalize_text) is a placeholder such as _ip_. */
int	 normalize_is_placeholder(const char *word, size_t len);

/* What kind of code a string in normalize_codes() output is. */
enum norm_code_kind {
	CODE_HEX,		/* 0x80090302, lower case, no leading zeros */
	CODE_EVENT,		/* event id: "event:4625" */
	CODE_ERROR,		/* decimal error number: "error:2202" */
	CODE_CONST,		/* named constant: SEC_E_INVALID_TOKEN */
	CODE_PORT,		/* port: "port:3389" */
	CODE__MAX
};

struct norm_code {
	char		*code;	/* canonical form, owned by the array */
	enum norm_code_kind kind;
	size_t		 off;	/* byte offset of the match in the input */
};

/*
 * Finds the error codes in s and returns them in order of appearance,
 * duplicates removed, in *out (caller frees with normalize_codes_free).
 * Returns the number found.
 */
size_t	 normalize_codes(const char *s, struct norm_code **out);
void	 normalize_codes_free(struct norm_code *codes, size_t n);
const char *normalize_code_kind(enum norm_code_kind kind);

/* Release the compiled patterns (for leak checkers). */
void	 normalize_shutdown(void);

#endif
