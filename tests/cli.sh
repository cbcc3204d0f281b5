#!/bin/sh
# SPDX-License-Identifier: MIT
# The kbsearch command-line contract (DESIGN.md, STYLE.md section 9): exit
# status 0/1/2, --help and --version, usage errors, "--", colour rules,
# JSON Lines, FTS5 syntax and other hostile text pasted as a query, index
# errors and write errors, --show, wrapping and highlighting.  Uses the KB
# built into the binary (kb/), and with KBC a small KB compiled here.
# Usage: cli.sh KBSEARCH [KBC]
K=${1:?usage: cli.sh KBSEARCH [KBC]}
KBC=${2:-}
. "$(dirname "$0")/lib.sh"
tmpdir kbcli
unset KBSEARCH_DB NO_COLOR COLUMNS

# kb_tty.py CMD...: runs CMD with stdout on a terminal and prints what
# it wrote there (CRLF as LF); exits with CMD's status.
cat >"$T/kb_tty.py" <<'PY'
import os, pty, subprocess, sys
m, s = pty.openpty()
p = subprocess.Popen(sys.argv[1:], stdout=s, stderr=subprocess.DEVNULL,
    stdin=subprocess.DEVNULL)
os.close(s)
out = b''
while True:
	try:
		b = os.read(m, 65536)
	except OSError:
		break
	if not b:
		break
	out += b
p.wait()
sys.stdout.buffer.write(out.replace(b'\r\n', b'\n'))
sys.exit(p.returncode)
PY

# run STATUS CMD...: runs CMD with stdout/stderr in $T/out, $T/err and
# checks its exit status.
run() {
	want=$1
	shift
	"$@" >"$T/out" 2>"$T/err" </dev/null
	got=$?
	if [ "$got" -ne "$want" ]; then
		notok "exit $got, expected $want: $*"
		sed 's/^/# stderr: /' "$T/err" | head -5
		return 1
	fi
	ok "exit $want: $*"
}

# expect FILE PATTERN: grep -E must find PATTERN in FILE.
expect() {
	if ! grep -Eq -- "$2" "$T/$1"; then
		echo "not ok $n - $1 lacks /$2/"
		fails=$((fails + 1))
	fi
}

# refuse FILE PATTERN: grep -E must not find PATTERN in FILE.
refuse() {
	if grep -Eq -- "$2" "$T/$1"; then
		echo "not ok $n - $1 has /$2/"
		fails=$((fails + 1))
	fi
}

# empty FILE
empty() {
	if [ -s "$T/$1" ]; then
		echo "not ok $n - $1 is not empty"
		fails=$((fails + 1))
	fi
}

esc=$(printf '\033')
rlo=$(printf '\342\200\256')

# --help: full usage on stdout, exit 0; --version
run 0 "$K" --help && expect out '^usage: kbsearch' && expect out 'exit status' && empty err
run 0 "$K" -h && expect out '^usage: kbsearch'
run 0 "$K" --version && expect out '^kbsearch [0-9]+\.[0-9]+\.[0-9]+$' && empty err

# usage errors: one usage line and a pointer to --help on stderr, exit 2
for args in "--bogus x" "-x" "-n" "-n 0 x" "-n abc x" "-n -3 x" "--db"; do
	# shellcheck disable=SC2086
	run 2 "$K" $args && empty out && expect err '^usage: kbsearch' &&
	    expect err "^try 'kbsearch --help'$"
done

# the examples that must work with the default KB
run 0 "$K" "Authentication error" && expect out 'AuthenticationError'
run 0 "$K" "The credentials that were used to connect to 10.1.2.3 did not work." &&
    expect out 'rdp-credentials-did-not-work'
run 0 "$K" "The user account has been locked because there were too many logon attempts or password change attempts." &&
    expect out 'account-locked'
run 0 "$K" Authentication error && expect out 'AuthenticationError'

# "--" ends the options: a negative HRESULT is a query, not an option
run 1 "$K" -- -2146893022 && refuse err 'option|usage'
run 0 "$K" --no-color -- -n Authentication error &&
    expect out 'AuthenticationError'

