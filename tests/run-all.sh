#!/bin/sh
# SPDX-License-Identifier: MIT
# The whole test suite, as CI runs it: a release build with -Werror and its
# ctest run, then the same tests under AddressSanitizer and UBSan.
# Build trees go to build/ and build-asan/ beside this repository's files.
set -eu
cd "$(dirname "$0")/.."
jobs=${JOBS:-2}

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKB_WERROR=ON >/dev/null
cmake --build build -j "$jobs"
(cd build && ctest --output-on-failure -j "$jobs")

# Static checks (RELIABILITY.md section 9): cppcheck, and clang-tidy with
# the release build's compile commands.
cmake -S . -B build -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
JOBS=$jobs sh tests/static.sh . build

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Asan -DKB_WERROR=ON >/dev/null
cmake --build build-asan -j "$jobs"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure -j "$jobs" -LE nosan)

# libFuzzer smoke run: 30 s per target, two at a time, then the replay of
# past findings (RELIABILITY.md section 8).
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Asan -DKB_FUZZ=ON \
    >/dev/null
cmake --build build-fuzz -j "$jobs" --target fuzz_card fuzz_query \
    fuzz_log
sh tests/fuzz/smoke.sh build-fuzz "${FUZZ_SECONDS:-30}"
