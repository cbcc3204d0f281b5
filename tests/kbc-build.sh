#!/bin/sh
# SPDX-License-Identifier: MIT
# kbc's build output (issue 7): one summary line on stderr unless -q, no
# progress line (no carriage return) when stderr is not a terminal;
# includes/ directories are not compiled as documents; --check names
# files by path, as build warnings do.
# Usage: kbc-build.sh KBC SRCDIR
KBC=${1:?usage: kbc-build.sh KBC SRCDIR}
SRC=${2:?usage: kbc-build.sh KBC SRCDIR}
. "$(dirname "$0")/lib.sh"
tmpdir kbcbuild

# notok_err TEXT: a failed test, with the start of the last stderr.
notok_err() {
	notok "$1"
	[ -s "$T/err" ] && sed 's/^/# stderr: /' "$T/err" | head -5
}

mkdir -p "$T/kb/area/includes" || exit 2
cp -R "$SRC/kb/." "$T/kb/"
printf 'Restart the computer.\n' >"$T/kb/area/includes/restart.md"
printf '# Printer offline\n\n## Symptom\n\nThe printer shows "Offline".\n\n## Resolution\n\n1. Check the cable.\n\n[!INCLUDE [restart](includes/restart.md)]\n\nSee [the fix](#no-such-card).\n' \
    >"$T/kb/area/printer.md"

"$KBC" -o "$T/a.db" "$T/kb" >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && [ ! -s "$T/out" ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
    grep -Eq '^kbc: 6 documents \(0 reused\), [0-9]+ cards, 0 warnings, [0-9]+\.[0-9] s$' \
    "$T/err"; then
	ok "a build prints one summary line"
else
	notok_err "a build prints one summary line (exit $rc)"
fi
if ! grep -q "$(printf '\r')" "$T/err"; then
	ok "no progress line when stderr is a file"
else
	notok_err "no progress line when stderr is a file"
fi

"$KBC" -o "$T/a.db" "$T/kb" 2>"$T/err"
if grep -Eq '^kbc: 6 documents \(5 reused\)' "$T/err"; then
	ok "second build: the summary counts reused documents"
else
	notok_err "second build: the summary counts reused documents"
fi

"$KBC" -q -o "$T/b.db" "$T/kb" >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && [ ! -s "$T/out" ] && [ ! -s "$T/err" ]; then
	ok "-q: silent"
else
	notok_err "-q: silent (exit $rc)"
fi

if python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1])
paths = [r[0] for r in c.execute("SELECT path FROM doc")]
text = " ".join(r[0] for r in c.execute("SELECT steps FROM card_fts"))
sys.exit(0 if "area/printer" in paths and
    not any("includes" in p for p in paths) and
    "Restart the computer" in text else 1)' "$T/b.db"; then
	ok "includes/ transcluded, not compiled as a document"
else
	notok_err "includes/ transcluded, not compiled as a document"
fi

"$KBC" --check "$T/kb" >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 1 ] &&
    grep -q "^kbc: $T/kb/area/printer.md:[0-9]*:1: warning: anchor '#no-such-card'" \
    "$T/err" &&
    grep -q "^kbc: $T/kb/cloud-windows/login-failures.md:[0-9]*:1: warning: " \
    "$T/err" && ! grep -q 'documents (' "$T/err"; then
	ok "--check names files by path, prints no summary"
else
	notok_err "--check names files by path, prints no summary (exit $rc)"
fi

"$KBC" --dump "$T/kb/area/printer.md" >"$T/out" 2>"$T/err"
if [ $? -eq 0 ] && [ ! -s "$T/err" ]; then
	ok "--dump prints no summary"
else
	notok_err "--dump prints no summary"
fi

summary
