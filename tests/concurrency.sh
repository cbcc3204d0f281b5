#!/bin/sh
# SPDX-License-Identifier: MIT
# Concurrency (RELIABILITY.md section 6, sized for CI):
# 1. readers during rebuilds: kb.db alternates between A and B over
#    KB_CONC_REBUILDS rebuilds (default 10) while two loops of kbsearch
#    runs (at least KB_CONC_READS in all, default 100) ask for the canary:
#    every run exits 0 with A's or B's card, and "locked" or "malformed"
#    never appears;
# 2. two writers to one OUT, 10 rounds: both exit 0, the index is a
#    complete A or B, no temporary file is left;
# 3. a foreign lock: while sqlite3 holds BEGIN EXCLUSIVE on kb.db, kbsearch
#    exits 2 ("locked by another process") within the busy timeout + 1 s,
#    kbc still rebuilds, and the next kbsearch sees the new index.
# usage: concurrency.sh KBC KBSEARCH WORKDIR KB_DIR [CORPUS_DIR]
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/reliability.sh"
rel_setup "$@"
rebuilds=${KB_CONC_REBUILDS:-10}
reads=${KB_CONC_READS:-100}

# 1. readers during rebuilds
cp A.db kb.db
rm -f reading.stop
reader() {
	# reader N: queries until reading.stop exists and it has done half
	# of the reads; one line per run: "exit-status canary"
	k=0
	while [ ! -e reading.stop ] || [ "$k" -lt $((reads / 2)) ]; do
		k=$((k + 1))
		"$KBSEARCH" --db kb.db --json -n 1 "$canary_q" \
		    >"read$1.out" 2>"read$1.err"
		rc=$?
		case $(cat "read$1.out") in
		*'"doc":"canary-a"'*) c=a ;;
		*'"doc":"canary-b"'*) c=b ;;
		*) c=none ;;
		esac
		echo "$rc $c" >>"reads$1"
		cat "read$1.err" >>"errs$1"
	done
}
: >reads1
: >reads2
: >errs1
: >errs2
reader 1 &
r1=$!
reader 2 &
r2=$!
bad=0
i=0
while [ "$i" -lt "$rebuilds" ]; do
	i=$((i + 1))
	if [ $((i % 2)) -eq 1 ]; then src=srcB; else src=srcA; fi
	"$KBC" -q -o kb.db "$src" 2>>kbc.err || bad=$((bad + 1))
done
touch reading.stop
wait "$r1" "$r2"
total=$(cat reads1 reads2 | wc -l)
good=$(cat reads1 reads2 | grep -c -E '^0 (a|b)$')
seen=$(cat reads1 reads2 | cut -d' ' -f2 | sort -u | tr '\n' ' ')
ok_if "$bad" -eq 0 "$rebuilds rebuilds alternating A and B succeed"
ok_if "$good" -eq "$total" "$total reads during rebuilds: all exit 0 with A's or B's card (saw: $seen)"
[ "$good" -eq "$total" ] && :  || cat reads1 reads2 | sort | uniq -c | sed 's/^/# /'
ok_if "$(cat errs1 errs2 | grep -c -E 'locked|malformed|damaged')" -eq 0 \
    "no reader saw 'locked', 'malformed' or 'damaged'"
cat errs1 errs2 | sort -u | head -5 | sed 's/^/# stderr: /'
ok_if "$total" -ge "$reads" "at least $reads reads"

# 2. two writers to one OUT
bad=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	"$KBC" -q -o kb.db srcA 2>>kbc.err &
	p1=$!
	"$KBC" -q -o kb.db srcB 2>>kbc.err &
	p2=$!
	wait "$p1"
	s1=$?
	wait "$p2"
	s2=$?
	if [ "$s1" -ne 0 ] || [ "$s2" -ne 0 ]; then
		not_ok "round $i: writers exit $s1 and $s2: $(tail -1 kbc.err)"
		bad=$((bad + 1))
	fi
	c=$(canary_of kb.db)
	case $c in
	a|b)	if ! why=$(rel_complete kb.db "$c"); then
			not_ok "round $i: kb.db is not a complete $c: $why"
			bad=$((bad + 1))
		fi ;;
	*)	not_ok "round $i: $c"
		bad=$((bad + 1)) ;;
	esac
	if ls kb.db.tmp.* >/dev/null 2>&1; then
		not_ok "round $i: $(ls kb.db.tmp.* | tr '\n' ' ') left"
		bad=$((bad + 1))
		rm -f kb.db.tmp.*
	fi
done
ok_if "$bad" -eq 0 "two writers to one OUT, 10 rounds: both exit 0, a complete index, no tmp"

# 3. a foreign lock on kb.db
cp A.db kb.db
rm -f lock.fifo lock.ready
mkfifo lock.fifo
sqlite3 kb.db <lock.fifo >lock.ready &
lpid=$!
exec 3>lock.fifo
printf "BEGIN EXCLUSIVE;\nSELECT 'locked';\n" >&3
n=0
until grep -q locked lock.ready 2>/dev/null || [ "$n" -ge 200 ]; do
	sleep 0.05
	n=$((n + 1))
done
t0=$(date +%s%N)
"$KBSEARCH" --db kb.db "$canary_q" >lock.out 2>lock.err
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
ok_if "$rc" -eq 2 "under a foreign lock kbsearch exits 2 (exit $rc)"
ok_if "$(grep -c 'locked by another process' lock.err)" -eq 1 \
    "it says 'locked by another process': $(head -1 lock.err)"
ok_if "$ms" -le 3000 "within the busy timeout + 1 s ($ms ms)"
"$KBC" -q -o kb.db srcB 2>kbc.lock.err
ok_if "$?" -eq 0 "kbc rebuilds under the lock $(head -1 kbc.lock.err)"
ok_if "$(canary_of kb.db)" = b "the next kbsearch sees the new index"
exec 3>&-
wait "$lpid"
rm -f lock.fifo lock.ready
rel_done
