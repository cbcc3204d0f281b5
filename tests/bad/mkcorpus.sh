#!/bin/sh
# SPDX-License-Identifier: MIT
# Generates the hostile inputs of RELIABILITY.md section 4 into DIR (in the
# build tree: large inputs are never committed).  usage: mkcorpus.sh DIR SEEDS
set -eu
d=$1 seeds=$2
# X5 leaves a read-only directory behind: make it removable first
chmod -R u+w "$d" 2>/dev/null || :
rm -rf "$d"
mkdir -p "$d/docs" "$d/db" "$d/out"
cd "$d"
py() { python3 -c "$1"; }

# D1: empty, blank, BOM only
: >docs/D1-empty.md
printf '  \n\n\t\n' >docs/D1-blank.md
printf '\357\273\277' >docs/D1-bom.md
# D2: a PNG renamed .md
printf '\211PNG\r\n\032\n\000\000\000\rIHDR' >docs/D2-png.md
# D3: invalid UTF-8 of each kind, on line 2
for v in ff c0af eda080 f4908080 e282; do
	printf '# ok\nbad \\x%s here\n' "$v" | sed 's/\\x\(..\)/\\\\x\1/g' >/dev/null
	py "import sys; sys.stdout.buffer.write(b'# ok\nbad ' + bytes.fromhex('$v') + b' here\n')" >docs/D3-$v.md
done
py "import sys; sys.stdout.buffer.write(b'# ok\ncut at end \xe2\x82')" >docs/D3-eof.md
# D4: UTF-16 with BOM
py "import sys; sys.stdout.buffer.write('# Title\nError text\n'.encode('utf-16'))" >docs/D4-utf16le.md
py "import sys; sys.stdout.buffer.write(b'\xfe\xff' + '# Title\n'.encode('utf-16-be'))" >docs/D4-utf16be.md
# D5: BOM + CRLF copy of a seed page
mkdir -p crlf lf
cp "$seeds" lf/page.md
py "import sys; d=open('$seeds','rb').read(); sys.stdout.buffer.write(b'\xef\xbb\xbf' + d.replace(b'\n', b'\r\n'))" >crlf/page.md
# D8: 3 MiB
py "print('word ' * (3 * 1024 * 1024 // 5 + 1))" >docs/D8-large.md
# D9: nesting
py "print('>' * 100000)" >docs/D9-quotes.md
py "print('- ' * 30000 + '\n' * 30000)" >docs/D9-list.md
py "print('> ' + '- ' * 30000)" >docs/D9-quoted-list.md
py "print('>' * 100000 + 'a*' * 100000)" >docs/D9-mixed.md
# D10: brackets and comments
py "print('![[]()' * 160000)" >docs/D10-images.md
py "print('[' * 50000)" >docs/D10-brackets.md
py "print('</' + '<!--' * 300000)" >docs/D10-comments.md
# D12, D13: unclosed blocks and front matter
printf '# Card\n\n## Symptoms\n\nThe service failed to start.\n\n<!-- never closed\n' >docs/D12-comment.md
printf -- '---\ntitle: never closed\n\n# Real title\n\n## Symptoms\n\nIt failed.\n' >docs/D13-frontmatter.md
# D17: control characters and a bidi override in a heading and an error
printf '# Bell \007 and \033[31mred\033[0m\n\n## Symptoms\n\nYou see "Evil \342\200\256txt.exe error message here".\n' >docs/D17-controls.md

