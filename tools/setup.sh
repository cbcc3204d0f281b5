#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages that building and testing kbsearch need,
# and only those that are missing: apt-get as root, else through sudo.
set -eu
pkgs="cmake make gcc pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev
libsqlite3-dev sqlite3 libpcre2-dev python3 zstd dpkg-dev man-db groff-base
time valgrind cppcheck clang-tidy-14"
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
