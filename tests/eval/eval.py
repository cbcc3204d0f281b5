#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Accuracy of kbsearch on development query sets, next to a baseline.

Builds each knowledge base with kbc, runs every query of its set (format:
../shared/eval/README.md) through kbsearch --json, and prints top-1
accuracy, MRR@5 and the share of negatives correctly declined, per set
and, for several sets, pooled (the floors apply to the pooled figures).  The same
queries also run through a plain FTS5 BM25 query (every word, ORed,
quoted) on the same index, so the figures can be compared side by side.
Exits 1 when kbsearch falls below the given floors, 77 when the data is
missing (so a test runner can report it as skipped).
"""
import argparse
import csv
import os
import sqlite3
import subprocess
import sys
import tempfile


def unescape(q):
    out, i = [], 0
    while i < len(q):
        if q[i] == "\\" and i + 1 < len(q) and q[i + 1] in "nt":
            out.append("\n" if q[i + 1] == "n" else "\t")
            i += 2
        else:
            out.append(q[i])
            i += 1
    return "".join(out)


def load_set(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            qid, expected, mode, query = line.split("\t", 3)
            rows.append((qid, expected, mode, unescape(query)))
    return rows


def seed_map(kb):
    """Seed file name -> doc id, from kb/SOURCES.tsv."""
    m = {}
    path = os.path.join(kb, "SOURCES.tsv")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                m[row["seed"]] = os.path.splitext(row["path"])[0]
    return m


def targets(expected, seeds):
    """Accepted answers as (doc, anchor or None)."""
    if expected == "-":
        return []
    out = []
    for alt in expected.split("|"):
        doc, _, anchor = alt.partition("#")
        out.append((seeds.get(doc, doc), anchor.lower() or None))
    return out


def hit(result, accepted):
    for doc, anchor in accepted:
        if result[0] == doc and (anchor is None or result[1] == anchor):
            return True
    return False


def run_kbsearch(kbsearch, db, mode, query):
    cmd = [kbsearch, "--json", "--db", db, "-n", "5"]
    if mode == "arg":
        p = subprocess.run(cmd + ["--", query], capture_output=True,
                           text=True)
    else:
        p = subprocess.run(cmd, input=query, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.stderr.write("kbsearch failed (%d): %s\n" % (p.returncode,
                                                         p.stderr))
    import json
    for line in p.stdout.splitlines():
        obj = json.loads(line)
        if obj["results"]:
            return [(r["doc"], (r["anchor"] or "").lower())
                    for r in obj["results"]]
    return []


def run_baseline(con, query):
    words = []
    for w in "".join(c if c.isalnum() else " " for c in query).split():
        if w.upper() not in ("AND", "OR", "NOT", "NEAR"):
            words.append('"%s"' % w)
    if not words:
        return []
    rows = con.execute(
        "SELECT doc.path, card.anchor FROM card_fts"
        " JOIN card ON card.id = card_fts.rowid"
        " JOIN doc ON doc.id = card.doc_id"
        " WHERE card_fts MATCH ? ORDER BY bm25(card_fts) LIMIT 5",
        (" OR ".join(words),)).fetchall()
    return [(d, (a or "").lower()) for d, a in rows]


def score(results_per_query):
    """(top-1 hits, reciprocal rank sum, declined, positives, negatives)."""
    top1 = mrr = pos = neg = declined = 0
    for accepted, results in results_per_query:
        if not accepted:
            neg += 1
            declined += not results
            continue
        pos += 1
        docs = []
        for r in results:
            if r not in docs:
                docs.append(r)
        for rank, r in enumerate(docs[:5], 1):
            if hit(r, accepted):
                mrr += 1.0 / rank
                top1 += rank == 1
                break
    return top1, mrr, declined, pos, neg


def rates(counts):
    top1, mrr, declined, pos, neg = counts
    return (top1 / pos if pos else 1.0, mrr / pos if pos else 1.0,
            declined / neg if neg else 1.0)


def add(a, b):
    return tuple(x + y for x, y in zip(a, b))


def table(title, ours, base):
    print("%s: %d positives, %d negatives" % (title, ours[3], ours[4]))
    print("%-10s %7s %7s %9s" % ("", "top-1", "MRR@5", "declined"))
    print("%-10s %7.3f %7.3f %9.3f" % (("kbsearch",) + rates(ours)))
    print("%-10s %7.3f %7.3f %9.3f" % (("fts5-bm25",) + rates(base)))


def run_set(a, kb, path):
    """Counts (see score()) of kbsearch and of the baseline on one set."""
    seeds = seed_map(kb)
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "kb.db")
        p = subprocess.run([a.kbc, "-q", "-o", db, kb])
        if p.returncode not in (0, 1):
            print("kbc failed with status %d" % p.returncode)
            return None
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        ours, base = [], []
        for qid, expected, mode, query in load_set(path):
            accepted = targets(expected, seeds)
            r = run_kbsearch(a.kbsearch, db, mode, query)
            b = run_baseline(con, query)
            ours.append((accepted, r))
            base.append((accepted, b))
            if a.verbose:
                ok = (hit(r[0], accepted) if r and accepted
                      else (not r and not accepted))
                print("%s %s %s -> %s" % ("ok  " if ok else "MISS", qid,
                                          expected[:70],
                                          r[0] if r else "-"))
        con.close()
    return score(ours), score(base)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kbc", required=True)
    ap.add_argument("--kbsearch", required=True)
    ap.add_argument("--kb", required=True, action="append",
                    help="knowledge base root, one per --set")
    ap.add_argument("--set", required=True, action="append",
                    help="query set (.tsv); several are pooled")
    ap.add_argument("--floor-top1", type=float, default=0.0)
    ap.add_argument("--floor-declined", type=float, default=0.0)
    ap.add_argument("--verbose", "-v", action="store_true")
    a = ap.parse_args()
    if len(a.kb) != len(a.set):
        ap.error("give one --kb for each --set")
    for kb, path in zip(a.kb, a.set):
        if not os.path.isdir(kb) or not os.path.exists(path):
            print("skipped: no corpus (%s)" % kb)
            return 77
    ours = base = (0, 0, 0, 0, 0)
    for kb, path in zip(a.kb, a.set):
        counts = run_set(a, kb, path)
        if counts is None:
            return 2
        table(os.path.basename(path), *counts)
        ours, base = add(ours, counts[0]), add(base, counts[1])
    if len(a.set) > 1:
        table("all sets", ours, base)
    t1, _, dec = rates(ours)
    if t1 < a.floor_top1 or dec < a.floor_declined:
        print("FAIL: below the floors (top-1 %.2f, declined %.2f)"
              % (a.floor_top1, a.floor_declined))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
