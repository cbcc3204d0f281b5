#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs tests/bad/cases.txt: generates the corpus, builds a good index to
# guard, then checks each case's exit status and stderr, that the good
# index keeps its sha256 whenever kbc fails with status 2, that no
# temporary index is left, that stdout and stderr are valid UTF-8, and
# that every case ends within its time limit; one TAP line per case, with
# its wall time.
# usage: run.sh KBC KBSEARCH WORKDIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
KBC=$1 KBSEARCH=$2 work=$3
seeds=$here/../../kb/cloud-windows/login-failures.md
sh "$here/mkcorpus.sh" "$work" "$seeds" || exit 2
cd "$work" || exit 2
OLD=$work/db/old.db
"$KBC" -q -o "$OLD" "$here/../../kb" || exit 2
"$KBC" --dump lf/page.md >lf/page.dump
export KBC KBSEARCH OLD
limit=${KB_BAD_TIMEOUT:-10}
tab=$(printf '\t')
while IFS="$tab" read -r id cmd want re; do
	case $id in '#'*|'') continue ;; esac
	before=$(sha256sum "$OLD" | cut -d' ' -f1)
	start=$(date +%s.%N)
	# a case's own "<" replaces this stdin
	timeout "$limit" sh -c "$cmd" >out/stdout 2>out/stderr </dev/null
	rc=$?
	secs=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.2f", $2 - $1 }')
	after=$(sha256sum "$OLD" | cut -d' ' -f1)
	why=
	[ "$rc" -eq "$want" ] || why="exit $rc, want $want"
	if [ "$re" = = ]; then
		[ -s out/stderr ] && why="$why; stderr is not empty"
	elif [ "$re" != - ] && ! grep -Eq -- "$re" out/stderr; then
		why="$why; stderr does not match /$re/"
	fi
	if [ "$rc" -ge 2 ] && [ "$before" != "$after" ]; then
		why="$why; the old index changed"
	fi
	if ls db/*.tmp.* docs/*.tmp.* 2>/dev/null | grep -q .; then
		why="$why; a temporary index was left"
		rm -f db/*.tmp.* docs/*.tmp.*
	fi
	if grep -q 'runtime error\|AddressSanitizer\|syntax error\|no such column\|unterminated' out/stderr; then
		why="$why; sanitizer or SQL error on stderr"
	fi
	for f in out/stdout out/stderr; do
		iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1 ||
		    why="$why; $f is not valid UTF-8"
	done
	if [ -z "$why" ]; then
		ok "$id ($secs s)"
	else
		notok "$id ($secs s):$why"
		head -3 out/stderr | cut -c1-300 | sed 's/^/# /'
	fi
done <"$here/cases.txt"
summary
