#!/bin/sh
# SPDX-License-Identifier: MIT
# Ceilings of kbsearch reading a hostile log (RELIABILITY.md section 4,
# rows L3 and L4), for the release build; inputs are generated here.
#  L3: 1,000,000 lines built to make each logscan pattern and the masking
#      pattern backtrack: at most 10 s of CPU time.
#  L4: 2,000,000 distinct messages: 10,000 groups held, the most frequent
#      matched, the rest counted in "N more distinct errors not shown";
#      peak RSS at most 64 MiB, at most 30 s of CPU time.
# CPU time (user + system) rather than wall time, so that a busy machine
# does not fail the test; peak RSS from /usr/bin/time -f %M.
# usage: bounds.sh KBSEARCH
K=${1:?usage: bounds.sh KBSEARCH}
[ -x /usr/bin/time ] || { echo "1..0 # SKIP /usr/bin/time missing"; exit 77; }
. "$(dirname "$0")/../lib.sh"
tmpdir kbbounds

# within CEIL_S CEIL_KIB: the last run's CPU seconds and peak RSS are
# under the ceilings (the time file holds "user system maxrss")
within() {
	tail -n 1 "$T/time" |
	    awk -v c="$1" -v m="$2" '{ exit !($1 + $2 <= c && $3 <= m) }'
}

run() {
	/usr/bin/time -f '%U %S %M' -o "$T/time" "$K" "$@" <"$T/in" \
	    >"$T/out" 2>"$T/err"
	rc=$?
	echo "# $(tail -n 1 "$T/time") (user s, system s, peak KiB); exit $rc"
}

# L3: every line an error line, each family aimed at one pattern
python3 - "$T/in" <<'PY'
import sys
fam = [
    # PAT_ERROR: every 4-byte gram passes the prefilter, no word matches
    lambda i: ("even leve 0x12 event  lev: %d " % i) * 6,
    # PAT_PREFIX: timestamp, an unclosed [field], host/proc with no ':'
    lambda i: "2024-01-01 10:00:%02d [%s %s b:x %s error" %
        (i % 60, "a" * 79, "a" * 60, "- " * 10),
    # PAT_PROMPT: a drive with no '>', user@host with no '$'
    lambda i: "C:\\%s %d error" % ("x" * 70, i) if i & 1 else
        "u@h:%s error %d %s" % ("x" * 70, i, "y " * 20),
    # masking: runs of word characters that start addresses and paths
    lambda i: "error %d %s" % (i, ["a." * 70, "a-" * 70, "1." * 70,
        "a\\" * 70, "1:" * 70, "ab12cd34-" * 16][i % 6]),
]
with open(sys.argv[1], "w") as f:
    for b in range(0, 1000000, 10000):
        f.write("".join(fam[i % 4](i // 4) + "\n"
                        for i in range(b, b + 10000)))
PY
run
check "L3: exit 0 or 1 (got $rc)" [ "$rc" -le 1 ]
check "L3: 1,000,000 backtracking lines in at most 10 s CPU" \
    within 10 1048576
sed 's/^/# /' "$T/err"

# L4: two million messages that mask to different signatures
python3 - "$T/in" <<'PY'
import sys
def word(i):
    w = ""
    for _ in range(5):
        w += "abcdefghijklmnopqrstuvwxyz"[i % 26]
        i //= 26
    return w
with open(sys.argv[1], "w") as f:
    for b in range(0, 2000000, 10000):
        f.write("".join(
            "Nov 23 10:00:%02d web01 app[%d]: error: cannot open volume"
            " %s %s\n" % (i % 60, i % 30000, word(i), word(i * 7919 + 13))
            for i in range(b, b + 10000)))
PY
run --no-color
check "L4: exit 0 or 1 (got $rc)" [ "$rc" -le 1 ]
check "L4: peak RSS at most 64 MiB, at most 30 s CPU" within 30 65536
# "G distinct errors, M matched; N more distinct errors not shown"
check "L4: shown + not shown = 2,000,000" awk '
    END { exit !($1 + $6 == 2000000 && $7 == "more") }' "$T/out"
check "L4: 10,000 held, the most frequent matched, said on stderr" \
    grep -q 'of 10000 distinct errors' "$T/err"

summary
