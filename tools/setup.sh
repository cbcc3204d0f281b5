#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages that building kbsearch needs, and with
# "test" also those the test suite uses, only those that are missing:
# apt-get as root, else through sudo.
# usage: setup.sh [test]
set -eu
pkgs="cmake make gcc pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev
libsqlite3-dev libpcre2-dev"
if [ "${1:-}" = test ]; then
	# python3: eval and test scripts; sqlite3: index checks; zstd: the
	# corpus archive; dpkg-dev, man-db, groff-base: package and manual
	# tests; time: memory ceilings; strace: the bad-input row that proves
	# kbc never opens a file outside the KB (D16); valgrind, cppcheck,
	# clang-tidy-14: RELIABILITY.md section 9; clang and its runtime:
	# libFuzzer
	pkgs="$pkgs python3 sqlite3 zstd dpkg-dev man-db groff-base time strace
valgrind cppcheck clang-tidy-14 clang libclang-rt-14-dev"
fi
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "setup: installing$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	sudo=
else
	sudo=sudo
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >&2
