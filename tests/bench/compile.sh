#!/bin/sh
# SPDX-License-Identifier: MIT
# Compiling speed, as a benchmark that prints figures (not a timed test).
# Extracts the full corpus into a temporary directory and times, as
# medians of 3 whole processes: a full kbc build into a new file, the
# cmark-gfm CLI parsing the same files (one stream), a plain FTS5 import
# of their raw text (python3 sqlite3, one transaction), and incremental
# kbc rebuilds over the full build's index: nothing changed, every file
# touched (mtime only: nothing is rewritten; the build follows at once,
# so the hash cache trusts no file and every file is read), one file
# edited, ten files edited (delta builds on a copy; the other files were
# last changed over a second before, so the hash cache holds them), and
# one file edited after 5 idle seconds (the pace of an author: on a busy
# machine the 66 MB copy of the index was several times slower after an
# idle pause than back to back).
# Throughput is the documents' bytes over wall time.
#
# usage: tests/bench/compile.sh KBC [CORPUS.tar.zst]
set -eu
kbc=${1:?usage: compile.sh KBC [CORPUS.tar.zst]}
for tool in cmark-gfm python3; do
	command -v "$tool" >/dev/null || { echo "compile.sh: needs $tool" >&2; exit 77; }
done
. "$(dirname "$0")/corpus.sh"
bench_corpus compile.sh "${2:-}"
# the documents kbc compiles: includes/ directories are fragments
find "$tmp/kb" -name includes -prune -o -type f -name '*.md' -print |
    LC_ALL=C sort >"$tmp/files"
ndocs=$(wc -l <"$tmp/files")
bytes=$(xargs cat <"$tmp/files" | wc -c)

# now: seconds since the epoch, with nanoseconds
now() {
	date +%s.%N
}

# median3 A B C
median3() {
	printf '%s\n' "$@" | sort -g | sed -n 2p
}

# timed CMD...: prints the wall time of CMD in seconds
timed() {
	t0=$(now)
	"$@" >/dev/null 2>&1 || [ $? -eq 1 ]
	t1=$(now)
	echo "$t1 - $t0" | bc -l
}

full() {
	rm -f "$tmp/full.db"
	"$kbc" -q -o "$tmp/full.db" "$tmp/kb"
}
cmark_all() {
	xargs cat <"$tmp/files" | cmark-gfm -e table -e strikethrough \
	    -e autolink -e tagfilter >/dev/null
}
fts_import() {
	rm -f "$tmp/fts.db"
	python3 - "$tmp/fts.db" "$tmp/files" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("CREATE VIRTUAL TABLE t USING fts5(path, body,"
          " tokenize='porter unicode61 remove_diacritics 2')")
with open(sys.argv[2]) as names:
    for name in names:
        name = name.rstrip("\n")
        with open(name, encoding="utf-8", errors="replace") as f:
            c.execute("INSERT INTO t VALUES (?, ?)", (name, f.read()))
c.commit()
EOF
}
# edit N RUN: appends a line to the first N documents of $tmp/edits
edit() {
	for f in $(sed -n "1,${1}p" "$tmp/edits"); do
		printf '\nEdited for the benchmark, run %s.\n' "$2" >>"$f"
	done
}
# idle_edit RUN: waits 5 s, then edits the first document of $tmp/edits
idle_edit() {
	sleep 5
	edit 1 "$1"
}
touch_all() {
	xargs touch <"$tmp/files"
}
# rebuild_after CMD...: runs CMD, then prints the wall time of an
# incremental kbc build over the last index (CMD is not timed)
rebuild_after() {
	"$@"
	timed "$kbc" -q -o "$tmp/full.db" "$tmp/kb"
}

full >/dev/null 2>&1 || true		# warm the page cache
set -- "$(timed full)" "$(timed full)" "$(timed full)"
t_full=$(median3 "$@")
set -- "$(timed cmark_all)" "$(timed cmark_all)" "$(timed cmark_all)"
t_cmark=$(median3 "$@")
set -- "$(timed fts_import)" "$(timed fts_import)" "$(timed fts_import)"
t_fts=$(median3 "$@")
# documents without includes, every tenth of the sorted order, the first
# one in the middle
sed -n "$((ndocs / 2)),\$p;1,$((ndocs / 2 - 1))p" "$tmp/files" |
    xargs grep -L -i '\[!INCLUDE' 2>/dev/null |
    awk -v step=$((ndocs / 10)) 'NR % step == 1' >"$tmp/edits"
full >/dev/null 2>&1 || true
sleep 2
"$kbc" -q -o "$tmp/full.db" "$tmp/kb" || true	# fills the hash cache
set -- "$(rebuild_after true)" "$(rebuild_after true)" "$(rebuild_after true)"
t_none=$(median3 "$@")
set -- "$(rebuild_after touch_all)" "$(rebuild_after touch_all)" \
    "$(rebuild_after touch_all)"
t_touch=$(median3 "$@")
# past the hash cache's one-second window, then cached again
sleep 2
"$kbc" -q -o "$tmp/full.db" "$tmp/kb" || true
# two untimed deltas first: back-to-back edits reuse the page cache
# that the previous index held (see idle_edit for the other case)
rebuild_after edit 1 w >/dev/null
rebuild_after edit 1 x >/dev/null
set -- "$(rebuild_after edit 1 a)" "$(rebuild_after edit 1 b)" \
    "$(rebuild_after edit 1 c)"
t_inc1=$(median3 "$@")
set -- "$(rebuild_after edit 10 a)" "$(rebuild_after edit 10 b)" \
    "$(rebuild_after edit 10 c)"
t_inc10=$(median3 "$@")
set -- "$(rebuild_after idle_edit d)" "$(rebuild_after idle_edit e)" \
    "$(rebuild_after idle_edit f)"
t_idle=$(median3 "$@")

mb=$(echo "$bytes / 1000000" | bc -l)
printf 'corpus: %d documents, %.1f MB; medians of 3 runs\n' "$ndocs" "$mb"
printf '%-40s %8s %10s\n' "" "seconds" "MB/s"
row() {
	printf '%-40s %8.2f %10.1f\n' "$1" "$2" "$(echo "$mb / $2" | bc -l)"
}
row "kbc, full build" "$t_full"
row "cmark-gfm CLI, parse only" "$t_cmark"
row "python3 sqlite3 FTS5 import" "$t_fts"
row "kbc, incremental, nothing changed" "$t_none"
row "kbc, incremental, every file touched" "$t_touch"
row "kbc, incremental, 1 document edited" "$t_inc1"
row "kbc, incremental, 10 documents edited" "$t_inc10"
row "kbc, incremental, 1 edited after 5 s idle" "$t_idle"