# no colour when not a terminal, with NO_COLOR or --no-color
run 0 "$K" "Authentication error" && refuse out "$esc"
run 0 env NO_COLOR=1 "$K" "Authentication error" && refuse out "$esc"
run 0 "$K" --no-color "Authentication error" && refuse out "$esc"
if command -v python3 >/dev/null 2>&1; then
	# on a terminal: colour, unless NO_COLOR, --no-color or TERM=dumb
	run 0 env TERM=xterm python3 "$T/kb_tty.py" "$K" "Authentication error" &&
	    expect out "$esc"
	run 0 env TERM=xterm NO_COLOR=1 python3 "$T/kb_tty.py" "$K" "Authentication error" &&
	    refuse out "$esc"
	run 0 env TERM=xterm NO_COLOR= python3 "$T/kb_tty.py" "$K" "Authentication error" &&
	    expect out "$esc"
	run 0 env TERM=xterm python3 "$T/kb_tty.py" "$K" --no-color "Authentication error" &&
	    refuse out "$esc"
	run 0 env TERM=dumb python3 "$T/kb_tty.py" "$K" "Authentication error" &&
	    refuse out "$esc"
	run 0 env TERM=xterm python3 "$T/kb_tty.py" "$K" --json "Authentication error" &&
	    refuse out "$esc"
fi

# --json: valid JSON Lines, keys in the documented order
if command -v python3 >/dev/null 2>&1; then
	cat >"$T/kb_json.py" <<'PY'
import json, sys
top = ["query", "line", "count", "results"]
res = ["rank", "score", "confidence", "doc", "anchor", "title", "matched",
    "cause", "steps"]
n = 0
for l in sys.stdin:
	o = json.loads(l)
	n += 1
	assert list(o) == top, list(o)
	for r in o["results"]:
		keys = [k for k in r if k != "explain"]
		assert keys == res, keys
		assert all(isinstance(s, str) for s in r["steps"])
		assert 0 <= r["confidence"] <= 1
assert n >= 1
PY
	for q in "Authentication error" "printer is out of paper" '" * :'; do
		"$K" --json --explain --all -- "$q" >"$T/j" 2>/dev/null
		if python3 "$T/kb_json.py" <"$T/j" >"$T/err" 2>&1; then
			ok "--json output for '$q' is valid"
		else
			notok "--json output for '$q'"
			sed 's/^/# /' "$T/err"
		fi
	done
	run 0 "$K" --json "Authentication error" &&
	    expect out '"line":null,"count":1,"results":\[\{"rank":1,'
	run 1 "$K" --json "printer is out of paper" &&
	    expect out '"results":\[\]\}$'
fi

# FTS5 syntax and other hostile text: data, never an error
for q in '" * : ^ - ( ) AND OR NOT NEAR(a b) title:x' 'a"b' '*' \
    'multi-agent' "don't" 'x AND' '(x' 'NEAR(a b)' '^x' 'x*' 'col: x' \
    'title:Authentication' '"' '""' 'AND OR NOT' '- - -' \
    "$(printf 'a\001b\177c')" "$(printf '\377\376 bad utf8 \300\257')"; do
	"$K" -- "$q" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -gt 1 ] || grep -Eqi 'fts5|syntax|sql|no such' "$T/err"; then
		notok "query '$q': exit $rc"
		sed 's/^/# /' "$T/err"
	else
		ok "query '$q' is data (exit $rc)"
	fi
done
run 1 "$K" -- "*" && expect err 'no searchable words'
run 1 "$K" -- "the of to and" && expect err 'no searchable words'

# unrelated errors: nothing confident, exit 1
run 1 "$K" "Printer is offline: the print spooler service is not running"
run 1 "$K" "Segmentation fault (core dumped)"
run 1 "$K" "npm ERR! code ELIFECYCLE npm ERR! errno 1"
run 1 "$K" "554 5.7.1 <orders@example.org>: Relay access denied"

