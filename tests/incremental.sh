#!/bin/sh
# SPDX-License-Identifier: MIT
# Incremental builds (issue 3): kbc -o OUT over an index it wrote itself
# copies the unchanged documents instead of compiling them again, and the
# result must have the contents of a full build.  Builds kb/ plus a few
# fixtures fully, edits some (a document, an included file, steps that
# made another card a near duplicate), adds and deletes one, creates a
# file that was missing when a document included it, rebuilds
# incrementally, builds fully into a fresh file, and compares a canonical
# dump of every table, card_fts and card_vocab included.  A document that
# includes files is kept without compiling while they are unchanged, and
# compiled again when one changes or was missing.  Also: stale
# OUT.tmp.<pid> files of dead builds are removed (RELIABILITY.md 3.2).
# Usage: incremental.sh KBC SRCDIR
KBC=${1:?usage: incremental.sh KBC SRCDIR}
SRC=${2:?usage: incremental.sh KBC SRCDIR}
. "$(dirname "$0")/lib.sh"
tmpdir kbinc

# dump DB: every table in a canonical order with ids replaced by what they
# name (a delta build gives new rows new ids): documents by path, cards by
# (path, ord), the rows of a card in their own order, dup_of as
# path#anchor, FTS5 rows through the row they index, card_vocab as it is.
# A table the dump does not know is printed as such, so it cannot go
# unchecked; a join that drops a row is printed too.
dump() {
	python3 - "$1" <<'EOF'
import sqlite3, sys
c = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for p in ("application_id", "user_version"):
    print(p, c.execute("PRAGMA " + p).fetchone()[0])
CARD = "card c JOIN doc d ON d.id = c.doc_id"

def of(col):	# joins the card and document of a card_id column
    return " JOIN card c ON c.id = %s JOIN doc d ON d.id = c.doc_id" % col

Q = {
    "meta": "SELECT * FROM meta ORDER BY key",
    "doc": "SELECT path, title, description, hash, size, digest FROM doc"
           " ORDER BY path",
    "doc_include": "SELECT d.path, i.path, i.hash FROM doc_include i JOIN"
                   " doc d ON d.id = i.doc_id ORDER BY d.path, i.rowid",
    "card": "SELECT d.path, c.ord, c.anchor, c.title, c.symptom, c.cause,"
            " c.diagnosis, c.notes, c.line, (SELECT d2.path || '#' ||"
            " c2.anchor FROM card c2 JOIN doc d2 ON d2.id = c2.doc_id"
            " WHERE c2.id = c.dup_of) FROM " + CARD +
            " ORDER BY d.path, c.ord",
    "section": "SELECT d.path, c.ord, s.ord, s.role, s.heading, s.line FROM"
               " section s" + of("s.card_id") +
               " ORDER BY d.path, c.ord, s.ord",
    "errstr": "SELECT d.path, c.ord, e.text, e.norm, e.line FROM errstr e"
              + of("e.card_id") +
              " ORDER BY d.path, c.ord, e.id",
    "code": "SELECT d.path, c.ord, k.code, k.kind, k.line FROM code k"
            + of("k.card_id") +
            " ORDER BY d.path, c.ord, k.rowid",
    "step": "SELECT d.path, c.ord, s.ord, s.depth, s.text, s.note, s.line"
            " FROM step s" + of("s.card_id") +
            " ORDER BY d.path, c.ord, s.ord",
    "link": "SELECT d.path, c.ord, l.target, l.text, l.line FROM link l"
            + of("l.card_id") +
            " ORDER BY d.path, c.ord, l.rowid",
    "synonym": "SELECT term, expansion FROM synonym ORDER BY rowid",
    "card_sig": "SELECT d.path, c.ord, hex(s.sig) FROM card_sig s"
                + of("s.card_id") + " ORDER BY d.path, c.ord",
    "card_fts": "SELECT d.path, c.ord, f.title, f.symptom, f.errors,"
                " f.cause, f.steps FROM card_fts f" + of("f.rowid") +
                " ORDER BY d.path, c.ord",
    "card_vocab": "SELECT * FROM card_vocab ORDER BY term",
    "term_df": "SELECT * FROM term_df ORDER BY term",
    "errstr_tri": "SELECT d.path, c.ord, t.norm FROM errstr_tri t JOIN"
                  " errstr e ON e.id = t.rowid" + of("e.card_id") +
                  " ORDER BY d.path, c.ord, e.id",
}
names = [r[0] for r in c.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
for t in names:
    if t.startswith(("card_fts_", "errstr_tri_", "sqlite_")):
        continue	# FTS5 shadow tables: compared through card_vocab
    if t not in Q:
        print("unknown table", t)
        continue
    print("==", t)
    rows = c.execute(Q[t]).fetchall()
    if t not in ("meta", "doc", "synonym", "card_vocab", "term_df") and \
        c.execute("SELECT count(*) FROM " + t).fetchone()[0] != len(rows):
        print("rows of", t, "missing from its dump")
    for r in rows:
        print(repr(r))
c.close()
c = sqlite3.connect(sys.argv[1])	# the FTS5 commands need a writer
for t in ("card_fts", "errstr_tri"):
    for r in c.execute("INSERT INTO %s(%s) VALUES('integrity-check')" % (t, t)):
        print(t, "integrity-check", r)
EOF
}

# fixtures: the default KB, an included file, two near-duplicate cards
mkdir -p "$T/kb/fix/includes" || exit 2
cp -R "$SRC/kb/." "$T/kb/"
steps='1. Open the Services console on the server and find the Print Spooler service in the list.
2. Stop the Print Spooler service and delete every file in the spool folder of the server.
3. Start the Print Spooler service again and print a test page from the client computer.'
printf '# Spooler stuck\n\n## Symptom\n\nJobs stay in the queue.\n\n## Resolution\n\n%s\n' \
    "$steps" >"$T/kb/fix/dup-a.md"
printf '# Spooler stuck again\n\n## Symptom\n\nError "0x0000011b" when printing.\n\n## Resolution\n\n%s\n' \
    "$steps" >"$T/kb/fix/dup-b.md"
printf 'Restart the computer before you try again.\n' \
    >"$T/kb/fix/includes/restart.md"
printf '# Printer offline\n\n## Symptom\n\nThe printer shows "Offline".\n\n## Resolution\n\n1. Check the cable.\n\n[!INCLUDE [restart](includes/restart.md)]\n' \
    >"$T/kb/fix/uses-include.md"
printf '# Not there yet\n\n## Symptom\n\nError "later".\n\n## Resolution\n\n1. Wait.\n\n[!INCLUDE [later](includes/later.md)]\n' \
    >"$T/kb/fix/missing-include.md"
printf '# To be deleted\n\n## Symptom\n\nError "gone".\n\n## Resolution\n\n1. Nothing.\n' \
    >"$T/kb/fix/deleted.md"

if "$KBC" -q -o "$T/inc.db" "$T/kb" && [ -s "$T/inc.db" ]; then
	ok "first build"
else
	notok "first build"
fi
dump "$T/inc.db" >"$T/first.dump"
if grep -q "Spooler stuck again" "$T/first.dump" &&
    python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1])