# T3: not regular files
mkfifo docs/T3-fifo.md
ln -s /dev/zero docs/T3-zero.md
# T1: a symlink loop
ln -s T1-loop.md docs/T1-loop.md
# D6: lone-CR line ends
printf '# Card\r\r## Symptoms\r\rThe service failed to start.\r' >docs/D6-cr.md
# D7: one line just under 2 MiB, full of quoted error strings
py "import sys; q = '\"' + 'The remote session was disconnected ' * 40 + '\" '; sys.stdout.write('# Card\n\n## Symptoms\n\n' + q * (2000000 // len(q)) + '\n')" >docs/D7-line.md
# D14: 2,500 headings; a 1 MB heading
py "print(''.join('## Error %d failed\n\nIt failed.\n\n' % i for i in range(2500)))" >docs/D14-many.md
py "print('# ' + 'word ' * 200000)" >docs/D14-long.md
# D15: a heading repeated three times; an explicit id used twice
printf '# T\n\n## The service failed\n\nRestart it.\n\n## The service failed\n\nRestart it again.\n\n## The service failed\n\nReinstall it.\n\n## The disk failed[](id:dup)\n\nReplace it.\n\n## The fan failed[](id:dup)\n\nClean it.\n' >docs/D15-anchors.md
# T4: names with a space and a leading dash compile; a newline or a
# non-UTF-8 byte in a name is refused and printed escaped
mkdir -p names
printf '# Ok\n\n## Symptoms\n\nIt failed badly.\n' >'names/with space.md'
cp 'names/with space.md' 'names/-dash.md'

# D11: every input of cmark's test/pathological_tests.py (its 25 cases, at
# their sizes); the generators are written here, not copied
python3 - <<'PY'
import itertools
def collisions():
    # 24,999 references whose labels share a slot of cmark's refmap
    def bad(k):
        h = 0
        for c in k:
            h = (ord(c) + (h << 6) + (h << 16) - h) & 0xFFFFFFFF
        return h % 16 == 0
    keys = (k for k in ("x%d" % i for i in itertools.count()) if bad(k))
    keys = itertools.islice(keys, 25000)
    first = next(keys)
    return "".join("[%s]: /url\n\n[%s]\n\n" % (k, first) for k in keys)
cases = [
    ("strong-emph", lambda: "*a **a " * 32500 + "b" + " a** a*" * 32500),
    ("emph-closers", lambda: "a_ " * 32500),
    ("emph-openers", lambda: "_a " * 32500),
    ("link-closers", lambda: "a]" * 32500),
    ("link-openers", lambda: "[a" * 32500),
    ("mismatched", lambda: "*a_ " * 25000),
    ("issue389", lambda: "*a " * 20000 + "_a*_ " * 20000),
    ("mult3", lambda: "a**b" + "c* " * 25000),
    ("link-emph", lambda: "[ a_" * 25000),
    ("bracket-paren", lambda: "[ (](" * 40000),
    ("images", lambda: "![[]()" * 160000),
    ("hard-link-emph", lambda: "**x [a*b**c*](d)"),
    ("nested-brackets", lambda: "[" * 25000 + "a" + "]" * 25000),
    ("nested-quotes", lambda: "> " * 25000 + "a"),
    ("nested-lists",
        lambda: "".join("  " * x + "* a\n" for x in range(500))),
    ("nul", lambda: "abc\0de\0"),
    ("backticks", lambda: "".join("e" + "`" * x for x in range(1, 2500))),
    ("unclosed-a", lambda: "[a](<b" * 30000),
    ("unclosed-b", lambda: "[a](b" * 30000),
    ("comments", lambda: "</" + "<!--" * 300000),
    ("empty-lists", lambda: "- " * 30000 + "x" + "\n" * 30000),
    ("empty-lists-quote",
        lambda: "> " + "- " * 30000 + "x\n" + ">\n" * 30000),
    ("emph-deep-quote", lambda: ">" * 100000 + "a*" * 100000),
    ("ref-collisions", collisions),
    ("nested-inlines", lambda: "*" * 20000 + "a" + "*" * 20000),
]
for i, (name, make) in enumerate(cases, 1):
    with open("docs/D11-%02d-%s.md" % (i, name), "w") as f:
        f.write(make())
PY