# control characters and bidi overrides never reach the terminal raw
for fmt in --json --no-color; do
	"$K" --all $fmt "$(printf 'Authentication error \033[31m\007 %s' "$rlo")" \
	    >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -le 1 ] && ! grep -q "$esc" "$T/out" &&
	    ! grep -q "$rlo" "$T/out"; then
		ok "$fmt: no raw ESC or U+202E (exit $rc)"
	else
		notok "$fmt: raw control characters (exit $rc)"
	fi
done

# stdin: the whole stream is one pasted message
printf 'some log line\nThe credentials that were used to connect to 10.0.0.1 did not work.\n' |
    "$K" >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && grep -q rdp-credentials-did-not-work "$T/out"; then
	ok "stdin paste"
else
	notok "stdin paste: exit $rc"
fi
printf '' | "$K" >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 1 ]; then
	ok "empty stdin: exit 1"
else
	notok "empty stdin: exit $rc"
fi

# index selection and index errors
run 0 env KBSEARCH_DB= "$K" "Authentication error"
run 2 "$K" --db "$T/missing.db" x && expect err 'missing.db.*No such file'
run 2 env KBSEARCH_DB="$T/missing.db" "$K" x && expect err 'No such file'
run 2 "$K" --db "$T" x && expect err 'is a directory'
: >"$T/empty.db"
run 2 "$K" --db "$T/empty.db" x && expect err 'not a kbsearch index \(empty file\)'
echo "hello, world" >"$T/text.db"
run 2 "$K" --db "$T/text.db" x && expect err 'not a kbsearch index$'
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()' \
	    "$T/other.db"
	run 2 "$K" --db "$T/other.db" x && expect err 'not a kbsearch index$'
	python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1])
c.execute("pragma application_id=%d" % 0x4b425358)
c.execute("pragma user_version=999"); c.execute("create table t(x)")
c.commit()' "$T/old.db"
	run 2 "$K" --db "$T/old.db" x &&
	    expect err 'index schema version 999, expected [0-9]+: rebuild with kbc'
	# our application id and schema version, none of our tables
	v=$(sed -n 's/^#define KB_SCHEMA_VERSION[[:space:]]*//p' \
	    "$(dirname "$0")/../compiler/schema.h")
	python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1])
c.execute("pragma application_id=%d" % 0x4b425358)
c.execute("pragma user_version=%d" % int(sys.argv[2]))
c.execute("create table t(x)")
c.commit()' "$T/hollow.db" "$v"
	run 2 "$K" --db "$T/hollow.db" x && expect err 'damaged.*rebuild with kbc'
fi

# write errors: exit 2 with a message; a closed pipe is quiet
if [ -w /dev/full ]; then
	run 2 sh -c '"$0" "Authentication error" >/dev/full' "$K" &&
	    expect err 'write error'
fi
( "$K" --all -n 100 "Authentication error remote desktop windows"; echo $? >"$T/rc" ) 2>"$T/err" |
    head -c 1 >/dev/null
rc=$(cat "$T/rc")
if [ "$rc" -le 1 ] && [ ! -s "$T/err" ]; then
	ok "closed pipe: quiet, exit $rc"
else
	notok "closed pipe: exit $rc"
	sed 's/^/# /' "$T/err"
fi

# --show DOC#ANCHOR: one card in full; the anchor ignores case (issue 7)
vnc=cloud-windows/login-failures#VNC
run 0 "$K" --show "$vnc" && expect out '^Logging in via VNC$' &&
    expect out "^   $vnc\$" && expect out '^   Steps:$' &&
    expect out '^      1\. Log in to the CVM console\.$' &&
    expect out '^   Links:$' && empty err
run 0 "$K" --show cloud-windows/login-failures#vnc &&
    expect out '^Logging in via VNC$'
run 0 "$K" --show cloud-windows/login-failures.md#VNC &&
    expect out '^Logging in via VNC$'
run 0 "$K" --show login-failures#AuthenticationError &&
    expect out '^   Errors:$' &&
    expect out '^      Authentication error\. Invalid flag is provided'
# a step that links to another card names it
run 0 env COLUMNS=200 "$K" --show cloud-windows/login-failures#HighServerLoad &&
    expect out "^      1\. Log in to the instance by using VNC login\. .*→ see $vnc\$"