sys.exit(0 if c.execute("SELECT count(*) FROM card WHERE dup_of IS NOT NULL"
    " AND title = ?", ("Spooler stuck again",)).fetchone()[0] == 1 else 1)' \
    "$T/inc.db"; then
	ok "fixture: dup-b is a near duplicate of dup-a"
else
	notok "fixture: dup-b is a near duplicate of dup-a"
fi

# a second build with nothing changed reuses every document, the one whose
# included file is unchanged too, but the one whose include is missing
# (compiled again, to the same rows): OUT is left as it is, not rewritten
# (same inode, same bytes); touching the included file, or every file,
# changes nothing either
cp "$T/inc.db" "$T/first.db"
ino() {
	ls -i "$1" | cut -d' ' -f1
}
ino1=$(ino "$T/inc.db")
"$KBC" -v -o "$T/inc.db" "$T/kb" 2>"$T/v.err"
if cmp -s "$T/first.db" "$T/inc.db" && [ "$(ino "$T/inc.db")" = "$ino1" ]; then
	ok "unchanged KB: index left untouched"
else
	notok "unchanged KB: index left untouched"
fi
if grep -q 'uses-include.md: [0-9]* cards, reused$' "$T/v.err" &&
    grep -q 'missing-include.md: [0-9]* cards$' "$T/v.err" &&
    grep -q 'missing-include.md:.*cannot include includes/later.md' \
    "$T/v.err" &&
    grep -q 'dup-a.md: [0-9]* cards, reused$' "$T/v.err" &&
    grep -Eq '^kbc: 10 documents \(8 reused\), [0-9]+ cards, [0-9]+ warnings, 0 changed; index up to date, [0-9.]+ s$' \
    "$T/v.err"; then
	ok "kbc -v says which documents were reused"
