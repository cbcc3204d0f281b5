#!/bin/sh
# SPDX-License-Identifier: MIT
# The CI fuzz smoke run (RELIABILITY.md section 8): each target for
# SECONDS seconds, two at a time, seeded with the knowledge base and the
# compile fixtures; then a replay of every past finding in regress/.
# usage: smoke.sh FUZZ_BUILD_DIR [SECONDS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$1 secs=${2:-30}
work=$build/fuzz-work
rm -rf "$work"
mkdir -p "$work/card" "$work/normalize"
find "$here/../../kb" "$here/../compile" -name '*.md' -o -name '*.txt' 2>/dev/null |
    while read -r f; do cp "$f" "$work/card/"; done
printf 'The credentials that were used to connect to 10.0.0.1 did not work\n' \
    >"$work/normalize/seed1"
printf '2024-05-06 10:22:31 ERROR 0x80090302 C:\\temp corp\\bob {0}\n' \
    >"$work/normalize/seed2"
run() {
	"$build/tests/fuzz/$1" -max_total_time="$secs" -timeout=2 \
	    -rss_limit_mb=1024 -max_len="$2" -print_final_stats=1 \
	    "$work/$3" >"$work/$1.log" 2>&1 || { tail -40 "$work/$1.log"; return 1; }
	grep -E 'stat::number_of_executed_units|Done' "$work/$1.log" | tail -2
}
run fuzz_card 65536 card &
p1=$!
run fuzz_normalize 4096 normalize &
p2=$!
rc=0
wait $p1 || rc=1
wait $p2 || rc=1
for t in fuzz_card fuzz_normalize; do
	if [ -n "$(find "$here/regress/$t" -type f ! -name .keep 2>/dev/null)" ]; then
		"$build/tests/fuzz/$t" $(find "$here/regress/$t" -type f ! -name .keep) || rc=1
	fi
done
exit $rc
