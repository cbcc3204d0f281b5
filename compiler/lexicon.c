/* SPDX-License-Identifier: MIT */
/*
 * The section-label lexicon for classify.c and outline.c.  Each list is
 * one anchored, case-insensitive PCRE2 pattern, compiled once with JIT;
 * adding a dialect's word is a one-line change here.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"
#include "lexicon.h"

/* Enough for any heading; see normalize.c for why the limit is low. */
#define LEXICON_MATCH_LIMIT	100000

struct rule {
	const char	*src;		/* anchored pattern */
	int		 role;		/* enum kb_role, or -1 */
	pcre2_code	*re;		/* compiled on first use */
};

/* Optional numbering or trailing text after a section word. */
#define TAIL "(?:\\s*\\d+)?(?:\\s*[:.\\-\\x{2013}\\x{2014}].*)?\\s*$"
/*
 * A section word narrowed to one case of several: "Resolution for
 * Windows XP", "Workaround for error 2", "Cause of error 1", "Symptoms
 * when the guest account is disabled".
 */
#define FOR "(?:\\s*\\d+)?\\s+(?:for|of|when|if)\\s+\\S.*$"

static struct rule headings[] = {
	{ "^(?:fault |problem |issue )?(?:symptoms?|issues?|problems?"
	  "|problem description|description of the (?:problem|issue)"
	  "|error messages?|the problem|phenomenon|what you see"
	  "|summary of the (?:problem|issue))" TAIL "|^symptoms?" FOR,
	  ROLE_SYMPTOM, NULL },
	{ "^(?:possible |probable |potential |root |likely |common )?(?:causes?"
	  "|reasons?|why (?:this|it) happens|cause analysis)" TAIL
	  "|^causes?" FOR, ROLE_CAUSE, NULL },
	{ "^(?:diagnos(?:is|e|tics)|how to (?:check|verify|diagnose)"
	  "|verification|verify|check(?:ing)? the cause|analysis"
	  "|verifying (?:the )?(?:issue|problem))" TAIL,
	  ROLE_DIAGNOSIS, NULL },
	{ "^(?:resolutions?|solutions?|procedures?|workarounds?|fix(?:es)?"
	  "|how to (?:fix|resolve)|steps(?: to (?:resolve|fix))?"
	  "|troubleshooting(?: steps| ideas| procedure| methods?)?"
	  "|troubleshoot|methods?|more solutions|other solutions"
	  "|to resolve (?:this|the) (?:issue|problem)|resolving the issue"
	  "|remediation|mitigation|step \\d+|solving steps"
	  "|(?:suggested|recommended|corrective) actions?)" TAIL
	  "|^(?:resolutions?|solutions?|workarounds?|fix(?:es)?)" FOR
	  "|^[^:]{0,60}\\b(?:error|issue|problem|failure)s?"
	  "\\s+(?:resolution|workaround|solution)s?\\s*$",
	  ROLE_PROCEDURE, NULL },
	{ "^(?:more information|additional information|status|references?"
	  "|see also|related (?:articles|topics|links|content)|next steps"
	  "|applies to|notes?|third-party information disclaimer"
	  "|data collection|security recommendations?|contact us"
	  "|feedback)\\s*$", ROLE_NOTE, NULL },
};

static struct rule labels[] = {
	{ "^(?:problems?|symptoms?|issue|error|error message|description"
	  "|phenomenon|fault)\\s*$", ROLE_SYMPTOM, NULL },
	{ "^(?:(?:possible|potential) causes?|causes?|root cause|reasons?"
	  "|explanation)\\s*$",
	  ROLE_CAUSE, NULL },
	{ "^(?:diagnosis|diagnostics|analysis)\\s*$", ROLE_DIAGNOSIS, NULL },
	{ "^(?:procedure|(?:possible |suggested |recommended )?(?:solutions?"
	  "|resolutions?|workarounds?|fix(?:es)?)|steps"
	  "|(?:user )?action|handling method|how to fix)\\s*$",
	  ROLE_PROCEDURE, NULL },
};

