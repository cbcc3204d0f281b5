#!/bin/sh
# SPDX-License-Identifier: MIT
# The CI fuzz smoke run (RELIABILITY.md section 8): fuzz_card and
# fuzz_query for SECONDS seconds side by side, then fuzz_log, seeded with
# the knowledge base, the compile fixtures, the search cases and the log
# fixtures; then a replay of every past finding in regress/.
# With FUZZ_ALL=1 (tests/fuzz/long.sh) fuzz_index runs too, beside
# fuzz_log, on images of the default KB compiled here with the built kbc,
# and the rdp corpus documents under 64 KiB join the seeds when
# ../shared is there.  Never more than two targets run at once, unless
# FUZZ_TOGETHER=1: then all of them run side by side for SECONDS (a long
# run of one hour each in one hour of wall time, at half a core each).
# usage: smoke.sh FUZZ_BUILD_DIR [SECONDS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$1 secs=${2:-30}
all=${FUZZ_ALL:-0}
together=${FUZZ_TOGETHER:-0}
work=$build/fuzz-work
rm -rf "$work"
mkdir -p "$work/card" "$work/query" "$work/log" "$work/index"
find "$here/../../kb" "$here/../compile" -name '*.md' -o -name '*.txt' 2>/dev/null |
    while read -r f; do cp "$f" "$work/card/"; done
corpus=$here/../../../shared/corpus/rdp
if [ "$all" = 1 ] && [ -d "$corpus" ]; then
	find "$corpus" -name '*.md' -size -64k | while read -r f; do
		cp "$f" "$work/card/rdp-$(basename "$f")"
	done
fi
printf 'The credentials that were used to connect to 10.0.0.1 did not work\n' \
    >"$work/query/seed1"
printf '2024-05-06 10:22:31 ERROR 0x80090302 C:\\temp corp\\bob {0}\n' \
    >"$work/query/seed2"
# the queries of the search cases, one seed each
grep -v -e '^#' -e '^=>' -e '^$' "$here/../search/cases.txt" |
    awk -v d="$work/query" '{ print > (d "/case" NR) }'
# fuzz_log reads a count byte and that many chunk sizes before the log
for f in "$here"/../log/*.log "$here"/../log/*.txt; do
	{ printf '\003\001\007\077'; cat "$f"; } >"$work/log/$(basename "$f")"
done
if [ "$all" = 1 ]; then
	# the default KB and one of its documents, compiled by the built kbc,
	# also with 512-byte pages (denser images) when sqlite3 is there
	# (kbc leaves a .stat file beside its output: not a seed)
	mkdir -p "$work/kb1" "$work/kbc"
	cp "$here/../../kb/cloud-windows/nla-not-supported.md" "$work/kb1/"
	ASAN_OPTIONS=detect_leaks=0 "$build/compiler/kbc" -q \
	    -o "$work/kbc/kb.db" "$here/../../kb"
	ASAN_OPTIONS=detect_leaks=0 "$build/compiler/kbc" -q \
	    -o "$work/kbc/kb1.db" "$work/kb1"
	for db in kb kb1; do
		cp "$work/kbc/$db.db" "$work/index/"
		command -v sqlite3 >/dev/null || continue
		sqlite3 "$work/kbc/$db.db" "PRAGMA page_size=512;
		    VACUUM INTO '$work/index/$db-512.db'"
	done
fi
run() {
	t=$1 len=$2 dir=$3
	shift 3
	if ! "$build/tests/fuzz/$t" -max_total_time="$secs" -timeout=2 \
	    -rss_limit_mb=1024 -max_len="$len" -print_final_stats=1 \
	    -artifact_prefix="$work/$t-" "$@" "$work/$dir" \
	    >"$work/$t.log" 2>&1; then
		tail -40 "$work/$t.log"
		return 1
	fi
	grep -E 'stat::number_of_executed_units|Done' "$work/$t.log" | tail -2
}
rc=0
run fuzz_card 65536 card &
p1=$!
run fuzz_query 4096 query -dict="$here/query.dict" &
p2=$!
if [ "$together" != 1 ]; then
	wait $p1 || rc=1
	wait $p2 || rc=1
fi
run fuzz_log 65536 log -malloc_limit_mb=64 -dict="$here/log.dict" &
p3=$!
if [ "$all" = 1 ]; then
	# each image prints why it was rejected: -close_fd_mask=2
	run fuzz_index 262144 index -close_fd_mask=2 || rc=1
fi
wait $p3 || rc=1
if [ "$together" = 1 ]; then
	wait $p1 || rc=1
	wait $p2 || rc=1
fi
targets="fuzz_card fuzz_query fuzz_log"
# fuzz_index is built for the long run only; replay it when it is there
[ -x "$build/tests/fuzz/fuzz_index" ] && targets="$targets fuzz_index"
# the replay keeps the limits of the run (an OOM is a finding too)
for t in $targets; do
	lim=
	[ "$t" = fuzz_log ] && lim=-malloc_limit_mb=64
	if [ -n "$(find "$here/regress/$t" -type f ! -name .keep 2>/dev/null)" ]; then
		"$build/tests/fuzz/$t" -timeout=2 -rss_limit_mb=1024 $lim \
		    $(find "$here/regress/$t" -type f ! -name .keep) || rc=1
	fi
done
exit $rc
