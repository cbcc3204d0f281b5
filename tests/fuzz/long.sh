#!/bin/sh
# SPDX-License-Identifier: MIT
# The long fuzz run (RELIABILITY.md section 8): builds the libFuzzer
# targets with clang (ASan+UBSan) in BUILD, then runs each of the four
# for HOURS hours, two at a time (fuzz_card and fuzz_query, then fuzz_log
# and fuzz_index: 2 x HOURS of wall time), seeded as the smoke run plus
# the rdp corpus and images of the default KB, and replays
# tests/fuzz/regress/.  Findings land in BUILD/fuzz-work/.  With
# FUZZ_TOGETHER=1 the four run at once instead (HOURS of wall time).
# usage: long.sh [HOURS] [BUILD]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
hours=${1:-1}
build=${2:-$here/../../build-fuzz}
CC=clang cmake -S "$here/../.." -B "$build" -DCMAKE_BUILD_TYPE=Asan \
    -DKB_FUZZ=ON >/dev/null
cmake --build "$build" -j 2 --target kbc fuzz_card fuzz_query fuzz_log \
    fuzz_index
secs=$(awk -v h="$hours" 'BEGIN { printf "%d", h * 3600 }')
FUZZ_ALL=1 sh "$here/smoke.sh" "$build" "$secs"