/*
 * Plain-text paragraph labels ("Cause: ...", "Explanation:", "Action:"):
 * unlike bold labels they need the colon, since "Cause" alone starts
 * ordinary sentences.  "Error:" is left out: it usually opens the quoted
 * message itself.
 */
#define TEXT_LABEL_END "\\s*[:\\x{ff1a}]\\s*"
static struct rule text_labels[] = {
	{ "^(?:symptoms?|problem|issue|phenomenon|problem description)"
	  TEXT_LABEL_END, ROLE_SYMPTOM, NULL },
	{ "^(?:possible causes?|causes?|root cause|reasons?|explanation"
	  "|why this happens)" TEXT_LABEL_END, ROLE_CAUSE, NULL },
	{ "^(?:diagnosis|things to check|how to verify)" TEXT_LABEL_END,
	  ROLE_DIAGNOSIS, NULL },
	{ "^(?:possible (?:solutions?|resolutions?|fix(?:es)?)|solutions?"
	  "|resolutions?|workarounds?|(?:user |recommended )?action"
	  "|fix|procedure|steps to resolve|to resolve this (?:issue|problem))"
	  TEXT_LABEL_END, ROLE_PROCEDURE, NULL },
};

/* Sentences that open a paragraph of another role than the section's. */
static struct rule prose_cues[] = {
	{ "^(?:as a workaround|to work ?around (?:this|the)|to resolve (?:this|"
	  "the)|to fix (?:this|the)|to correct (?:this|the)|to avoid this"
	  "|to solve (?:this|the)|you can work around|to recover from"
	  "|to troubleshoot (?:this|the)|try the following|do the following"
	  "|follow (?:these|the) steps|perform the following steps)\\b",
	  ROLE_PROCEDURE, NULL },
	{ "^(?:this (?:issue|problem|behaviou?r|error) (?:occurs|happens"
	  "|is caused|can occur|may occur)(?: because| when| if| due)"
	  "|this occurs because|the (?:issue|problem|error) occurs because)"
	  "\\b", ROLE_CAUSE, NULL },
};

/*
 * Column headers of tables of error codes and event ids, tested in this
 * order: "Error code" is a code column before it is a message column.
 */
static struct rule columns[] = {
	{ "^(?:(?:error|event|status|stop|bug ?check|hresult|win32|nt status"
	  "|return|exit|result|reason|disconnect(?:ion)? reason)\\s*)?"
	  "(?:codes?|ids?|numbers?|values?|#)\\s*$"
	  "|^(?:error|event|hresult|ntstatus|messageid\\b.*|error status"
	  "|status|constant|symbolic name|code \\(hex\\)|hex)\\s*$",
	  LEXICON_COL_CODE, NULL },
	{ "^(?:(?:error|event|status)\\s+)?(?:messages?|strings?|text)\\s*$"
	  "|^(?:error|event)\\s+(?:message|string|text)s?\\b"
	  "|^symptoms?\\s*$", LEXICON_COL_MESSAGE, NULL },
	{ "^(?:description|name|summary)\\s*$", LEXICON_COL_DESC, NULL },
	{ "^(?:(?:possible |root )?causes?|reasons?|meaning|explanation"
	  "|details?|why)\\s*$", LEXICON_COL_CAUSE, NULL },
	{ "^(?:resolutions?|solutions?|(?:user |recommended )?actions?|fix"
	  "|workarounds?|what to do|recommendations?|mitigation|remedy)\\s*$",
	  LEXICON_COL_PROC, NULL },
};

/* Body metadata of Microsoft articles: not part of any symptom. */
static struct rule metadata = {
	"^(?:applies to|original kb number|original publish date"
	"|original product version|app version|kb number|product version"
	"|original kb)\\s*:", -1, NULL
};

