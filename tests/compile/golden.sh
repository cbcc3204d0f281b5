#!/bin/sh
# SPDX-License-Identifier: MIT
# Golden tests of the compiler: runs `kbc --dump` on every fixture of one
# stage directory and diffs its stdout with NAME.json and, where NAME.err
# exists, its stderr with NAME.err.  Fixtures under includes/ are only
# transcluded, never dumped.  KB_UPDATE=1 rewrites the expected files
# (.err only when the fixture prints a diagnostic).
# With EXPECTED_DIR, the expected files live there instead of beside the
# inputs (for documents of the knowledge base itself).
# usage: golden.sh KBC STAGE_DIR [EXPECTED_DIR]
set -u
kbc=$1
dir=$2
expected=${3:-}
case $kbc in /*) ;; *) kbc=$(pwd)/$kbc ;; esac
tmp=${TMPDIR:-/tmp}/kbc-golden.$$
mkdir -p "$tmp" || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for f in "$dir"/*.md "$dir"/*.txt; do
	[ -f "$f" ] || continue
	name=${f%.*}
	if [ -n "$expected" ]; then
		name=$(basename "$name")
		name=$expected/$name
	fi
	n=$((n + 1))
	# run from the fixture's directory: ids and include roots are relative
	(cd "$(dirname "$f")" && "$kbc" --dump "$(basename "$f")") \
	    >"$tmp/out" 2>"$tmp/err"
	if [ "${KB_UPDATE:-0}" = 1 ]; then
		cp "$tmp/out" "$name.json"
		if [ -s "$tmp/err" ]; then cp "$tmp/err" "$name.err"
		else rm -f "$name.err"; fi
		continue
	fi
	if ! diff -u "$name.json" "$tmp/out" >"$tmp/diff" 2>&1; then
		echo "not ok $n - $f"
		sed 's/^/# /' "$tmp/diff"
		fail=1
		continue
	fi
	if [ -f "$name.err" ] && ! diff -u "$name.err" "$tmp/err" \
	    >"$tmp/diff" 2>&1; then
		echo "not ok $n - $f (diagnostics)"
		sed 's/^/# /' "$tmp/diff"
		fail=1
		continue
	fi
	echo "ok $n - $f"
done
echo "1..$n"
exit $fail
