#!/bin/sh
# SPDX-License-Identifier: MIT
# kbsearch reading stdin as a log (issue 5): grouping, counts, first
# lines, Event Viewer records, dialogs, the summary line, and hostile
# streams (binary, a 100 MB line, UTF-16LE with BOM, CRLF, ANSI colour).
# usage: run.sh KBSEARCH FIXTURE_DIR   (uses the KB built into KBSEARCH)
K=${1:?usage: run.sh KBSEARCH FIXTURE_DIR}
D=${2:?usage: run.sh KBSEARCH FIXTURE_DIR}
. "$(dirname "$0")/../lib.sh"
tmpdir kblog

# jsonl FILE EXPR: every line is a JSON object in valid UTF-8, and the
# Python expression EXPR over the list `o` of objects is true.
jsonl() {
	python3 - "$1" "$2" <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read()
o = [json.loads(l) for l in raw.decode("utf-8").splitlines()]
ok = eval("(" + sys.argv[2] + ")", {"o": o})
if not ok:
    sys.stderr.write("%s\n%s\n" % (sys.argv[2], raw[:2000]))
sys.exit(0 if ok else 1)
PY
}

# syslog: three masked repeats are one group (count 3, first line 3),
# ranked before an unmatched error; text ends with the summary line
"$K" --json <"$D/syslog.log" >"$T/sys.json" 2>"$T/err"
check "syslog: exit 0" [ $? -eq 0 ]
check "syslog: groups counted, first line kept, matched group first" \
    jsonl "$T/sys.json" 'len(o) == 2 and o[0]["count"] == 3 and
        o[0]["line"] == 3 and o[0]["results"] and
        "_ip_" in o[0]["query"] and o[1]["line"] == 6 and
        o[1]["count"] == 1'
"$K" --no-color <"$D/syslog.log" >"$T/sys.txt" 2>"$T/err"
check "syslog text: count and first line shown" \
    grep -q '^== 3x from line 3: ' "$T/sys.txt"
check "syslog text: summary line" \
    [ "$(tail -n 1 "$T/sys.txt")" = "2 distinct errors, 1 matched" ]
"$K" --json -n 1 <"$D/syslog.log" >"$T/n1.json"
check "-n applies per group" jsonl "$T/n1.json" 'len(o[0]["results"]) == 1'

# user and host names in known positions are masked: one group each
printf '%s\n' \
    'Nov 23 10:00:01 gw01 sshd[7]: Failed password for invalid user bob from 10.0.0.1 port 22 ssh2' \
    'Nov 23 10:00:02 gw01 sshd[7]: Failed password for invalid user amy from 10.0.0.2 port 22 ssh2' \
    "Nov 23 10:00:03 db01 sql[9]: Login failed for user 'sa'." \
    "Nov 23 10:00:04 db01 sql[9]: Login failed for user 'reporting'." \
    'Nov 23 10:00:05 gw01 git[3]: ssh: connect to host gitlab port 22: Connection refused' \
    'Nov 23 10:00:06 gw01 git[3]: ssh: connect to host github port 22: Connection refused' \
    'Nov 23 10:00:07 dc01 lsass[4]: The user account has been locked out' \
    >"$T/names.log"
"$K" --json --all <"$T/names.log" >"$T/names.json" 2>"$T/err"
check "names: three groups of two, and the locked account apart" \
    jsonl "$T/names.json" 'sorted(g["count"] for g in o) == [1, 2, 2, 2]
        and any("user account has been locked" in g["query"] for g in o)'

# Event Viewer export: one record is one message; benign ones skipped
"$K" --json <"$D/events.txt" >"$T/ev.json" 2>"$T/err"
check "events: exit 0" [ $? -eq 0 ]
check "events: only the Error record, id and source matched with it" \
    jsonl "$T/ev.json" 'len(o) == 1 and o[0]["line"] == 25 and
        o[0]["query"].startswith("termservice event id") and
        o[0]["results"]'

# a pasted dialog is one message, whatever its lines say
"$K" --json <"$D/dialog.txt" >"$T/dlg.json" 2>"$T/err"
check "dialog: one message" jsonl "$T/dlg.json" \
    'len(o) == 1 and o[0]["line"] == 1 and o[0]["count"] == 1 and
     "oracle remediation" in o[0]["query"]'

# another program's error in a log is not matched through its time
# stamps and program tag ("app" is a word of a card), and "ERROR 1045"
# keeps its error number instead of losing "ERROR" as a level
printf '%s\n' 'Nov 23 10:00:01 db01 app[9]: starting' \
    "Nov 23 10:00:02 db01 app[9]: ERROR 1045 (28000): Access denied for user 'app'@'10.1.2.3'" \
    >"$T/mysql.log"
"$K" --json --all <"$T/mysql.log" >"$T/mysql.json" 2>"$T/err"
check "foreign log error: exit 1" [ $? -eq 1 ]
check "foreign log error: ERROR 1045 kept, nothing confident" \
    jsonl "$T/mysql.json" 'len(o) == 1 and
        o[0]["query"].startswith("error _num_") and
        all(r["confidence"] < 0.25 for r in o[0]["results"])'