static struct rule alert = {
	"^\\s*(?:\\[!(?:note|important|warning|tip|caution)\\]|[?!](?=\\s|$))",
	-1, NULL
};
static struct rule step_line = { "^step\\s*\\d+\\s*[:.]", -1, NULL };
/* The fix of one problem, unlike "Step 2", "Method 1" or "Mitigation 3". */
static struct rule fix_heading = {
	"^(?:resolutions?|solutions?|workarounds?|fix(?:es)?)\\b"
	"|\\b(?:resolution|solution|workaround)s?\\s*$", -1, NULL
};
static struct rule alert_word = {
	"^(?:note|notes|important|warning|caution|tip)\\s*:?\\s*$", -1, NULL
};
static struct rule error_cue = {
	"error message|error messages|following (?:error|message|warning)"
	"|message (?:appears|is displayed|is returned)|you receive"
	"|gets? (?:the|this|an?|following) (?:error|message)"
	"|receives? (?:the|this|an?) (?:error|message)"
	"|you get|you see|an error (?:occurs|appears)|with the error"
	"|reports? (?:the )?error|(?:error|message)[^.]*:\\s*$"
	"|(?:resembles?|similar to|like) (?:the following|this):\\s*$",
	-1, NULL
};

static struct rule error_heading = {
	"^(?!(?:how to|troubleshoot|fix|resolv|solv|steps|about|overview"
	"|introduction|understand|common|known))"
	".*\\b(?:error|fail(?:s|ed|ure)?|cannot|can't|could not|couldn't"
	"|unable to|denied|refused|not (?:supported|available|found|enabled"
	"|allowed|responding)|invalid|disconnected|locked|expired"
	"|timed? out)\\b", -1, NULL
};

static struct rule message = {
	"^(?:[\"\\x{201c}'](?=.*\\s.*\\s)|(?:the|a|an|this|your|error|cannot"
	"|unable|no|there|windows|remote desktop)\\s)"
	"|\\b(?:can't|cannot|couldn't|could not|unable to|is not|was not"
	"|are not|does not|did not|has been|have been|failed to|doesn't"
	"|isn't|wasn't)\\b", -1, NULL
};

static struct rule error_mention = {
	"\\b(?:error|message|warning|event|log)s?\\b[^.\"\\x{201c}]*"
	"(?:states?|says?|reads?|shows?|displays?|contains?|appears?"
	"|returns?|similar to|like)\\b", -1, NULL
};

/*
 * A command line, not a message: a shell prompt, or a line that starts
 * with a command of Windows or Linux administration followed by its
 * arguments ("netsh advfirewall set allprofiles state off",
 * "Set-ItemProperty -Path ...").
 */
static struct rule command = {
	"^\\s*(?:PS [^>]{0,200}>|[a-z]:\\\\[^>]{0,200}>|[$#] )"
	"|^\\s*(?-i:[A-Z][a-z]+-[A-Z][A-Za-z]+)\\s+\\S"
	"|^\\s*(?:[\\w.-]+\\.exe|netsh|reg|sc|net|bcdedit|wmic|powershell"
	"|cmd|dism|sfc|gpupdate|gpresult|certutil|icacls|takeown|winrm"
	"|mstsc|qwinsta|rwinsta|tscon|tsdiscon|ping|telnet|nslookup"
	"|ipconfig|route|tracert|pathping|netstat|tasklist|taskkill"
	"|sudo|systemctl|service|cat|grep|ls|cd|echo|chmod|chown|ssh"
	"|scp|curl|wget|aws|az|setspn|klist|nltest|dcdiag|repadmin"
	"|w32tm|auditpol|secedit|fsutil|diskpart|chkdsk|xcopy|robocopy"
	"|copy|del|move|mkdir|set|for)\\s+\\S", -1, NULL
};

static pcre2_match_context	*mctx;
static pcre2_match_data		*md;