run 0 "$K" --no-color "High server load CPU VNC" && expect out "→ see $vnc"
# a document alone: its cards, one per line
run 0 "$K" --show cloud-windows/login-failures &&
    expect out "^$vnc  Logging in via VNC\$" &&
    expect out '^cloud-windows/login-failures#AuthenticationError  '
# unknown names: exit 1, the closest names or a pointer to a search
run 1 "$K" --show cloud-windows/login-failures#VNX && empty out &&
    expect err "^kbsearch: no card cloud-windows/login-failures#VNX; did you mean $vnc\?\$"
run 1 "$K" --show cloud-windows/login-failures#nothing-like-it && empty out &&
    expect err '^kbsearch: no card .*; its cards: VNC, '
run 1 "$K" --show no/such-page#x && empty out &&
    expect err '^kbsearch: no card no/such-page#x; try kbsearch TEXT$'
run 1 "$K" --show VNC && expect err "did you mean $vnc\?"
run 1 "$K" --json --show no/such-page && empty out
# usage: a name is needed, and no TEXT with it
run 2 "$K" --show && expect err '^usage: kbsearch'
run 2 "$K" --show "" && expect err '^usage: kbsearch'
run 2 "$K" --show "$vnc" extra words && expect err 'takes no TEXT'

# pycheck NAME SCRIPT ARGS...: SCRIPT reads $T/out and must succeed.
pycheck() {
	name=$1
	shift
	if python3 "$@" <"$T/out" >"$T/py" 2>&1; then
		ok "$name"
	else
		notok "$name"
		sed 's/^/# /' "$T/py"
	fi
}

if command -v python3 >/dev/null 2>&1; then
	cat >"$T/kb_show.py" <<'PY'
import json, sys
keys = ["rank", "score", "confidence", "doc", "anchor", "title", "matched",
    "cause", "steps", "doc_title", "symptom", "errors", "diagnosis", "notes",
    "links", "duplicates"]
lines = sys.stdin.read().splitlines()
assert len(lines) == int(sys.argv[1]), len(lines)
for l in lines:
	o = json.loads(l)
	assert list(o) == keys, list(o)
	assert o["rank"] is None and o["matched"] is None
	assert all(isinstance(s, str) for s in o["steps"] + o["errors"])
	for k in o["links"]:
		assert list(k) == ["text", "target", "card", "step"], list(k)
if sys.argv[2:]:
	o = json.loads(lines[0])
	assert o["doc"] + "#" + o["anchor"] == sys.argv[2], o["anchor"]
	assert {"text": "VNC login", "target": "#VNC",
	    "card": "cloud-windows/login-failures#VNC", "step": "1."} in o["links"]
PY
	run 0 "$K" --json --show cloud-windows/login-failures#highserverload &&
	    pycheck "--json --show: one object, keys in order" \
	    "$T/kb_show.py" 1 cloud-windows/login-failures#HighServerLoad
	run 0 "$K" --json --show cloud-windows/login-failures &&
	    pycheck "--json --show DOC: every card, one per line" \
	    "$T/kb_show.py" 8
fi

# no colour: NO_COLOR, --no-color and TERM=dumb, for --show too
run 0 env NO_COLOR=1 "$K" --show "$vnc" && refuse out "$esc"
run 0 "$K" --no-color --show "$vnc" && refuse out "$esc"
run 0 env TERM=dumb "$K" --show "$vnc" && refuse out "$esc"
run 0 env TERM=dumb "$K" "Authentication error" && refuse out "$esc"

# wrapping: COLUMNS wide at most, except a word longer than a line; at
# word boundaries, as many words as fit (code points, not bytes); the
# continuation of a step is indented under its text
if command -v python3 >/dev/null 2>&1; then
	cat >"$T/kb_wrap.py" <<'PY'
