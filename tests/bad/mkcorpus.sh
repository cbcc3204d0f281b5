#!/bin/sh
# SPDX-License-Identifier: MIT
# Generates the hostile inputs of RELIABILITY.md section 4 into DIR (in the
# build tree: large inputs are never committed).  usage: mkcorpus.sh DIR SEEDS
set -eu
d=$1 seeds=$2
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

# X: damaged, foreign and outdated indexes
: >db/empty.db
echo "just some text, not a database" >db/text.db
mkdir db/dir.db
sqlite3 db/foreign.db "CREATE TABLE t(x); INSERT INTO t VALUES(1);"
