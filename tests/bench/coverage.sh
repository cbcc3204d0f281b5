#!/bin/sh
# SPDX-License-Identifier: MIT
# Card coverage of troubleshooting articles, as a benchmark that prints
# figures (not a test with a threshold): of the articles of the full
# corpus that are troubleshooting articles, how many yield at least one
# card with a symptom (its prose, not only an error string) and at least
# one step.
#
# An article is a troubleshooting article when its headings (read here
# from the markdown, independently of kbc) show it:
#   - a symptom heading (Symptom(s), Problem, Issue, Error message(s))
#     and a cause or resolution heading, or
#   - a cause heading and a resolution heading, or
#   - an error-titled heading (one that states a failure: "error",
#     "fails", "cannot", "unable to", "0x8007...") followed, at the same
#     or a deeper level, by a resolution heading.
# Resolution headings: Resolution, Solution, Workaround, Fix, How to
# fix/resolve, Steps to resolve, To resolve this issue, Method N...
#
# One `kbc -o` of the whole corpus, then SQL over the index.  Prints the
# count, the share, and the paths that fail (relative to the corpus).
#
# usage: tests/bench/coverage.sh KBC [CORPUS.tar.zst | DIR]
#   DIR: an already extracted corpus, used in place (nothing is copied)
# With COVERAGE_KEEP=DIR, the index (kb.db) and the lists (files: every
# document, ts: the troubleshooting ones, ok, fail) are copied to DIR.
set -eu
kbc=${1:?usage: coverage.sh KBC [CORPUS.tar.zst | DIR]}
case $kbc in /*) ;; *) kbc=$(pwd)/$kbc ;; esac
command -v sqlite3 >/dev/null || { echo "coverage.sh: needs sqlite3" >&2; exit 77; }
if [ -n "${2:-}" ] && [ -d "$2" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	kb=$2
else
	corpus=${2:-$(cd "$(dirname "$0")/../.." && pwd)/../shared/corpus/full/SupportArticles-docs-md.tar.zst}
	if [ ! -r "$corpus" ]; then
		echo "skipped: no corpus"
		exit 77
	fi
	. "$(dirname "$0")/corpus.sh"
	bench_corpus coverage.sh "$corpus"
	kb=$tmp/kb
fi

# the documents kbc compiles: includes/ directories are fragments;
# the index names them without the .md
(cd "$kb" && find . -name includes -prune -o -type f -name '*.md' -print) |
    sed 's|^\./||' | LC_ALL=C sort >"$tmp/files"

# classify from the headings, outside code fences
(cd "$kb" && tr '\n' '\0' <"$tmp/files" | xargs -0 awk '
function role(h) {
	h = tolower(h)
	gsub(/\r/, "", h)
	gsub(/<[^>]*>/, "", h)
	gsub(/\{#[^}]*\}/, "", h)
	gsub(/[*_`]/, "", h)
	gsub(/[ \t#]+$/, "", h)
	sub(/^[ \t]+/, "", h)
	if (h ~ /^(symptoms?|problems?|issues?|error messages?|problem description)([ \t]*[0-9]+)?([ \t]*[:.-].*)?$/ ||
	    h ~ /^symptoms? (for|when|of|in|after) /)
		return "S"
	if (h ~ /^(possible |root |likely )?(causes?|reasons?)([ \t]*[0-9]+)?([ \t]*[:.-].*)?$/ ||
	    h ~ /^causes? (for|of|and) /)
		return "C"
	if (h ~ /^(resolutions?|solutions?|workarounds?|fix(es)?|how to (fix|resolve)|steps to (resolve|fix)|to (resolve|fix) (this|the) (issue|problem|error)|method[ \t]*[0-9]+|troubleshoot(ing)?( steps?)?|steps|solving steps)([ \t]*[0-9]+)?([ \t]*[:.-].*)?$/ ||
	    h ~ /^(resolutions?|solutions?|workarounds?|fix(es)?)( [0-9]+)? (for|when|if|of|in|on) / ||
	    h ~ /^[^:]*(error|issue|problem|failure)s? (resolution|workaround|solution)s?$/)
		return "R"
	if (h ~ /(^|[^a-z])(error|errors|fails?|failed|failure|cannot|can.t|could not|couldn.t|unable to|0x[0-9a-f]+)([^a-z]|$)/ &&
	    h !~ /^(how to|troubleshoot|overview|introduction|about|understand)/)
		return "E"
	return ""
}
function flush() {
	if (file == "")
		return
	if (R && (S || C) || ER)
		print "T " substr(file, 1, length(file) - 3)
	else if (S && C)
		print "N " substr(file, 1, length(file) - 3)
}
FNR == 1 { flush(); file = FILENAME; S = C = R = E = ER = 0; fence = "" }
{
	line = $0
	sub(/\r$/, "", line)
	if (fence != "") {
		if (line ~ "^[ \t]*" fence)
			fence = ""
		next
	}
	if (line ~ /^[ \t]*```/) { fence = "```"; next }
	if (line ~ /^[ \t]*~~~/) { fence = "~~~"; next }
	if (line !~ /^#+[ \t]/)
		next
	r = role(substr(line, index(line, " ")))
	if (r == "S") S = 1
	else if (r == "C") C = 1
	else if (r == "R") { R = 1; if (E) ER = 1 }
	else if (r == "E") E = 1
}
END { flush() }
') | LC_ALL=C sort -u >"$tmp/classes"
sed -n 's/^T //p' "$tmp/classes" >"$tmp/ts"
sed -n 's/^N //p' "$tmp/classes" >"$tmp/notices"

"$kbc" -q -o "$tmp/kb.db" "$kb" || [ $? -eq 1 ]
sqlite3 "$tmp/kb.db" "
SELECT DISTINCT d.path FROM doc d JOIN card c ON c.doc_id = d.id
WHERE c.symptom <> ''
  AND EXISTS (SELECT 1 FROM step s WHERE s.card_id = c.id);" |
    LC_ALL=C sort -u >"$tmp/ok"
LC_ALL=C comm -23 "$tmp/ts" "$tmp/ok" >"$tmp/fail"
nnotice=$(wc -l <"$tmp/notices")
nnotice_ok=$(LC_ALL=C comm -12 "$tmp/notices" "$tmp/ok" | wc -l)

ndocs=$(wc -l <"$tmp/files")
nts=$(wc -l <"$tmp/ts")
nfail=$(wc -l <"$tmp/fail")
nok=$((nts - nfail))
echo "documents: $ndocs"
echo "troubleshooting articles: $nts"
awk -v ok="$nok" -v n="$nts" 'BEGIN {
	printf "with a symptom+steps card: %d (%.1f%%)\n", ok,
	    n ? 100 * ok / n : 0 }'
echo "not counted: $nnotice with Symptoms and Cause but no resolution" \
    "heading ($nnotice_ok of them with a symptom+steps card)"
echo "failures: $nfail"
sed 's/^/  /' "$tmp/fail"
if [ -n "${COVERAGE_KEEP:-}" ]; then
	mkdir -p "$COVERAGE_KEEP"
	cp "$tmp/kb.db" "$tmp/files" "$tmp/ts" "$tmp/ok" "$tmp/fail" "$tmp/notices" \
	    "$COVERAGE_KEEP/"
fi