else
	notok "kbc -v says which documents were reused"
	sed 's/^/# /' "$T/v.err"
fi
touch "$T/kb/fix/includes/restart.md"
"$KBC" -v -o "$T/inc.db" "$T/kb" 2>"$T/v.err"
if cmp -s "$T/first.db" "$T/inc.db" && [ "$(ino "$T/inc.db")" = "$ino1" ] &&
    grep -q 'uses-include.md: [0-9]* cards, reused$' "$T/v.err" &&
    grep -q 'index up to date' "$T/v.err"; then
	ok "touched include: includer reused, index left untouched"
else
	notok "touched include: includer reused, index left untouched"
	sed 's/^/# /' "$T/v.err"
fi
find "$T/kb" -type f -exec touch {} +
"$KBC" -o "$T/inc.db" "$T/kb" 2>"$T/v.err"
if cmp -s "$T/first.db" "$T/inc.db" && [ "$(ino "$T/inc.db")" = "$ino1" ] &&
    grep -q 'index up to date' "$T/v.err"; then
	ok "touched files: index left untouched"
else
	notok "touched files: index left untouched"
	sed 's/^/# /' "$T/v.err"
fi
dump "$T/inc.db" >"$T/second.dump"
if cmp -s "$T/first.dump" "$T/second.dump"; then
	ok "unchanged KB: same contents"
else
	notok "unchanged KB: same contents"
	diff "$T/first.dump" "$T/second.dump" | head -5 | sed 's/^/# /'
fi

# edits: new steps for dup-a (dup-b is no longer its duplicate), a changed
# include, a missing include created, one document deleted, one added in
# the middle of the order
printf '# Spooler stuck\n\n## Symptom\n\nJobs stay in the queue.\n\n## Resolution\n\n1. Reinstall the printer driver from the vendor web site and reboot twice.\n2. Ask the vendor for a firmware update and apply it with the vendor tool.\n' \
    >"$T/kb/fix/dup-a.md"
printf 'Unplug the printer for ten seconds.\n' >"$T/kb/fix/includes/restart.md"
printf 'Wait until the later text arrives.\n' >"$T/kb/fix/includes/later.md"
rm "$T/kb/fix/deleted.md"
printf '# Added later\n\n## Symptom\n\nError "added" appears.\n\n## Resolution\n\n1. Do the new thing.\n' \
    >"$T/kb/fix/b-added.md"
# a tmp of a dead build, and one of a live process (this shell)
sh -c 'exit 0' &
dead=$!
wait "$dead"
: >"$T/inc.db.tmp.$dead"
: >"$T/inc.db.tmp.$$"

if "$KBC" -v -o "$T/inc.db" "$T/kb" 2>"$T/v.err" &&
    grep -Eq '^kbc: 10 documents \(5 reused\), [0-9]+ cards, [0-9]+ warnings, 4 changed, 1 removed, [0-9.]+ s$' \
    "$T/v.err"; then
	ok "incremental build"
else
	notok "incremental build"
	sed 's/^/# /' "$T/v.err"
fi
"$KBC" -q -o "$T/full.db" "$T/kb"
dump "$T/inc.db" >"$T/inc.dump"
dump "$T/full.db" >"$T/full.dump"
if grep -q '^== card_fts$' "$T/full.dump" &&
    ! grep -Eq '^(unknown table|rows of)' "$T/full.dump" &&
    cmp -s "$T/inc.dump" "$T/full.dump"; then
	ok "incremental build = full build ($(wc -l <"$T/full.dump") rows)"
else
	notok "incremental build = full build"
	diff "$T/inc.dump" "$T/full.dump" | head -20 | sed 's/^/# /'
fi
if grep -q 'Unplug the printer' "$T/inc.dump" &&
    grep -q 'later text arrives' "$T/inc.dump" &&
    ! grep -q 'To be deleted' "$T/inc.dump"; then
	ok "changed and created includes and deleted document seen"
else
	notok "changed and created includes and deleted document seen"