import re, sys
w = int(sys.argv[1])
lines = sys.stdin.buffer.read().decode("utf-8").split("\n")
step = re.compile(r"^( {6,})(\d{1,2}(?:\.\d{1,2})*\.) ")
label = re.compile(r"^   [A-Z][A-Za-z ]*:( |$)")
cont = None
for i, l in enumerate(lines):
	words = l.split()
	if len(l) > w:
		# one word, or a step number and one word
		assert len(words) == 1 or (len(words) == 2 and step.match(l)), \
		    "line %d: %d columns: %r" % (i + 1, len(l), l)
	m = step.match(l)
	if m:
		cont = len(m.group(1)) + len(m.group(2)) + 1
	elif label.match(l) or not l.startswith(" "):
		cont = None
	elif cont is not None:
		assert l.startswith(" " * cont), "line %d: indent: %r" % (i + 1, l)
	# greedy, for a "Cause:" with no line breaks of its own: the first
	# word of each continuation line did not fit on the line above
	if sys.argv[2:] and i + 1 < len(lines) and re.match(
	    r"^(   Cause: |     \S)", l) and re.match(r"^     \S", lines[i + 1]):
		nxt = lines[i + 1].split()[0]
		assert len(l) + 1 + len(nxt) > w, \
		    "line %d: %r could hold %r" % (i + 1, l, nxt)
PY
	for args in "Authentication error" \
	    "The credentials that were used to connect to 10.1.2.3 did not work." \
	    "--show cloud-windows/login-failures#AuthenticationError" \
	    "--show cloud-windows/rdp-credentials-did-not-work"; do
		for cols in 40 57; do
			# shellcheck disable=SC2086
			COLUMNS=$cols "$K" $args >"$T/out" 2>"$T/err"
			pycheck "COLUMNS=$cols: $args" "$T/kb_wrap.py" "$cols"
		done
	done
	run 0 env COLUMNS=40 "$K" --json "Authentication error" &&
	    expect out '^.{200,}$'
	run 0 env COLUMNS=junk "$K" "Authentication error" &&
	    expect out '^   Cause: Microsoft released a security update in March 2018\. This update fixes$'

	# the query's words are bold in the matched error, on a terminal only
	bold=$(printf '\033\\[1m')
	off=$(printf '\033\\[0m')
	q="Authentication error invalid flag"
	run 0 env TERM=xterm python3 "$T/kb_tty.py" "$K" "$q" &&
	    expect out "Matched:.* ${bold}Authentication${off} ${bold}error${off}\. ${bold}Invalid${off} ${bold}flag${off} is provided"
	run 0 env TERM=xterm NO_COLOR=1 python3 "$T/kb_tty.py" "$K" "$q" &&
	    expect out '^   Matched: Authentication error\. Invalid flag is provided to the function\.$' &&
	    refuse out "$esc"
	run 0 "$K" "$q" &&
	    expect out '^   Matched: Authentication error\. Invalid flag is provided to the function\.$'
	run 0 env TERM=xterm python3 "$T/kb_tty.py" "$K" --show "$vnc" &&
	    expect out "$esc"
	run 0 env TERM=xterm NO_COLOR=1 python3 "$T/kb_tty.py" "$K" --show "$vnc" &&
	    refuse out "$esc"
fi

# a status code every crashing program reports (0xc0000005) finds the
# card only for the program that card is about; a 64-bit address and a
# zero are no codes at all
if [ -n "$KBC" ]; then
	mkdir -p "$T/crash"
	cat >"$T/crash/userinit.md" <<'MD'
# Logon scripts crash in remote sessions

## Symptom

Users of a remote session see "An application error has occurred.
Userinit.exe Exception: access violation (0xc0000005), Address:
0x77f901b3" and the session closes.

## Steps

1. Delete the value that has no name under IniFile Times.
MD
	cat >"$T/crash/spool.md" <<'MD'
# The spool file cannot be opened

## Symptom

"The spool file could not be opened (0x80070005)."

## Steps

1. Restart the print spooler.
MD
	run 0 "$KBC" -q -o "$T/crash.db" "$T/crash"
	run 0 "$K" --db "$T/crash.db" "Faulting application name: userinit.exe
Exception code: 0xc0000005
Fault offset: 0x0000b1f3" &&
	    expect out '^   userinit#logon-scripts-crash-in-remote-sessions'
	run 1 "$K" --db "$T/crash.db" "Faulting application name: chrome.exe
