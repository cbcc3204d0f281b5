# SPDX-License-Identifier: MIT
# Shared by crash.sh and concurrency.sh (sourced): two knowledge bases, A
# (a copy of kb/) and B (larger: the rdp corpus, or generated documents),
# each with a canary page answering the same error with a card of its own,
# their reference indexes A.db and B.db, T_B (build time of B in ms), and
# TAP helpers.
# rel_setup KBC KBSEARCH WORKDIR KB_DIR [CORPUS_DIR]

canary_q='KBCANARY-7731: the frobnication widget failed to start'
tap_n=0
tap_failed=0

ok_if() {
	# ok_if A OP B DESCRIPTION: ok when test A OP B holds
	tap_n=$((tap_n + 1))
	if test "$1" "$2" "$3"; then
		echo "ok $tap_n - $4"
	else
		echo "not ok $tap_n - $4"
		tap_failed=$((tap_failed + 1))
	fi
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}

rel_done() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
	exit $?
}

canary_page() {
	# canary_page NAME: a page whose card says which KB it came from
	printf '# Canary widget failure (%s)\n\n## Symptoms\n\n' "$1"
	printf 'You see the error "%s".\n\n' "$canary_q"
	printf '## Resolution\n\n1. Restart the frobnication widget.\n'
	printf '2. Check the widget log of KB %s.\n' "$1"
}

gen_kb() {
	# gen_kb DIR N: N generated troubleshooting pages
	mkdir -p "$1"
	awk -v dir="$1" -v n="$2" 'BEGIN {
		for (d = 0; d < n; d++) {
			f = sprintf("%s/gen%04d.md", dir, d)
			printf "# Service %d fails to start\n\n", d >f
			for (c = 0; c < 4; c++) {
				printf "## Error 0x8007%04d on node %d\n\n", d * 4 + c, c >f
				printf "### Symptoms\n\nYou see \"The service %d could not" \
				    " start: error 0x8007%04d (%d)\".\n\n", d, d * 4 + c, c >f
				printf "### Cause\n\nPolicy %d of group %d blocks the" \
				    " account on node %d.\n\n", c, d, c >f
				printf "### Resolution\n\n" >f
				for (s = 1; s <= 6; s++)
					printf "%d. Open console %d and set option %d" \
					    " to value %d, then restart.\n", s, d, s, c >f
				printf "\n" >f
			}
			close(f)
		}
	}'
}

# canary_of DB: prints a, b or what kbsearch said instead
canary_of() {
	out=$("$KBSEARCH" --db "$1" --json -n 1 "$canary_q" 2>&1)
	case $out in
	*'"doc":"canary-a"'*) echo a ;;
	*'"doc":"canary-b"'*) echo b ;;
	*) echo "canary: $out" | head -2 ;;
	esac
}

# rel_complete DB a|b: silent and 0 when DB is a complete index of that
# KB, else prints why
rel_complete() {
	r=$(sqlite3 -readonly "$1" 'PRAGMA quick_check' 2>&1)
	[ "$r" = ok ] || { echo "quick_check: $r"; return 1; }
	r=$(sqlite3 -readonly "$1" 'PRAGMA user_version' 2>&1)
	[ "$r" = "$version" ] || { echo "user_version $r, want $version"; return 1; }
	eval "want=\$cards_$2"
	r=$(sqlite3 -readonly "$1" 'SELECT count(*) FROM card' 2>&1)
	[ "$r" = "$want" ] || { echo "$r cards, want $want"; return 1; }
	# FTS5 checks are INSERTs: run them on a copy
	cp "$1" check.db
	r=$(sqlite3 check.db "INSERT INTO card_fts(card_fts)
	    VALUES('integrity-check'); INSERT INTO errstr_tri(errstr_tri)
	    VALUES('integrity-check');" 2>&1) || { echo "FTS5: $r"; return 1; }
	r=$(canary_of "$1")
	[ "$r" = "$2" ] || { echo "canary answers $r, want $2"; return 1; }
	return 0
}

rel_setup() {
	KBC=${1:?usage: KBC KBSEARCH WORKDIR KB_DIR [CORPUS_DIR]}
	KBSEARCH=${2:?}
	work=${3:?}
	kbdir=${4:?}
	corpus=${5:-}
	case $KBC in /*) ;; *) KBC=$(pwd)/$KBC ;; esac
	case $KBSEARCH in /*) ;; *) KBSEARCH=$(pwd)/$KBSEARCH ;; esac
	unset KBSEARCH_DB
	command -v sqlite3 >/dev/null || { echo "1..0 # SKIP no sqlite3"; exit 77; }
	rm -rf "$work"
	mkdir -p "$work" && cd "$work" || exit 2
	cp -R "$kbdir" srcA
	canary_page a >srcA/canary-a.md
	if [ -n "$corpus" ] && [ -d "$corpus" ]; then
		cp -R "$corpus" srcB
		echo "# B: $corpus"
	else
		gen_kb srcB 300
		echo "# B: 300 generated pages"
	fi
	canary_page b >srcB/canary-b.md
	"$KBC" -q -o A.db srcA || { echo "Bail out! kbc failed on A"; exit 2; }
	t0=$(date +%s%N)
	"$KBC" -q -o B.db srcB || { echo "Bail out! kbc failed on B"; exit 2; }
	t1=$(date +%s%N)
	tb_ms=$(( (t1 - t0) / 1000000 ))
	# a clock step must not make the delays absurd
	[ "$tb_ms" -ge 20 ] || tb_ms=20
	[ "$tb_ms" -le 20000 ] || tb_ms=20000
	version=$(sqlite3 -readonly A.db 'PRAGMA user_version')
	cards_a=$(sqlite3 -readonly A.db 'SELECT count(*) FROM card')
	cards_b=$(sqlite3 -readonly B.db 'SELECT count(*) FROM card')
	for x in a b; do
		r=$(canary_of "$(echo "$x" | tr ab AB).db")
		[ "$r" = "$x" ] || { echo "Bail out! canary of $x: $r"; exit 2; }
	done
}