fi
if grep -q 'dup-a.md: [0-9]* cards$' "$T/v.err" &&
    grep -q 'uses-include.md: [0-9]* cards$' "$T/v.err" &&
    grep -q 'missing-include.md: [0-9]* cards$' "$T/v.err" &&
    grep -q 'dup-b.md: [0-9]* cards, reused$' "$T/v.err"; then
	ok "only changed documents were compiled"
else
	notok "only changed documents were compiled"
	sed 's/^/# /' "$T/v.err"
fi
if [ ! -e "$T/inc.db.tmp.$dead" ] && [ -e "$T/inc.db.tmp.$$" ]; then
	ok "stale tmp of a dead build removed, live one kept"
else
	notok "stale tmp of a dead build removed, live one kept"
fi
rm -f "$T/inc.db.tmp.$$"

# an index written by another kbc (here: a different compiler id) is not
# reused, and a damaged one is replaced by a full build
python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE meta SET value = ? WHERE key = ?", ("0", "compiler"))
c.commit()' "$T/inc.db"
"$KBC" -v -o "$T/inc.db" "$T/kb" 2>"$T/v.err"
dump "$T/inc.db" >"$T/inc.dump"
if grep -q '(0 reused)' "$T/v.err" && cmp -s "$T/inc.dump" "$T/full.dump"; then
	ok "index of another compiler: full build"
else
	notok "index of another compiler: full build"
fi

# the hash cache beside the index (OUT.stat, one line per markdown
# document, between a header and a checksum): a file changed less than a
# second before the build is not cached, an older one is and is not read
# again while its stat stamp holds; an edit that keeps the size and puts
# the mtime back is still seen (its ctime moved); a damaged cache is an
# empty one and is written anew
sleep 2
"$KBC" -q -o "$T/inc.db" "$T/kb"
if [ "$(sed -n '1p;$s/^sum [0-9a-f]\{16\}$/sum/p' "$T/inc.db.stat")" = "kbc stat cache 1
sum" ] && [ "$(wc -l <"$T/inc.db.stat")" -eq 11 ]; then
	ok "hash cache written, one line per markdown document"
else
	notok "hash cache written, one line per markdown document"
	sed 's/^/# /' "$T/inc.db.stat"
fi
cp -p "$T/kb/fix/dup-b.md" "$T/ref"
python3 -c 'import sys
with open(sys.argv[1], "r+b") as f:
    b = f.read().replace(b"again", b"AGAIN")
    f.seek(0)
    f.write(b)' "$T/kb/fix/dup-b.md"
touch -r "$T/ref" "$T/kb/fix/dup-b.md"
"$KBC" -v -o "$T/inc.db" "$T/kb" 2>"$T/v.err"
"$KBC" -q -o "$T/full2.db" "$T/kb"
dump "$T/inc.db" >"$T/inc.dump"
dump "$T/full2.db" >"$T/full2.dump"
if grep -q 'dup-b.md: [0-9]* cards$' "$T/v.err" &&
    grep -q 'Spooler stuck AGAIN' "$T/inc.dump" &&
    cmp -s "$T/inc.dump" "$T/full2.dump"; then
	ok "same size, same mtime, new ctime: the edit is seen"
else
	notok "same size, same mtime, new ctime: the edit is seen"
	sed 's/^/# /' "$T/v.err"
fi
cp "$T/inc.db" "$T/before.db"
printf 'kbc stat cache 1\n0000000000000000 1 2 3 4 5 x\nsum 0\n' \
    >"$T/inc.db.stat"
"$KBC" -o "$T/inc.db" "$T/kb" 2>"$T/v.err"
# dup-b.md is cached only if it changed more than a second ago
if cmp -s "$T/before.db" "$T/inc.db" && grep -q 'index up to date' "$T/v.err" &&
    [ "$(sed -n '1p;$s/^sum [0-9a-f]\{16\}$/sum/p' "$T/inc.db.stat")" = "kbc stat cache 1
sum" ] && [ "$(grep -c ' x$' "$T/inc.db.stat")" -eq 0 ] &&
    [ "$(wc -l <"$T/inc.db.stat")" -ge 10 ]; then
	ok "damaged hash cache: ignored and written anew"
else
	notok "damaged hash cache: ignored and written anew"
	sed 's/^/# /' "$T/v.err"
fi

summary
