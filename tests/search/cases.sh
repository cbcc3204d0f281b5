#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs the query cases of a cases file against kbsearch.  Each case is one
# or more query lines (one line: passed as TEXT; several: piped on stdin),
# then "=> doc#anchor" for the card that must come first, or "=> nothing"
# for a query that must find nothing (exit 1), then a blank line.
# usage: cases.sh KBSEARCH DB CASES
set -u
kbsearch=$1 db=$2 cases=$3
pass=0 fail=0 query= n=0 tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

check() {
	want=$1
	if [ "$n" -eq 1 ]; then
		"$kbsearch" --db "$db" --json -n 1 -- "$query" >"$tmp" 2>&1
	else
		printf '%s\n' "$query" | "$kbsearch" --db "$db" --json -n 1 \
		    >"$tmp" 2>&1
	fi
	rc=$?
	got=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    if line.startswith("{"):
        r = json.loads(line)["results"]
        if r:
            print("%s#%s" % (r[0]["doc"], r[0]["anchor"]))
            break
' "$tmp")
	if [ "$want" = nothing ]; then
		[ "$rc" -eq 1 ] && [ -z "$got" ] && ok=1 || ok=0
	else
		[ "$rc" -eq 0 ] && [ "$got" = "$want" ] && ok=1 || ok=0
	fi
	if [ "$ok" -eq 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		printf 'FAIL: %s\n  want %s, got %s (exit %d)\n' \
		    "$(printf '%s' "$query" | head -1)" "$want" \
		    "${got:-nothing}" "$rc"
		grep -v '^{' "$tmp" | head -3
	fi
}

while IFS= read -r line || [ -n "$line" ]; do
	case $line in
	'#'*) ;;
	'=> '*)
		check "${line#=> }"
		query= n=0 ;;
	'')	;;
	*)
		if [ "$n" -eq 0 ]; then query=$line; else query="$query
$line"; fi
		n=$((n + 1)) ;;
	esac
done <"$cases"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
