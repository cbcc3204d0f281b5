#!/bin/sh
# SPDX-License-Identifier: MIT
# Long-lived reader (RELIABILITY.md section 6, sized for CI): a kbsearch
# reading a small log on stdin, one line a second, while kb.db is rebuilt
# twice (A, then B, then C, each with canary pages of its own), exits 0,
# prints nothing on stderr and answers both of its error groups from one
# index (the two canary cards come from the same KB, old or new, never
# one of each); the rebuilds succeed, and a kbsearch started afterwards
# answers from C.  Takes about 4 s.
# usage: reader.sh KBC KBSEARCH WORKDIR KB_DIR [CORPUS_DIR]
# (CORPUS_DIR, the rdp corpus, is B when present; else B is generated.)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/reliability.sh"
rel_setup "$@"
canary2_q='KBCANARY-7732: the frobnication cache is corrupt and was reset'

# canary2_page NAME: a second page, a second error, the same KB's name
canary2_page() {
	printf '# Frobnication cache reset (%s)\n\n## Symptoms\n\n' "$1"
	printf 'You see the error "%s".\n\n' "$canary2_q"
	printf '## Resolution\n\n1. Delete the frobnication cache.\n'
	printf '2. Check the cache log of KB %s.\n' "$1"
}

# kb_of FILE: the KBs that answered the groups of a --json log run, one
# letter per canary card found, in output order (e.g. "a a")
kb_of() {
	grep -o '"doc":"canary2\{0,1\}-[a-z]"' "$1" | sed 's/.*-\(.\)"$/\1/' |
	    tr '\n' ' ' | sed 's/ $//'
}

canary2_page a >srcA/canary2-a.md
canary2_page b >srcB/canary2-b.md
cp -R srcA srcC
rm srcC/canary-a.md srcC/canary2-a.md
canary_page c >srcC/canary-c.md
canary2_page c >srcC/canary2-c.md
"$KBC" -q -o kb.db srcA || { echo "Bail out! kbc failed on A"; exit 2; }
"$KBSEARCH" --db kb.db --json "$canary2_q" >probe.out 2>&1
[ "$(kb_of probe.out)" = a ] ||
    { echo "Bail out! the second canary: $(head -2 probe.out)"; exit 2; }

# The log: one line a second; the last waits until both rebuilds are done.
feed() {
	echo "Nov 23 10:00:00 host widget[7]: $canary_q"
	sleep 1
	echo "Nov 23 10:00:01 host widget[7]: service started"
	sleep 1
	echo "Nov 23 10:00:02 host widget[7]: $canary2_q"
	k=0
	while [ ! -e rebuilt ] && [ "$k" -lt 300 ]; do
		sleep 0.1
		k=$((k + 1))
	done
	sleep 1
	echo "Nov 23 10:00:04 host widget[7]: $canary_q"
}
rm -f rebuilt
t0=$(date +%s%N)
feed | "$KBSEARCH" --db kb.db --json >reader.out 2>reader.err &
pid=$!
# Rebuild only once the reader has kb.db open, so that it is an old reader.
k=0
until ls -l "/proc/$pid/fd" 2>/dev/null | grep -q 'kb\.db$' ||
    [ "$k" -ge 100 ]; do
	sleep 0.02
	k=$((k + 1))
done
[ "$k" -lt 100 ] || echo "# cannot see kb.db open in /proc/$pid/fd"
"$KBC" -q -o kb.db srcB 2>kbc.err
rb=$?
sleep 0.5
"$KBC" -q -o kb.db srcC 2>>kbc.err
rc=$?
touch rebuilt
ok_if "$rb:$rc" = 0:0 "two rebuilds (B, then C) while the reader runs $(head -1 kbc.err)"
wait "$pid"
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
ok_if "$rc" -eq 0 "the reader exits 0 after $ms ms (exit $rc)"
ok_if "$(wc -c <reader.err)" -eq 0 \
    "the reader prints nothing on stderr $(head -1 reader.err)"
kbs=$(kb_of reader.out)
case $kbs in
'a a')	ok_if "$kbs" = "a a" "both groups answered from the old index (A)" ;;
'b b'|'c c')
	ok_if "$kbs" = "$kbs" "both groups answered from one index ($kbs)" ;;
*)	not_ok "the groups were answered from one index: got '$kbs'"
	sed 's/^/# /' reader.out | cut -c1-200 ;;
esac
ok_if "$(grep -c '"count":2' reader.out)" -eq 1 \
    "the repeated error is one group counted twice"
"$KBSEARCH" --db kb.db --json "$canary_q" >after.out 2>&1
ok_if "$(kb_of after.out)" = c "a kbsearch started afterwards answers from C"
rel_done
