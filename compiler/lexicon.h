/* SPDX-License-Identifier: MIT */
/*
 * The words that give sections their roles: heading names ("Symptoms",
 * "Cause 2", "Resolution"), inline labels ("**Problem**:") and alert
 * markers ("[!NOTE]").  PCRE2 patterns, compiled once.
 */
#ifndef KB_LEXICON_H
#define KB_LEXICON_H

#include <stddef.h>

/* Role (enum kb_role) named by a heading, or -1 for a topic heading. */
int	 lexicon_heading(const char *heading);
/* Role named by an inline label such as "Possible cause", or -1. */
int	 lexicon_label(const char *label);
/*
 * Role named by a plain-text label that opens text ("Cause: ...",
 * "Action:"), or -1; *skip is set to the length of the label and colon.
 */
int	 lexicon_text_label(const char *text, size_t *skip);
/*
 * Role of a paragraph that opens with a cue sentence ("To resolve this
 * issue, ..." is procedure, "This issue occurs because" cause), or -1.
 */
int	 lexicon_prose_role(const char *text);
/* What a table column holds, from its header. */
enum lexicon_col {
	LEXICON_COL_CODE,	/* error code, event id, status */
	LEXICON_COL_MESSAGE,	/* the message text */
	LEXICON_COL_DESC,	/* a description: the message if none else */
	LEXICON_COL_CAUSE,	/* meaning, cause, explanation */
	LEXICON_COL_PROC	/* resolution, action */
};
/* Kind of column (enum lexicon_col) named by a header, or -1. */
int	 lexicon_table_column(const char *header);
/* Nonzero for a body metadata line ("Applies to: ..."). */
int	 lexicon_metadata(const char *line);
/*
 * Nonzero when text starts with an alert marker: "[!NOTE]" and its kin
 * (any case), or a Tencent callout "?" / "!".  *skip is set to the length
 * of the marker.
 */
int	 lexicon_alert(const char *text, size_t *skip);
/* Nonzero when a stand-alone line of plain text reads "Step N: ...". */
int	 lexicon_step_line(const char *line);
/*
 * Nonzero when a heading names the fix of one problem ("Workaround",
 * "Resolution for Windows XP"), not one of several ways ("Method 2").
 */
int	 lexicon_fix_heading(const char *heading);
/* Nonzero when a stand-alone plain-text line is an alert word ("Note"). */
int	 lexicon_alert_word(const char *line);
/* Nonzero when text tells that an error message follows or precedes. */
int	 lexicon_error_cue(const char *text);
/* Nonzero when a heading reads as an error message ("... failed"). */
int	 lexicon_error_heading(const char *heading);
/* Nonzero when an error-like heading reads as the message itself. */
int	 lexicon_message(const char *heading);
/* Nonzero when a sentence says what a message or log says ("states:"). */
int	 lexicon_error_mention(const char *text);
/* Nonzero when a line of a code block is a command, not a message. */
int	 lexicon_command(const char *line);
void	 lexicon_shutdown(void);

#endif