static int
match(struct rule *r, const char *s, size_t *end)
{
	int		 err, rc;
	PCRE2_SIZE	 off;

	if (r->re == NULL) {
		r->re = pcre2_compile((PCRE2_SPTR)r->src, PCRE2_ZERO_TERMINATED,
		    PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP |
		    PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
		if (r->re == NULL) {
			fprintf(stderr, "internal error: lexicon pattern "
			    "%s at %zu\n", r->src, (size_t)off);
			abort();
		}
		(void)pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE);
	}
	if (md == NULL) {
		md = pcre2_match_data_create(4, NULL);
		mctx = pcre2_match_context_create(NULL);
		if (md == NULL || mctx == NULL) {
			fputs("kbc: out of memory\n", stderr);
			exit(2);
		}
		pcre2_set_match_limit(mctx, LEXICON_MATCH_LIMIT);
	}
	rc = pcre2_match(r->re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, mctx);
	if (rc < 0)
		return 0;
	if (end != NULL)
		*end = pcre2_get_ovector_pointer(md)[1];
	return 1;
}

static int
first_role(struct rule *rules, size_t n, const char *s)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (match(&rules[i], s, NULL))
			return rules[i].role;
	return -1;
}

int
lexicon_heading(const char *heading)
{
	return first_role(headings, sizeof(headings) / sizeof(headings[0]),
	    heading);
}

int
lexicon_label(const char *label)
{
	return first_role(labels, sizeof(labels) / sizeof(labels[0]), label);
}

int
lexicon_text_label(const char *text, size_t *skip)
{
	size_t	 i;

	for (i = 0; i < sizeof(text_labels) / sizeof(text_labels[0]); i++)
		if (match(&text_labels[i], text, skip))
			return text_labels[i].role;
	return -1;
}

int
lexicon_prose_role(const char *text)
{
	return first_role(prose_cues, sizeof(prose_cues) /
	    sizeof(prose_cues[0]), text);
}

int
lexicon_table_column(const char *header)
{
	return first_role(columns, sizeof(columns) / sizeof(columns[0]),
	    header);
}

int
lexicon_metadata(const char *line)
{
	return match(&metadata, line, NULL);
}

int
lexicon_alert(const char *text, size_t *skip)
{
	return match(&alert, text, skip);
}

int
lexicon_step_line(const char *line)
{
	return match(&step_line, line, NULL);
}

int
lexicon_fix_heading(const char *heading)
{
	return match(&fix_heading, heading, NULL);
}

int
lexicon_alert_word(const char *line)
{
	return match(&alert_word, line, NULL);
}

int
lexicon_error_heading(const char *heading)
{
	return match(&error_heading, heading, NULL);
}

int
lexicon_message(const char *heading)
{
	return lexicon_error_heading(heading) && match(&message, heading, NULL);
}

int
lexicon_error_mention(const char *text)
{
	return match(&error_mention, text, NULL);
}

int
lexicon_command(const char *line)
{
	return match(&command, line, NULL);
}

int
lexicon_error_cue(const char *text)
{
	return match(&error_cue, text, NULL);
}

static void
free_rules(struct rule *r, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		pcre2_code_free(r[i].re);
		r[i].re = NULL;
	}
}

void
lexicon_shutdown(void)
{
	free_rules(headings, sizeof(headings) / sizeof(headings[0]));
	free_rules(labels, sizeof(labels) / sizeof(labels[0]));
	free_rules(text_labels, sizeof(text_labels) / sizeof(text_labels[0]));
	free_rules(prose_cues, sizeof(prose_cues) / sizeof(prose_cues[0]));
	free_rules(&metadata, 1);
	free_rules(columns, sizeof(columns) / sizeof(columns[0]));
	free_rules(&alert, 1);
	free_rules(&step_line, 1);
	free_rules(&fix_heading, 1);
	free_rules(&alert_word, 1);
	free_rules(&error_cue, 1);
	free_rules(&command, 1);
	free_rules(&error_mention, 1);
	free_rules(&error_heading, 1);
	free_rules(&message, 1);
	pcre2_match_data_free(md);
	pcre2_match_context_free(mctx);
	md = NULL;
	mctx = NULL;
}
