#!/bin/sh
# SPDX-License-Identifier: MIT
# Resource ceilings (RELIABILITY.md section 7; release build only), peak
# RSS and wall time from /usr/bin/time -f '%e %M':
# - kbc on the rdp corpus: peak RSS <= 256 MiB;
# - kbc on each hostile document of tests/bad: <= 1 s and <= 512 MiB;
# - kbsearch given 100k words (1 MB of arguments): <= 1 s (Q4).
# A run over its time is repeated once, so that one scheduling hiccup on a
# busy CI machine is not a failure; memory is not.
# usage: bounds.sh KBC KBSEARCH WORKDIR [CORPUS_DIR]
set -u
KBC=${1:?usage: bounds.sh KBC KBSEARCH WORKDIR [CORPUS_DIR]}
KBSEARCH=${2:?}
work=${3:?}
corpus=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "1..0 # SKIP no /usr/bin/time (package time)"; exit 77; }
case $KBC in /*) ;; *) KBC=$(pwd)/$KBC ;; esac
case $KBSEARCH in /*) ;; *) KBSEARCH=$(pwd)/$KBSEARCH ;; esac
unset KBSEARCH_DB
n=0 failed=0

# measure CMD...: runs CMD under time(1); sets secs and kib
measure() {
	"$TIME" -f '%e %M' -o time.out "$@" >cmd.out 2>cmd.err </dev/null
	rc=$?
	secs=$(tail -1 time.out | cut -d' ' -f1)
	kib=$(tail -1 time.out | cut -d' ' -f2)
}

# bound WHAT MAX_SECS MAX_MIB CMD...: TAP line for one run within limits
bound() {
	what=$1 max_s=$2 max_mib=$3
	shift 3
	measure "$@"
	if awk -v s="$secs" -v m="$max_s" 'BEGIN { exit !(s > m) }'; then
		first=$secs
		measure "$@"
		secs="$secs (first run $first)"
	fi
	n=$((n + 1))
	mib=$((kib / 1024))
	if [ "$rc" -gt 2 ] ||
	    awk -v s="${secs%% *}" -v m="$max_s" 'BEGIN { exit !(s > m) }' ||
	    [ "$mib" -gt "$max_mib" ]; then
		echo "not ok $n - $what: exit $rc, $secs s, $mib MiB (max $max_s s, $max_mib MiB)"
		head -3 cmd.err | sed 's/^/# /'
		failed=$((failed + 1))
	else
		echo "ok $n - $what: $secs s, $mib MiB"
	fi
}

rm -rf "$work"
mkdir -p "$work" && cd "$work" || exit 2

if [ -n "$corpus" ] && [ -d "$corpus" ]; then
	bound "kbc on $(basename "$corpus") corpus" 60 256 \
	    "$KBC" -q -o corpus.db "$corpus"
else
	echo "# no corpus at '$corpus': its RSS ceiling is not checked"
fi

sh "$here/bad/mkcorpus.sh" "$work/bad" \
    "$here/../kb/cloud-windows/login-failures.md" || exit 2
for f in "$work"/bad/docs/*; do
	bound "kbc on $(basename "$f")" 1 512 "$KBC" -q -o doc.db "$f"
done

# 100,000 words, 1 MB in all: one argument may not exceed 128 KiB (Linux
# MAX_ARG_STRLEN), so they come as separate arguments, which kbsearch joins
awk 'BEGIN { srand(7); for (i = 0; i < 100000; i++)
	printf "word%06x%s\n", int(rand() * 16777216), (i % 7 ? "" : "err") }' >words
set -- $(cat words)
echo "# $# words, $(wc -c <words) bytes"
bound "kbsearch with 100k words" 1 256 "$KBSEARCH" "$@"
echo "1..$n"
[ "$failed" -eq 0 ]
