#!/bin/sh
# SPDX-License-Identifier: MIT
# The CI fuzz smoke run (RELIABILITY.md section 8): each target for
# SECONDS seconds, two at a time, seeded with the knowledge base, the
# compile fixtures and the log fixtures; then a replay of every past
# finding in regress/.
# With FUZZ_ALL=1 the three targets run at once (tests/fuzz/long.sh), and
# the rdp corpus documents under 64 KiB join the seeds when ../shared is
# there.
# usage: smoke.sh FUZZ_BUILD_DIR [SECONDS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$1 secs=${2:-30}
work=$build/fuzz-work
rm -rf "$work"
mkdir -p "$work/card" "$work/normalize" "$work/log"
find "$here/../../kb" "$here/../compile" -name '*.md' -o -name '*.txt' 2>/dev/null |
    while read -r f; do cp "$f" "$work/card/"; done
corpus=$here/../../../shared/corpus/rdp
if [ "${FUZZ_ALL:-0}" = 1 ] && [ -d "$corpus" ]; then
	find "$corpus" -name '*.md' -size -64k | while read -r f; do
		cp "$f" "$work/card/rdp-$(basename "$f")"
	done
fi
printf 'The credentials that were used to connect to 10.0.0.1 did not work\n' \
    >"$work/normalize/seed1"
printf '2024-05-06 10:22:31 ERROR 0x80090302 C:\\temp corp\\bob {0}\n' \
    >"$work/normalize/seed2"
# fuzz_log reads a count byte and that many chunk sizes before the log
for f in "$here"/../log/*.log "$here"/../log/*.txt; do
	{ printf '\003\001\007\077'; cat "$f"; } >"$work/log/$(basename "$f")"
done
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
run fuzz_normalize 4096 normalize &
p2=$!
[ "${FUZZ_ALL:-0}" = 1 ] || wait $p2 || rc=1
# the third starts when the shorter-lived of the first two is done
run fuzz_log 65536 log -malloc_limit_mb=64 -dict="$here/log.dict" &
p3=$!
wait $p1 || rc=1
wait $p3 || rc=1
[ "${FUZZ_ALL:-0}" = 1 ] && { wait $p2 || rc=1; }
for t in fuzz_card fuzz_normalize fuzz_log; do
	if [ -n "$(find "$here/regress/$t" -type f ! -name .keep 2>/dev/null)" ]; then
		"$build/tests/fuzz/$t" $(find "$here/regress/$t" -type f ! -name .keep) || rc=1
	fi
done
exit $rc
