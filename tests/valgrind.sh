#!/bin/sh
# SPDX-License-Identifier: MIT
# The valgrind subset of RELIABILITY.md section 9 (release build): memcheck
# with definite and indirect leaks as errors and descriptor tracking, on
# building kb/, ten kbsearch command lines and the writer's unit test.  A
# run fails on any memcheck error (exit 99), an exit status other than
# expected, or a descriptor it opened and left open.
# usage: valgrind.sh KBC KBSEARCH TEST_WRITER WORKDIR KB_DIR
set -u
KBC=${1:?usage: valgrind.sh KBC KBSEARCH TEST_WRITER WORKDIR KB_DIR}
KBSEARCH=${2:?}
TEST_WRITER=${3:?}
work=${4:?}
kbdir=${5:?}
here=$(cd "$(dirname "$0")" && pwd)
command -v valgrind >/dev/null || { echo "1..0 # SKIP no valgrind"; exit 77; }
for v in KBC KBSEARCH TEST_WRITER kbdir; do
	eval "case \$$v in /*) ;; *) $v=\$(pwd)/\$$v ;; esac"
done
unset KBSEARCH_DB
rm -rf "$work"
mkdir -p "$work" && cd "$work" || exit 2
n=0 failed=0

# vg WANT DESCRIPTION CMD...: CMD under memcheck must exit WANT (a list
# such as "0 1") with no error and no descriptor of its own left open
vg() {
	want=$1 what=$2
	shift 2
	n=$((n + 1))
	valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect --track-fds=yes \
	    --suppressions="$here/valgrind.supp" --log-file="vg$n.log" \
	    "$@" >"out$n" 2>"err$n" <"${stdin:-/dev/null}"
	rc=$?
	# descriptors at exit that were not inherited from this script
	fds=$(awk '/Open (file|AF_[A-Z0-9]+ socket) descriptor/ { fd = $0; next }
	    fd != "" { if ($0 !~ /inherited from parent/) print fd; fd = "" }' \
	    "vg$n.log" 2>/dev/null)
	case " $want " in
	*" $rc "*) why= ;;
	*) why="exit $rc, want $want" ;;
	esac
	[ -z "$fds" ] || why="$why; left open: $fds"
	if [ -z "$why" ]; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what: $why"
		grep -v '^==[0-9]*== *$' "vg$n.log" 2>/dev/null | head -30 |
		    sed 's/^/# /'
		head -3 "err$n" | sed 's/^/# stderr: /'
		failed=$((failed + 1))
	fi
}

K=$KBSEARCH
vg 0 "kbc builds kb/" "$KBC" -q -o kb.db "$kbdir"
vg 0 "query on the built-in index" "$K" "An authentication error has occurred"
vg 0 "query on --db, JSON" "$K" --db kb.db --json \
    "The credentials that were used to connect did not work"
vg "0 1" "--explain --all -n 5" "$K" --db kb.db --explain --all -n 5 \
    "The remote computer requires Network Level Authentication"
vg 1 "no confident match" "$K" --db kb.db "zzqx frobnicate quux"
vg "0 1" "FTS5 syntax as data" "$K" --db kb.db 'x NOT y' 'NEAR(a b)' '"abc' '*' \
    "don't" multi-agent 'C:\Windows\System32'
vg 1 "no searchable words" "$K" --db kb.db '   '
vg 2 "missing index" "$K" --db missing.db error
vg 0 "--help" "$K" --help
printf 'Jan  1 10:00:00 host svc[1]: error: An authentication error has occurred\nJan  1 10:00:01 host svc[1]: error: An authentication error has occurred\nJan  1 10:00:02 host svc[1]: info: all good\n' >log.txt
stdin=log.txt
vg "0 1" "a log on stdin" "$K" --db kb.db
head -c 4096 "$kbdir/../README.md" >paste.txt 2>/dev/null || : >paste.txt
stdin=paste.txt
vg "0 1" "a pasted page on stdin" "$K"
stdin=
# a few fault points per loop: each build is slow under memcheck
KB_FAULT_POINTS=${KB_FAULT_POINTS:-4}
export KB_FAULT_POINTS
vg 0 "unit test of the writer (fault injection)" "$TEST_WRITER"
echo "1..$n"
[ "$failed" -eq 0 ]
