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
chmod +x mkdb asnobody lockwith damaged