# a shell transcript: the prompt's command is the program that wrote
# what follows; git's "Invalid username or password" is not a KB card
# (it matched one at 0.28), while a message the KB stores still
# matches after an unknown command, and after "cat", which only shows
# a file
printf '%s\n' '$ git push origin main' \
    'remote: Invalid username or password.' \
    "fatal: Authentication failed for 'https://git.example.com/ops/app.git/'" \
    >"$T/git.txt"
"$K" --json --all <"$T/git.txt" >"$T/git.json" 2>"$T/err"
check "git transcript: exit 1" [ $? -eq 1 ]
check "git transcript: nothing confident" jsonl "$T/git.json" \
    'all(r["confidence"] < 0.25 for x in o for r in x["results"])'
for cmd in 'frobnicate --host 10.0.0.5' 'cat /var/log/client.log'; do
	printf '%s\n' "\$ $cmd" 'The credentials that were used to connect to 10.0.0.5 did not work. Please enter new credentials.' \
	    >"$T/known.txt"
	"$K" --json <"$T/known.txt" >"$T/known.json" 2>"$T/err"
	check "after '\$ $cmd': a stored message still matches" \
	    jsonl "$T/known.json" 'any(r["confidence"] >= 0.9 and
		r["doc"].endswith("rdp-credentials-did-not-work")
		for x in o for r in x["results"])'
done

# --all shows a short paste without an error line as a whole, below
# the threshold as for TEXT, and still exits 1
printf '%s\n' 'C:\>typeperf "\Processor(_Total)\% Processor Time" -sc 1' \
    '"05/06/2024 10:30:01.223","99.84"' 'The command completed successfully.' \
    >"$T/perf.txt"
"$K" --json --all <"$T/perf.txt" >"$T/perf.json" 2>"$T/err"
check "--all, no error line: exit 1" [ $? -eq 1 ]
check "--all, no error line: the whole paste, below the threshold" \
    jsonl "$T/perf.json" 'len(o) == 1 and o[0]["results"] and
        all(r["confidence"] < 0.25 for r in o[0]["results"])'

# a log with no errors: exit 1 and nothing but the summary
"$K" --no-color <"$D/noerror.log" >"$T/no.txt" 2>"$T/err"
check "no errors: exit 1" [ $? -eq 1 ]
check "no errors: only the summary" \
    [ "$(cat "$T/no.txt")" = "0 distinct errors, 0 matched" ]
"$K" --json <"$D/noerror.log" >"$T/no.json" 2>"$T/err"
check "no errors: no JSON object" [ ! -s "$T/no.json" ]

# same groups from UTF-16LE with BOM, CRLF and ANSI-coloured copies
python3 - "$D/syslog.log" "$T" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
d = sys.argv[2]
open(d + "/u16.log", "wb").write(b"\xff\xfe" + text.encode("utf-16-le"))
open(d + "/crlf.log", "wb").write(text.replace("\n", "\r\n").encode())
open(d + "/ansi.log", "wb").write(text.replace(
    "rdp-proxy", "\x1b[1;31mrdp-proxy\x1b[0m").encode())
PY
for f in u16 crlf ansi; do
	"$K" --json <"$T/$f.log" >"$T/$f.json" 2>"$T/err"
	check "$f: same groups as UTF-8 LF" cmp -s "$T/$f.json" "$T/sys.json"
done

# binary garbage: never fatal, output still valid UTF-8 JSON
head -c 4000000 /dev/urandom >"$T/bin.log"
"$K" --json <"$T/bin.log" >"$T/bin.json" 2>"$T/err"
rc=$?
check "binary: exit 0 or 1 (got $rc)" [ $rc -le 1 ]
check "binary: valid UTF-8 JSON Lines" jsonl "$T/bin.json" 'True'

# a 100 MB single line: cut at 64 KiB with one warning, memory bounded
python3 - "$T/long.log" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("The user account has been locked because there were too many"
            " logon attempts or password change attempts. ")
    chunk = "x" * (1 << 20)
    for i in range(100):
        f.write(chunk)
    f.write("\nNov 23 10:00:00 gw01 app[1]: Authentication error."
            " The required function is not supported.\n")
PY
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f %M -o "$T/rss" "$K" --json <"$T/long.log" \
	    >"$T/long.json" 2>"$T/err"
	rc=$?
	rss=$(tail -n 1 "$T/rss")
	check "100 MB line: peak RSS under 64 MiB (${rss} KiB)" \
	    [ "$rss" -lt 65536 ]
else
	"$K" --json <"$T/long.log" >"$T/long.json" 2>"$T/err"
	rc=$?
fi
check "100 MB line: exit 0 (got $rc)" [ $rc -eq 0 ]
check "100 MB line: one warning" \
    [ "$(grep -c 'line 1 truncated' "$T/err")" -eq 1 ]
check "100 MB line: both lines grouped" jsonl "$T/long.json" \
    'sorted(g["line"] for g in o) == [1, 2]'

summary