# D16: links and includes that leave the KB root d16/kb.  What lies
# outside holds a canary that must never reach the index: from
# d16/kb/page.md, ../../etc/passwd is etc/passwd here.
mkdir -p etc d16/kb/includes
printf '# Leaked\n\n## Symptoms\n\nYou see "canary leaked from outside the root".\n' >etc/passwd
cp etc/passwd d16/outside.md
printf '%s\n' '# Links that point away' '' '## Symptoms' '' \
    'The sign-in fails with "The credentials supplied were not accepted here".' \
    'See [passwd](../../../../etc/passwd), [shadow](file:///etc/shadow) and' \
    '[run](javascript:alert(1)) for details.' '' '## Resolution' '' \
    '1. Read the fragments.' '' \
    '[!INCLUDE [up](../../etc/passwd)]' '' \
    '[!INCLUDE [self](page.md)]' '' \
    '[!INCLUDE [link](includes/leak.md)]' '' \
    '[!INCLUDE [deep](includes/i1.md)]' '' \
    '[!INCLUDE [cycle](includes/ca.md)]' >d16/kb/page.md
ln -s ../../outside.md d16/kb/includes/leak.md
for i in 1 2 3 4 5 6; do
	printf '## Step %d\n\nStep %d text.\n\n[!INCLUDE [next](i%d.md)]\n' \
	    "$i" "$i" $((i + 1)) >d16/kb/includes/i$i.md
done
printf 'Step 7 text.\n' >d16/kb/includes/i7.md
printf 'Cycle A text.\n\n[!INCLUDE [b](cb.md)]\n' >d16/kb/includes/ca.md
printf 'Cycle B text.\n\n[!INCLUDE [a](ca.md)]\n' >d16/kb/includes/cb.md

# T2: a file its reader may not open; t2 is writable by everyone, so
# that kbc run as nobody can write t2/kb.db
mkdir -p t2/docs
for f in a b c; do
	printf '# Page %s\n\n## Symptoms\n\nThe service %s failed to start.\n' \
	    "$f" "$f" >t2/docs/$f.md
done
chmod 000 t2/docs/b.md
chmod 777 t2

# T5: between t5/long/a.md and z.md a chain of directories whose paths
# pass PATH_MAX (18 names of 251 bytes; mid.md is at depth 8, deep.md
# past the limit); and 300 files in 100 directories
python3 - <<'PY'
import os
top = os.getcwd()
os.makedirs("t5/long")
os.chdir("t5/long")
page = "# %s\n\n## Symptoms\n\nThe %s page failed to load.\n"
for name in ("a", "z"):
    open(name + ".md", "w").write(page % (name, name))
for i in range(18):
    d = "d%02d" % i + "x" * 248
    os.mkdir(d)
    os.chdir(d)      # such paths cannot be made by name
    if i == 7:
        open("mid.md", "w").write(page % ("mid", "mid"))
