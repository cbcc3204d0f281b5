#!/bin/sh
# SPDX-License-Identifier: MIT
# Log throughput benchmark (prints figures; asserts nothing).  Generates a
# syslog-style log of SIZE_MB (default 1024) in $TMPDIR, 1% of its lines
# error strings taken from the index DB with random values inserted, and
# times `kbsearch --db DB < log` next to `rg -c -i 'error|fail'` on the
# same file, with peak RSS from /usr/bin/time -f %M.
# usage: tests/bench/log.sh KBSEARCH DB [SIZE_MB]
K=${1:?usage: log.sh KBSEARCH DB [SIZE_MB]}
DB=${2:?usage: log.sh KBSEARCH DB [SIZE_MB]}
MB=${3:-1024}
LOG=${TMPDIR:-/tmp}/kbsearch-bench-$$.log
trap 'rm -f "$LOG"' EXIT

python3 - "$DB" "$LOG" "$MB" <<'PY'
import random, sqlite3, sys
db, out, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
errs = [r[0].replace("\n", " ") for r in
        con.execute("SELECT text FROM errstr WHERE length(text) < 300")]
if not errs:
    errs = ["Authentication failed for user admin"]
rnd = random.Random(1)
hosts = ["web%02d" % i for i in range(20)]
procs = ["sshd", "systemd", "kernel", "cron", "nginx", "dockerd", "rdpd"]
benign = ["Started Session %d of user root.", "Accepted publickey for deploy"
          " from 10.0.%d.%d port %d ssh2", "eth0: link up, speed %d Mbps",
          "pam_unix(cron:session): session opened for user root by (uid=%d)",
          "GET /api/v1/items/%d HTTP/1.1 200 %d", "Reloading configuration"
          " (generation %d)", "container %x started in %d ms"]
def fill(t):
    return t % tuple(rnd.randrange(1, 60000) for _ in range(t.count("%")))
def value():
    return rnd.choice(["10.%d.%d.%d" % (rnd.randrange(256), rnd.randrange(256),
                       rnd.randrange(256)), "0x%08X" % rnd.getrandbits(32),
                       str(rnd.randrange(100000))])
target = mb * 1024 * 1024
size = 0
with open(out, "w") as f:
    while size < target:
        lines = []
        for i in range(20000):
            ts = "Nov %2d %02d:%02d:%02d %s %s[%d]: " % (
                rnd.randrange(1, 29), rnd.randrange(24), rnd.randrange(60),
                rnd.randrange(60), rnd.choice(hosts), rnd.choice(procs),
                rnd.randrange(1, 30000))
            if rnd.random() < 0.01:
                lines.append(ts + rnd.choice(errs) + " (" + value() + ")")
            else:
                lines.append(ts + fill(rnd.choice(benign)))
        chunk = "\n".join(lines) + "\n"
        f.write(chunk)
        size += len(chunk)
PY
bytes=$(wc -c <"$LOG")
lines=$(wc -l <"$LOG")
echo "log: $bytes bytes, $lines lines"

run() {
	name=$1
	shift
	/usr/bin/time -f '%e %M' -o "$LOG.time" "$@" <"$LOG" >/dev/null 2>&1
	read -r secs rss <"$LOG.time"
	rm -f "$LOG.time"
	awk -v n="$name" -v b="$bytes" -v s="$secs" -v r="$rss" 'BEGIN {
	    printf "%-10s %8.2f s %9.1f MB/s %9.1f MiB peak RSS\n",
	    n, s, b / 1e6 / (s > 0 ? s : 0.01), r / 1024 }'
}
run kbsearch "$K" --db "$DB"
run rg rg -c -i 'error|fail'
"$K" --db "$DB" <"$LOG" | tail -n 1