Faulting module name: chrome.dll
Exception code: 0xc0000005
Fault offset: 0x0000000004a3f2b1" && empty out
	run 1 "$K" --db "$T/crash.db" "Unhandled exception at 0x00007FF6A1B2C3D4 in app.exe: 0xC0000005: Access violation reading location 0x0000000000000000." &&
	    empty out
fi

# a card that quotes the paste in a step (an event's text in a list)
# beats one whose symptom shares most of its words
if [ -n "$KBC" ]; then
	mkdir -p "$T/quote"
	cat >"$T/quote/events.md" <<'MD'
# Session host events to check

## Symptom

Users cannot connect to the session host.

## Steps

1. Open Event Viewer and look for these events under System:
   - 1057: The session host server has failed to replace the expired self signed certificate used for server authentication on TLS connections.
   - 1058: The session host server has failed to create a new self signed certificate.
2. Delete the certificate from the Remote Desktop store and restart the service.
MD
	cat >"$T/quote/custom-cert.md" <<'MD'
# Use a custom server authentication certificate for TLS

## Symptom

The session host server uses a self signed certificate for server authentication on TLS connections instead of the certificate you installed.

## Steps

1. Set the thumbprint of the installed certificate on the listener.
MD
	cat >"$T/quote/expired.md" <<'MD'
# The client reports an expired certificate

## Symptom

"The certificate has expired or is not yet valid."

## Steps

1. Check the clock of the client.
MD
	run 0 "$KBC" -q -o "$T/quote.db" "$T/quote"
	run 0 "$K" --db "$T/quote.db" -n 1 "has failed to replace the expired self signed certificate used for server authentication on TLS connections" &&
	    expect out '^   events#session-host-events-to-check'
fi

# links between documents of a KB compiled here: a relative .md path or
# an anchor of the same document leads to a card
if [ -n "$KBC" ]; then
	mkdir -p "$T/kb/net" "$T/kb/vm"
	cat >"$T/kb/net/dns.md" <<'MD'
# DNS lookups fail

## Symptom

The error "Temporary failure in name resolution" appears.

## Cause

Ünïcödé wörds ärë çöüntéd äs öné çölümn éäch, nöt äs twö bÿtés, sö thïs lïné wräps äs läté äs ït cän: ä ä ä ä ä ä ä ä ä ä ä ä ä ä ä ä ä ä ä ä.

## Steps

1. Log in through the console, see [console login](../vm/console.md#Console-Login).
2. Check the resolver as in [Checking resolv.conf](#checking).
3. Restart it as in [the restart guide](../vm/console.md).
4. Read [the vendor page](https://example.com/dns).

## Checking resolv.conf {#checking}

### Symptom

Names do not resolve.

### Steps

1. Open /etc/resolv.conf.
MD
	cat >"$T/kb/vm/console.md" <<'MD'
# Console login

## Symptom

You cannot log in through SSH: "Connection refused".

## Steps

1. Open the console.
MD
	run 0 "$KBC" -q -o "$T/links.db" "$T/kb"
	run 0 env COLUMNS=200 "$K" --db "$T/links.db" \
	    --show net/dns#DNS-LOOKUPS-FAIL &&
	    expect out '^      1\. Log in through the console, see console login\.  → see vm/console#console-login$' &&
	    expect out '^      2\. .*→ see net/dns#checking$' &&
	    expect out '^      3\. .*→ see vm/console#console-login$' &&
	    expect out '^      4\. Read the vendor page\.$' &&
	    expect out '^      the vendor page: https://example\.com/dns$'
	run 0 "$K" --db "$T/links.db" --show net/dns &&
	    expect out '^net/dns#dns-lookups-fail  DNS lookups fail$' &&
	    expect out '^net/dns#checking  Checking resolv\.conf$'
	run 0 "$K" --db "$T/links.db" --show vm/console &&
	    expect out '^Console login$'
	if command -v python3 >/dev/null 2>&1; then
		COLUMNS=40 "$K" --db "$T/links.db" \
		    --show net/dns#dns-lookups-fail >"$T/out" 2>"$T/err"
		pycheck "wrapping counts code points" "$T/kb_wrap.py" 40 greedy
	fi
fi

summary