open("deep.md", "w").write(page % ("deep", "deep"))
os.chdir(top)
for i in range(300):
    d = "t5/fds/d%02d" % (i // 3)
    os.makedirs(d, exist_ok=True)
    open("%s/p%03d.md" % (d, i), "w").write(page % (i, i))
PY

# L1, L2: logs.  plain.log is a journal with three groups, non-ASCII
# text and a character outside the BMP; u16.log is it as PowerShell
# writes it (UTF-16LE, BOM, CRLF), crlf.log with CRLF, ansi.log coloured
# as journalctl does; nonl.log lacks the final newline.  long.log is a
# 10 MB line and one more, longnonl.log the 10 MB line alone without a
# newline; random.log is 50 MB of random bytes, seeded so that every run
# reads the same.
mkdir -p logs
python3 - <<'PY'
import random
lines = [
    "Nov 23 10:00:01 gw01 sshd[712]: error: PAM: Authentication failure"
    " for illegal user bob from 10.0.0.1",
    "Nov 23 10:00:02 gw01 sshd[712]: error: PAM: Authentication failure"
    " for illegal user amy from 10.0.0.2",
    "Nov 23 10:00:03 rdp01 TermService[88]: An authentication error has"
    " occurred. The function requested is not supported. (Z\u00fcrich"
    " \U0001F600)",
    "Nov 23 10:00:04 gw01 systemd[1]: Started Session 4 of user root.",
    "Nov 23 10:00:05 db01 kernel: EXT4-fs error (device sda1):"
    " ext4_find_entry:1455: inode #2: comm ls: reading directory lblock 0",
    "Nov 23 10:00:06 rdp01 TermService[88]: An authentication error has"
    " occurred. The function requested is not supported. (Z\u00fcrich"
    " \U0001F600)",
]
text = "".join(l + "\n" for l in lines)
def put(name, data):
    with open("logs/" + name, "wb") as f:
        f.write(data)
put("plain.log", text.encode())
put("u16.log", b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"))
put("crlf.log", text.replace("\n", "\r\n").encode())
ansi = ""
for l in lines:
    head, _, msg = l.partition(": ")
    host = head.split()[3]
    head = head.replace(host, "\x1b[1m" + host + "\x1b[0m", 1)
    # a hyperlink (OSC 8, ended by ST) and a window title (ended by BEL)
    head = head.replace("sshd[712]", "\x1b]8;;man:sshd(8)\x1b\\sshd[712]"
        "\x1b]8;;\x1b\\").replace("kernel", "\x1b]0;dmesg\x07kernel")
    if "error" in msg:
        msg = "\x1b[0;1;31m" + msg + "\x1b[0m"
    ansi += head + ": " + msg + "\n"
put("ansi.log", ansi.encode())
put("nonl.log", text[:-1].encode())
first = ("Nov 23 10:00:00 gw01 app[1]: The user account has been locked"
         " because there were too many logon attempts. ")
line = first + "x" * (10 * 1000 * 1000 - len(first))
put("long.log", (line + "\n" + lines[2] + "\n").encode())
put("longnonl.log", line.encode())
r = random.Random(50)
with open("logs/random.log", "wb") as f:
    for i in range(50):
        f.write(r.randbytes(1000 * 1000))
PY

# X: damaged, foreign and outdated indexes
: >db/empty.db
echo "just some text, not a database" >db/text.db
mkdir db/dir.db
sqlite3 db/foreign.db "CREATE TABLE t(x); INSERT INTO t VALUES(1);"

# X2-X5 need a real index: the rows call ./mkdb NAME, which derives
# db/NAME.db (or ro/kb.db) from db/good.db, built from the seed page with
# $KBC when first needed ($OLD is rewritten by the kbc rows).
cat >mkdb <<'EOF'
#!/bin/sh
# usage: mkdb NAME: makes db/NAME.db from db/good.db
set -eu
good=db/good.db
[ -s "$good" ] || "$KBC" -q -o "$good" lf/page.md
o=db/$1.db
rm -f "$o" "$o-journal"
v=$(sqlite3 "$good" 'PRAGMA user_version')
case $1 in
t100)	head -c 100 "$good" >"$o" ;;
thalf)	head -c $(($(wc -c <"$good") / 2)) "$good" >"$o" ;;
smash*)	# 40 random bytes on every page (past the 100-byte file header)
	python3 - "$good" "$o" "${1#smash}" <<'PY'
import random, sys
d = bytearray(open(sys.argv[1], 'rb').read())
r = random.Random(int(sys.argv[3]))
for p in range(0, len(d), 4096):
    at = r.randrange(p + (100 if p == 0 else 0), p + 4096 - 40)
    d[at:at + 40] = bytes(r.randrange(256) for _ in range(40))
open(sys.argv[2], 'wb').write(d)
PY
	;;
vminus)	cp "$good" "$o"; sqlite3 "$o" "PRAGMA user_version=$((v - 1))" ;;
vplus)	cp "$good" "$o"; sqlite3 "$o" "PRAGMA user_version=$((v + 1))" ;;
hot)	# another program's write killed mid-transaction: a hot journal
	cp "$good" "$o"
	python3 - "$o" <<'PY'
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute('PRAGMA cache_size=1')
c.execute('BEGIN')
c.execute("UPDATE card SET title = title || 'x'")
c.execute("UPDATE step SET text = text || 'x'")
os._exit(0)
PY
	test -s "$o-journal" ;;
