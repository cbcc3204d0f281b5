#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs tests/bad/cases.txt: generates the corpus, builds a good index to
# guard, then checks each case's exit status and stderr, that the good
# index keeps its sha256 whenever kbc fails with status 2, that no
# temporary index is left, and that every case ends within its time limit.
# usage: run.sh KBC KBSEARCH WORKDIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
KBC=$1 KBSEARCH=$2 work=$3
seeds=$here/../../kb/cloud-windows/login-failures.md
sh "$here/mkcorpus.sh" "$work" "$seeds" || exit 2
cd "$work" || exit 2
OLD=$work/db/old.db
"$KBC" -q -o "$OLD" "$here/../../kb" || exit 2
"$KBC" --dump lf/page.md >lf/page.dump
export KBC KBSEARCH OLD
limit=${KB_BAD_TIMEOUT:-10}
pass=0 fail=0
tab=$(printf '\t')
while IFS="$tab" read -r id cmd want re; do
	case $id in '#'*|'') continue ;; esac
	before=$(sha256sum "$OLD" | cut -d' ' -f1)
	timeout "$limit" sh -c "$cmd" >out/stdout 2>out/stderr </dev/null
	rc=$?
	case $cmd in *'<'*) timeout "$limit" sh -c "$cmd" >out/stdout \
	    2>out/stderr; rc=$? ;; esac
	after=$(sha256sum "$OLD" | cut -d' ' -f1)
	why=
	[ "$rc" -eq "$want" ] || why="exit $rc, want $want"
	if [ "$re" != - ] && ! grep -Eq -- "$re" out/stderr; then
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
	if [ -z "$why" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $id:$why"
		head -3 out/stderr
	fi
done <"$here/cases.txt"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
