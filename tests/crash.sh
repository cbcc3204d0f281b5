#!/bin/sh
# SPDX-License-Identifier: MIT
# Crash safety of kbc (RELIABILITY.md section 5, sized for CI): with kb.db
# holding index A, a build of the larger KB B is killed with SIGKILL at a
# random instant, KB_CRASH_KILLS times (default 25); afterwards kb.db must
# be byte-identical to A or a complete B (quick_check, FTS5
# integrity-check, user_version, B's canary card), and the next successful
# build must leave no kb.db.tmp.*.  Then SIGINT and SIGTERM, 5 each, while
# the temporary file exists: it is gone when kbc has exited, the status is
# 130/143 or 2, and kb.db is still A byte for byte.
# usage: crash.sh KBC KBSEARCH WORKDIR KB_DIR [CORPUS_DIR]
# (CORPUS_DIR, the rdp corpus, is B when present; else B is generated.)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/reliability.sh"
rel_setup "$@"
kills=${KB_CRASH_KILLS:-25}
seed=${KB_CRASH_SEED:-$$}
echo "# seed $seed (KB_CRASH_SEED), T_B ${tb_ms} ms, $kills kills"

# is_a_or_b WHAT: kb.db is A byte for byte, or a complete index of B.
is_a_or_b() {
	if cmp -s kb.db A.db; then
		na=$((na + 1))
		return 0
	fi
	if why=$(rel_complete kb.db b); then
		nb=$((nb + 1))
		return 0
	fi
	not_ok "$1: kb.db is neither A nor a complete B: $why"
	return 1
}

# SIGKILL at a random delay in [0, 1.1 T_B]
na=0 nb=0 bad=0
delays=$(awk -v n="$kills" -v s="$seed" -v t="$tb_ms" 'BEGIN {
	srand(s)
	for (i = 0; i < n; i++)
		printf "%.3f\n", rand() * 1.1 * t / 1000
}')
i=0
for d in $delays; do
	i=$((i + 1))
	cp A.db kb.db
	"$KBC" -q -o kb.db srcB 2>>kbc.err &
	pid=$!
	sleep "$d"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	is_a_or_b "kill $i after ${d} s" || bad=$((bad + 1))
done
ok_if "$bad" -eq 0 "$kills SIGKILLs: kb.db was A $na times, a complete B $nb times"
left=$(ls kb.db.tmp.* 2>/dev/null | wc -l)
echo "# $left temporary files left by the kills"
if "$KBC" -q -o kb.db srcA 2>>kbc.err; then
	ok_if "$(ls kb.db.tmp.* 2>/dev/null | wc -l)" -eq 0 \
	    "the next successful build removes the $left stale kb.db.tmp.*"
else
	not_ok "the build after the kills failed: $(tail -1 kbc.err)"
fi
rm -f kb.db.tmp.*

# SIGINT and SIGTERM once the temporary file exists
for sig in INT TERM; do
	caught=0 bad=0
	for i in 1 2 3 4 5; do
		cp A.db kb.db
		"$KBC" -q -o kb.db srcB 2>>kbc.err &
		pid=$!
		n=0
		while [ ! -e "kb.db.tmp.$pid" ] && [ "$n" -lt 400 ]; do
			sleep 0.005
			n=$((n + 1))
		done
		kill -"$sig" "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		rc=$?
		case $sig$rc in
		INT130|TERM143|INT2|TERM2)
			caught=$((caught + 1))
			if [ -e "kb.db.tmp.$pid" ]; then
				not_ok "SIG$sig: kb.db.tmp.$pid left"
				bad=$((bad + 1))
			fi
			if ! cmp -s kb.db A.db; then
				not_ok "SIG$sig: kb.db is not A after exit $rc"
				bad=$((bad + 1))
			fi ;;
		*0)	# finished before the signal: B published
			is_a_or_b "SIG$sig after the build" || bad=$((bad + 1)) ;;
		*)	not_ok "SIG$sig: exit $rc, want 130/143 or 2"
			bad=$((bad + 1)) ;;
		esac
		rm -f kb.db.tmp.*
	done
	ok_if "$bad" -eq 0 "SIG$sig 5 times ($caught during the build): tmp gone, old index intact"
done
rel_done
