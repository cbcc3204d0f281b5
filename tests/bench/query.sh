#!/bin/sh
# SPDX-License-Identifier: MIT
# Matching speed, as a benchmark that prints figures (not a timed test).
# Extracts the full corpus into a temporary directory, compiles it with
# kbc, then times whole kbsearch processes (start to exit) for a short
# paste and a 30-word paste, next to `rg -i` over the same markdown and a
# plain sqlite3 FTS5 query on the same index.  Prints medians in ms.
#
# usage: tests/bench/query.sh KBC KBSEARCH [CORPUS.tar.zst]
set -eu
kbc=${1:?usage: query.sh KBC KBSEARCH [CORPUS.tar.zst]}
kbsearch=${2:?usage: query.sh KBC KBSEARCH [CORPUS.tar.zst]}
for tool in hyperfine rg sqlite3 python3; do
	command -v "$tool" >/dev/null || { echo "query.sh: needs $tool" >&2; exit 77; }
done
. "$(dirname "$0")/corpus.sh"
bench_corpus query.sh "${3:-}"
"$kbc" -q -o "$tmp/kb.db" "$tmp/kb" || [ $? -eq 1 ]
ndocs=$(find "$tmp/kb" -name '*.md' | wc -l)
size=$(du -k "$tmp/kb.db" | cut -f1)

short='RDP access is denied'
long='Remote Desktop cannot connect to the remote computer for one of these reasons: remote access to the server is not enabled, the remote computer is turned off, or the remote computer is not available on the network'
# FTS5 baseline: every word, quoted and ORed, best 5 by bm25
fts() {
	printf '%s\n' "$1" | tr -cs 'A-Za-z0-9' '\n' | grep . |
	    sed 's/.*/"&"/' | paste -sd' ' | sed 's/" "/" OR "/g'
}
sfts=$(fts "$short")
lfts=$(fts "$long")

hyperfine -N -w 3 -r 30 -i --export-json "$tmp/h.json" \
	-n "kbsearch short" "$kbsearch --db $tmp/kb.db -- '$short'" \
	-n "kbsearch 30 words" "$kbsearch --db $tmp/kb.db -- '$long'" \
	-n "rg -i short" "rg -i -l -F '$short' $tmp/kb" \
	-n "rg -i 30 words" "rg -i -l -F '$long' $tmp/kb" \
	-n "sqlite3 fts5 short" "sqlite3 -readonly $tmp/kb.db \"SELECT rowid FROM card_fts WHERE card_fts MATCH '$sfts' ORDER BY bm25(card_fts) LIMIT 5\"" \
	-n "sqlite3 fts5 30 words" "sqlite3 -readonly $tmp/kb.db \"SELECT rowid FROM card_fts WHERE card_fts MATCH '$lfts' ORDER BY bm25(card_fts) LIMIT 5\"" \
	>/dev/null
echo "corpus: $ndocs documents, index $size KiB"
python3 - "$tmp/h.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("%-24s median %7.2f ms  (min %.2f, max %.2f)" % (r["command"],
          r["median"] * 1e3, r["min"] * 1e3, r["max"] * 1e3))
PY
