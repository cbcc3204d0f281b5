#!/bin/sh
# SPDX-License-Identifier: MIT
# The manual pages against the programs: every option and environment
# variable that "kbc --help" and "kbsearch --help" print appears in the
# rendered page, the pages have the sections the project promises and
# render with no groff (or mandoc) warnings, and the worked example of
# docs/authoring.md compiles into the cards the text says it does.  The
# bash completion offers every long option too.
# Usage: docs.sh KBC KBSEARCH SRCDIR
KBC=${1:?usage: docs.sh KBC KBSEARCH SRCDIR}
KBSEARCH=${2:?usage: docs.sh KBC KBSEARCH SRCDIR}
SRC=${3:?usage: docs.sh KBC KBSEARCH SRCDIR}
DOCS=$SRC/docs
COMPLETION=$SRC/contrib/kbsearch.bash
if ! command -v groff >/dev/null 2>&1; then
	echo "skipped: groff is not installed (package groff-base)"
	exit 77
fi
. "$(dirname "$0")/lib.sh"
tmpdir kbdocs

# render PAGE: plain ASCII text, no hyphenation, so that an option is never
# split at the end of a line.
render() {
	{ printf '.nh\n.de hy\n..\n'; cat "$1"; } |
	    groff -mandoc -Tascii -P-cbou 2>/dev/null
}

# has TEXTFILE WORD: WORD occurs, not as part of a longer option.
has() {
	grep -Eq -- "(^|[^A-Za-z0-9_-])$2([^A-Za-z0-9_-]|\$)" "$1"
}

# check_page PROG PAGE
check_page() {
	prog=$1
	page=$2
	name=$(basename "$page")
	if [ ! -s "$page" ]; then
		notok "$name exists"
		return
	fi
	if ! "$prog" --help >"$T/help" 2>"$T/help.err"; then
		notok "$prog --help exits 0"
		return
	fi
	render "$page" >"$T/text"
	[ -s "$T/text" ] && ok "$name renders" || notok "$name renders"

	# long options, then short ones ("  -o, --output"), then variables
	for opt in $(grep -oE -- '--[a-z][a-z0-9-]*' "$T/help" | sort -u) \
	    $(grep -oE -- '^ *-[A-Za-z],' "$T/help" | tr -d ' ,' | sort -u) \
	    $(grep -oE '[A-Z][A-Z0-9]*_[A-Z0-9_]+' "$T/help" | sort -u); do
		if has "$T/text" "$opt"; then
			ok "$name documents $opt"
		else
			notok "$name documents $opt (printed by --help)"
		fi
	done
	for opt in $(grep -oE -- '--[a-z][a-z0-9-]*' "$T/help" | sort -u); do
		if has "$COMPLETION" "$opt"; then
			ok "completion offers $(basename "$prog") $opt"
		else
			notok "completion offers $(basename "$prog") $opt"
		fi
	done

	for sec in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT FILES \
	    'EXIT STATUS' EXAMPLES 'SEE ALSO'; do
		if grep -q "^$sec\$" "$T/text"; then
			ok "$name has $sec"
		else
			notok "$name has a $sec section"
		fi
	done
	# the exit statuses 0, 1 and 2 are each described
	sed -n '/^EXIT STATUS$/,/^[A-Z]/p' "$T/text" >"$T/exit"
	for st in 0 1 2; do
		if grep -Eq "^ +$st +[A-Z]" "$T/exit"; then
			ok "$name describes exit status $st"
		else
			notok "$name describes exit status $st"
		fi
	done

	# groff with every warning enabled; mandoc's linter when present
	groff -ww -mandoc -z "$page" >"$T/warn" 2>&1
	if [ $? -eq 0 ] && [ ! -s "$T/warn" ]; then
		ok "$name: no groff warnings"
	else
		notok "$name: groff warnings"
		sed 's/^/# /' "$T/warn"
	fi
	if command -v man >/dev/null 2>&1; then
		MANWIDTH=80 man --warnings=w -l "$page" >/dev/null 2>"$T/warn"
		if [ $? -eq 0 ] && [ ! -s "$T/warn" ]; then
			ok "$name: man -l renders without warnings"
		else
			notok "$name: man -l warnings"
			sed 's/^/# /' "$T/warn"
		fi
	fi
	if command -v mandoc >/dev/null 2>&1; then
		if mandoc -T lint -W warning "$page" >"$T/warn" 2>&1; then
			ok "$name: mandoc -T lint"
		else
			notok "$name: mandoc -T lint"
			sed 's/^/# /' "$T/warn"
		fi
	fi
}

check_page "$KBC" "$DOCS/kbc.1"
check_page "$KBSEARCH" "$DOCS/kbsearch.1"

# what the issue asks the pages to show
render "$DOCS/kbsearch.1" >"$T/text"
for want in 'journalctl -b | kbsearch' 'kbsearch --json' 'KBSEARCH_DB' \
    'NO_COLOR' 'share/kbsearch/kb.db'; do
	if grep -Fq -- "$want" "$T/text"; then
		ok "kbsearch.1 mentions '$want'"
	else
		notok "kbsearch.1 mentions '$want'"
	fi
done

# The worked example of docs/authoring.md: compiles with no warnings, into
# the cards the text names, and passes --check.
ex="$DOCS/examples/print-spooler.md"
if "$KBC" --dump "$ex" >"$T/dump" 2>"$T/dump.err" && [ ! -s "$T/dump.err" ]
then
	ok "kbc --dump on the worked example: exit 0, no warnings"
else
	notok "kbc --dump on the worked example"
	sed 's/^/# /' "$T/dump.err"
fi
for anchor in SpoolerStops access-denied-when-you-print PrinterOffline; do
	if grep -Eq "^      \"anchor\": \"$anchor\"," "$T/dump" &&
	    grep -Fq "\"anchor\": \"$anchor\"" "$DOCS/authoring.md"; then
		ok "worked example has card $anchor, as authoring.md says"
	else
		notok "worked example has card $anchor, as authoring.md says"
	fi
done
if "$KBC" --check "$ex" >/dev/null 2>"$T/check.err"; then
	ok "kbc --check passes the worked example"
else
	notok "kbc --check passes the worked example"
	sed 's/^/# /' "$T/check.err"
fi

summary
