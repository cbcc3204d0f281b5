#!/bin/sh
# SPDX-License-Identifier: MIT
# The long fuzz run (RELIABILITY.md section 8): builds the libFuzzer
# targets with clang (ASan+UBSan) in BUILD, then runs all three at once
# for HOURS hours each, seeded as the smoke run plus the rdp corpus, and
# replays tests/fuzz/regress/.  Findings land in BUILD/fuzz-work/.
# usage: long.sh [HOURS] [BUILD]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
hours=${1:-1}
build=${2:-$here/../../build-fuzz}
CC=clang cmake -S "$here/../.." -B "$build" -DCMAKE_BUILD_TYPE=Asan \
    -DKB_FUZZ=ON >/dev/null
cmake --build "$build" -j 2 --target fuzz_card fuzz_normalize fuzz_log
secs=$(awk -v h="$hours" 'BEGIN { printf "%d", h * 3600 }')
FUZZ_ALL=1 sh "$here/smoke.sh" "$build" "$secs"