ro)	chmod -R u+w ro 2>/dev/null || :
	rm -rf ro
	mkdir ro
	cp "$good" ro/kb.db
	chmod 555 ro ;;
*)	cp "$good" "$o" ;;
esac
EOF
# usage: asnobody CMD...: runs CMD without root's power to ignore modes
cat >asnobody <<'EOF'
#!/bin/sh
if [ "$(id -u)" -eq 0 ]; then
	exec setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
fi
exec "$@"
EOF
# usage: lockwith DB CMD...: runs CMD while a sqlite3 process holds
# BEGIN EXCLUSIVE on DB; exits with CMD's status
cat >lockwith <<'EOF'
#!/bin/sh
db=$1
shift
rm -f "$db.fifo" "$db.ready"
mkfifo "$db.fifo"
sqlite3 "$db" <"$db.fifo" >"$db.ready" &
pid=$!
exec 3>"$db.fifo"
printf "BEGIN EXCLUSIVE;\nSELECT 'locked';\n" >&3
i=0
until grep -q locked "$db.ready" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -lt 200 ] || { echo "lockwith: no lock" >&2; exit 99; }
	sleep 0.05
done
"$@"
rc=$?
exec 3>&-
wait "$pid"
rm -f "$db.fifo" "$db.ready"
exit "$rc"
EOF
# usage: damaged CMD...: CMD must exit 0 or 1, or 2 saying the index is
# damaged; never a signal, a sanitizer report or another error
cat >damaged <<'EOF'
#!/bin/sh
"$@" >/dev/null 2>damaged.err
rc=$?
cat damaged.err >&2
case $rc in
0|1)	exit 0 ;;
2)	grep -q 'index is damaged; rebuild with kbc' damaged.err && exit 0 ;;
esac
echo "damaged: exit $rc: $*" >&2
exit 1
EOF
# usage: bounded [-m MIB] CMD...: runs CMD and exits with its status, or
# 99 when it used more than $KB_BAD_SECONDS (1 unless set) of CPU time
# or, unless KB_BAD_RSS=0 (sanitizer builds), a peak RSS over MIB (512
# unless given).  CPU time rather than wall time, so that a busy machine
# does not fail it; run.sh's timeout catches a command that hangs.
cat >bounded <<'EOF'
#!/bin/sh
mib=512
if [ "$1" = -m ]; then
	mib=$2
	shift 2
fi
if ! [ -x /usr/bin/time ]; then
	echo "bounded: no /usr/bin/time (package time): not measured" >&2
	exec "$@"
fi
t=bounded.$$
/usr/bin/time -f '%U %S %M' -o "$t" "$@"
rc=$?
set -- $(tail -n 1 "$t")
rm -f "$t"
if ! awk -v u="$1" -v s="$2" -v m="${KB_BAD_SECONDS:-1}" \
    'BEGIN { exit !(u + s <= m) }'; then
	echo "bounded: $1 s user + $2 s system, over ${KB_BAD_SECONDS:-1} s" >&2
	exit 99
fi
if [ "${KB_BAD_RSS:-1}" != 0 ] && [ "$3" -gt $((mib * 1024)) ]; then
	echo "bounded: peak RSS $3 KiB, over $mib MiB" >&2
	exit 99
fi
exit "$rc"
EOF
# usage: once REGEX CMD...: CMD's stderr (passed on) must have exactly
# one line matching REGEX; exits with CMD's status, or 98
cat >once <<'EOF'
#!/bin/sh
re=$1
shift
"$@" 2>once.$$
rc=$?
cat once.$$ >&2
n=$(grep -Ec -- "$re" once.$$)
rm -f once.$$
if [ "$n" -ne 1 ]; then
	echo "once: $n lines match /$re/, want 1" >&2
	exit 98
fi
exit "$rc"
EOF
chmod +x mkdb asnobody lockwith damaged bounded once
