#!/bin/sh
# SPDX-License-Identifier: MIT
# The long run before each release (RELIABILITY.md section 11): hours, so
# neither ctest nor CI runs it.  Parts, one after another, each using at
# most the two cores of the CI machine:
#   analyzer  a gcc -fanalyzer build; a finding in compiler/ or search/
#             not listed in tests/analyzer.baseline fails
#   gcov      a --coverage -O0 build runs its ctest (all but the eval,
#             package, docs, valgrind and timing-only bounds tests) and the
#             fault sweep; every diagnostic call site of read.c, writer.c,
#             db.c, input.c and logscan.c must be reached, unless
#             tests/gcov.baseline lists it
#   stdin     1 GiB of generated journal on kbsearch's stdin (release
#             build): exit 0 or 1, the summary line, peak RSS <= 32 MiB
#             and >= 50 MB/s (RELIABILITY.md section 7)
#   faults    tests/faults.sh with KB_FAULT_STEP=5: fsize at 5, 10, ... 95 %
#             and the address space from 256 down to 16 MiB in 5 % steps
#   valgrind  memcheck on every row of tests/bad/cases.txt (tests/bad/run.sh
#             with kbc and kbsearch run under valgrind), on L3 and L4
#             (tests/log/bounds.sh's logs), L6 and the Q4 100k-word query
#   crash     tests/crash.sh with 500 SIGKILLs, B the full corpus
#   fuzz      tests/fuzz/long.sh HOURS: each target for HOURS, two at a time
# The corpus parts need ../shared/corpus/full (unpacked into the work
# directory) and say "skipped: no corpus" without it; faults then builds
# the rdp corpus or generated pages instead.  One TAP line per part, a
# table of results and times at the end; exit 0 only when no part failed
# (skipped parts do not fail the run).
#
# usage: sh tests/long.sh [HOURS]   (from the repository root)
# HOURS of fuzzing per target, default 4 (the release gate of section 8:
# 4 CPU-hours per target; 2 x HOURS of wall time); 0.01 for a quick check.
# Environment:
#   KB_LONG_WORK       work directory (default build-long): build trees
#                      release/, analyzer/, cov/, fuzz/, the unpacked
#                      corpus, each part's files and logs/
#   KB_LONG_PARTS      parts to run (default: all, in the order above)
#   KB_LONG_KILLS      SIGKILLs of the crash part (500)
#   KB_LONG_STDIN_MB   size of the stdin journal in MiB (1024)
#   KB_LONG_FAULT_STEP step of the fault sweeps in % (5)
#   KB_SHARED          where corpus/ lives (../shared)
#   KB_UPDATE=1        rewrites tests/analyzer.baseline and tests/gcov.baseline
set -u
cd "$(dirname "$0")/.." || exit 2
src=$(pwd)
. "$src/tests/lib.sh"

all_parts="analyzer gcov stdin faults valgrind crash fuzz"
hours=${1:-4}
parts=${KB_LONG_PARTS:-$all_parts}
kills=${KB_LONG_KILLS:-500}
stdin_mb=${KB_LONG_STDIN_MB:-1024}
fault_step=${KB_LONG_FAULT_STEP:-5}
shared=${KB_SHARED:-$src/../shared}
jobs=2
usage="usage: sh tests/long.sh [HOURS]"
awk -v h="$hours" 'BEGIN { exit !(h ~ /^[0-9]*\.?[0-9]+$/ && h > 0) }' ||
    { echo "$usage (HOURS: a positive number, not '$hours')" >&2; exit 2; }
for p in $parts; do
	case " $all_parts " in
	*" $p "*) ;;
	*) echo "long.sh: KB_LONG_PARTS: no part '$p' (parts: $all_parts)" >&2
	   exit 2 ;;
	esac
done
mkdir -p "${KB_LONG_WORK:-build-long}/logs" || exit 2
work=$(cd "${KB_LONG_WORK:-build-long}" && pwd)
logs=$work/logs
unset KBSEARCH_DB
echo "# long run: $(date '+%F %T'), $(git rev-parse --short HEAD 2>/dev/null ||
    echo '?'), parts: $parts; work: $work"

# hms SECONDS: "1h02m03s", "2m03s" or "3s"
hms() {
	awk -v s="$1" 'BEGIN {
		if (s >= 3600) printf "%dh%02dm%02ds", s / 3600, s % 3600 / 60, s % 60
		else if (s >= 60) printf "%dm%02ds", s / 60, s % 60
		else printf "%ds", s }'
}

# note TEXT...: a comment line for the reader of the run
note() {
	echo "# $*"
}

# tap_failures LOG: the failed checks of a TAP log, as comments
tap_failures() {
	grep -E '^(not ok|Bail out!)' "$1" | head -40 | sed 's/^/#   /'
}

# tap_count LOG: "N checks, M failed"
tap_count() {
	awk '/^ok / { o++ } /^not ok / { f++ }
	    END { printf "%d checks, %d failed", o + f, f }' "$1"
}

# tap_result RC LOG LABEL: the result of a TAP script that exited RC:
# sets what ("LABEL: N checks, M failed", or the script's skip line) and
# returns 0, 77 (skipped) or 1
tap_result() {
	what="$3: $(tap_count "$2")"
	case $1 in
	0) return 0 ;;
	77) what="skipped: $(head -1 "$2")"; return 77 ;;
	*) return 1 ;;
	esac
}

# build NAME CMAKE_ARGS...: configures and builds $work/NAME with -j2,
# output in $logs/build-NAME.log; shows its tail when it fails
build() {
	bname=$1
	shift
	note "building $bname: $*"
	if cmake -S "$src" -B "$work/$bname" "$@" >"$logs/build-$bname.log" \
	    2>&1 && cmake --build "$work/$bname" -j "$jobs" \
	    >>"$logs/build-$bname.log" 2>&1; then
		return 0
	fi
	tail -20 "$logs/build-$bname.log" | sed 's/^/#   /'
	return 1
}

# need_release: the release build (RelWithDebInfo, no sanitizers), built
# once per run; sets KBC, KBSEARCH, KBDB (the default KB's index)
release_state=
need_release() {
	if [ -z "$release_state" ]; then
		if build release -DCMAKE_BUILD_TYPE=RelWithDebInfo; then
			release_state=ok
		else
			release_state=failed
		fi
	fi
	KBC=$work/release/compiler/kbc
	KBSEARCH=$work/release/search/kbsearch
	KBDB=$work/release/kb.db
	[ "$release_state" = ok ] || { what="the release build failed"; return 1; }
}

# need_corpus: unpacks the full corpus into $work/corpus once; sets full
# to its directory, or to "" (and what) when ../shared has none
corpus_state=
full=
need_corpus() {
	tarball=$shared/corpus/full/SupportArticles-docs-md.tar.zst
	if [ -z "$corpus_state" ]; then
		if [ ! -f "$tarball" ]; then
			corpus_state=none
		else
			rm -rf "$work/corpus"
			mkdir -p "$work/corpus"
			if tar --zstd -xf "$tarball" -C "$work/corpus" \
			    2>"$logs/corpus.log"; then
				corpus_state=ok
				full=$(find "$work/corpus" -mindepth 1 -maxdepth 1 \
				    -type d | head -1)
				note "corpus: $(find "$full" -name '*.md' | wc -l)" \
				    "documents unpacked from $tarball"
			else
				corpus_state=failed
				sed 's/^/#   /' "$logs/corpus.log"
			fi
		fi
	fi
	case $corpus_state in
	ok) return 0 ;;
	none) what="skipped: no corpus ($tarball)"; return 77 ;;
	*) what="cannot unpack $tarball"; return 1 ;;
	esac
}

# part_analyzer: every target compiled with gcc -fanalyzer (a clean
# build: a warning is printed only when its file is compiled); findings
# keyed "path<TAB>warning<TAB>source line", without line numbers, so that
# the baseline survives edits elsewhere in a file, as tests/static.sh does
part_analyzer() {
	base=$src/tests/analyzer.baseline
	b=$work/analyzer
	note "building analyzer: -fanalyzer, clean"
	if ! { cmake -S "$src" -B "$b" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DCMAKE_C_FLAGS=-fanalyzer &&
	    cmake --build "$b" -j "$jobs" --clean-first; } \
	    >"$logs/build-analyzer.log" 2>&1; then
		tail -20 "$logs/build-analyzer.log" | sed 's/^/#   /'
		what="the -fanalyzer build failed"
		return 1
	fi
	# "file:line:col: warning: text [-Wanalyzer-x]" -> file, line, x, text
	w='^\(.*\):\([0-9]*\):[0-9]*: warning: \(.*\) \[\(-Wanalyzer-[a-z0-9-]*\)\]$'
	sed -n "s/$w/\\1\t\\2\t\\4\t\\3/p" "$logs/build-analyzer.log" | sort -u |
	while IFS="$(printf '\t')" read -r file line opt msg; do
		rel=${file#"$src"/}
		case $rel in
		compiler/*|search/*) ;;
		*) echo "outside	$file:$line: $msg [$opt]"; continue ;;
		esac
		code=$(sed -n "${line}p" "$file" |
		    sed 's/^[ 	]*//; s/[ 	]*$//')
		printf '%s\t%s\t%s\t%s\n' "$rel" "$opt" "$code" \
		    "$rel:$line: $msg [$opt]"
	done >"$work/analyzer.found"
	grep '^outside	' "$work/analyzer.found" | cut -f2 |
	    sed 's/^/# not judged (outside compiler\/ and search\/): /'
	grep -v '^outside	' "$work/analyzer.found" >"$work/analyzer.keys"
	baseline_compare "$base" "$work/analyzer.keys" "analyzer finding"
}

# baseline_compare BASELINE FOUND WHAT: FOUND has "key<TAB>key<TAB>key
# <TAB>description" lines; prints the known ones, the new ones and the
# baseline entries no longer found; fails on new ones.  KB_UPDATE=1
# rewrites BASELINE (its comment lines kept) with what was found.
baseline_compare() {
	cut -f1-3 "$2" | sort -u >"$2.keys"
	if [ "${KB_UPDATE:-0}" = 1 ]; then
		{ grep '^#' "$1"; cat "$2.keys"; } >"$1.new" && mv "$1.new" "$1"
		note "KB_UPDATE=1: rewrote ${1#"$src"/}"
	fi
	grep -v '^#' "$1" 2>/dev/null | grep . | sort -u >"$2.base"
	nknown=$(comm -12 "$2.keys" "$2.base" | wc -l)
	new=$(comm -23 "$2.keys" "$2.base")
	gone=$(comm -13 "$2.keys" "$2.base")
	comm -12 "$2.keys" "$2.base" | while IFS= read -r key; do
		grep -F -- "$key" "$2" | head -1 | cut -f4
	done | sort -t: -k1,1 -k2,2n | sed "s/^/# known (${1##*/}): /"
	[ -z "$new" ] || echo "$new" | while IFS= read -r key; do
		grep -F -- "$key" "$2" | head -1 | cut -f4
	done | sort -t: -k1,1 -k2,2n | sed 's/^/# NEW: /'
	[ -z "$gone" ] || echo "$gone" |
	    sed "s/^/# no longer found, remove from ${1##*/}: /"
	nnew=$(echo "$new" | grep -c .)
	what="$(($(wc -l <"$2.keys"))) ${3}s, $nknown known, $nnew new"
	[ "$nnew" -eq 0 ]
}

# part_gcov: a coverage build, its ctest and the fault sweep, then the
# diagnostic call sites of five files with their execution counts
part_gcov() {
	b=$work/cov
	build cov -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_C_FLAGS=--coverage -O0" \
	    -DCMAKE_EXE_LINKER_FLAGS=--coverage "-DKB_SHARED=$shared" ||
	    { what="the coverage build failed"; return 1; }
	# the build runs kbc on kb/: that is not a test.  Rows T2, T6 and X5
	# run kbc and kbsearch as uid 65534, which must be able to write the
	# counters: empty counter files of mode 0666 (gcov's runtime fills an
	# empty one as if it were absent).
	find "$b" -name '*.gcda' -delete
	find "$b" -name '*.gcno' | while IFS= read -r g; do
		: >"${g%.gcno}.gcda" && chmod 666 "${g%.gcno}.gcda"
	done
	# left out: eval (accuracy, no error paths), package and docs, valgrind
	# (run by its own part), and bounds and log-bounds, whose time and RSS
	# ceilings mean nothing at -O0 with coverage counters
	note "ctest in the coverage build"
	(cd "$b" && ctest -j "$jobs" --output-on-failure \
	    -LE 'eval|package|docs|valgrind|bounds' -E '^log-bounds$') \
	    >"$logs/gcov-ctest.log" 2>&1
	crc=$?
	grep -E '^[0-9]+% tests passed|^[ 	]+[0-9]+ - ' "$logs/gcov-ctest.log" |
	    sed 's/^/#   ctest: /'
	rdp=$shared/corpus/rdp
	[ -d "$rdp" ] || rdp=
	note "fault sweep in the coverage build (KB_FAULT_STEP=$fault_step)"
	KB_FAULT_STEP=$fault_step sh "$src/tests/faults.sh" "$b/compiler/kbc" \
	    "$b/search/kbsearch" "$b/faults-sweep" "$src/kb" $rdp \
	    >"$logs/gcov-faults.log" 2>&1
	frc=$?
	[ "$frc" -eq 0 ] || [ "$frc" -eq 77 ] || tap_failures "$logs/gcov-faults.log"
	note "fault sweep: $(tap_count "$logs/gcov-faults.log"), exit $frc"

	# Diagnostic call sites: lines calling msg_report, msg_error, msg_warn
	# (compiler/msg.h), db.c's fail() and db_fail() (which only map an
	# SQLite code to a message), or writing to stderr directly; reached
	# when gcov counts its first line as executed.
	for f in compiler/read.c compiler/writer.c search/db.c search/input.c \
	    search/logscan.c; do
		case $f in
		compiler/*) obj=$b/compiler/CMakeFiles/kbcompile.dir ;;
		search/*) obj=$b/search/CMakeFiles/kbsearch.dir ;;
		esac
		obj=$obj/${f##*/}.o
		[ -f "$obj" ] || { echo "missing	$f: no $obj"; continue; }
		(cd "$b" && gcov -t -o "$obj" "$src/$f" 2>/dev/null) |
		awk -v f="$f" -v end=';( /\\*.*\\*/)?$' '
		# key: path, function, the whole call statement (it ends at
		# a ";" that ends a line); " #N" for its Nth copy there
		function emit() {
			key = f "\t" fn "\t" stmt
			if (seen[key]++)
				key = key " #" seen[key]
			print (hit ? "reached" : "unreached") "\t" key "\t" \
			    f ":" ln ": " fn "(): " stmt
			pend = 0
		}
		{	# "  count:  line:source"
			c = $0; sub(/:.*/, "", c); gsub(/[ *]/, "", c)
			r = $0; sub(/^[^:]*:/, "", r)
			l = r; sub(/:.*/, "", l); l += 0
			t = r; sub(/^[^:]*:/, "", t)
			s = t; gsub(/^[ \t]+|[ \t]+$/, "", s); gsub(/[ \t]+/, " ", s)
		}
		l == 0 { next }
		# the rest of a call begun on an earlier line
		pend { stmt = stmt " " s; if (s ~ end) emit(); next }
		# a definition: the name at column 0 (STYLE.md section 6)
		t ~ /^[a-z_][a-z0-9_]*\(/ { fn = t; sub(/\(.*/, "", fn); next }
		s ~ /^(\/\*|\*)/ { next }
		t ~ /^(static|extern|int|void|const|enum|struct)[ \t]/ { next }
		t ~ /(^|[^a-z_])(msg_report|msg_error|msg_warn|fail|db_fail)\(/ ||
		    t ~ /fprintf\(stderr|stderr\)/ {
			stmt = s
			ln = l
			hit = c ~ /^[0-9]+$/ && c + 0 > 0
			pend = 1
			if (s ~ end)
				emit()
		}'
	done >"$work/gcov.sites"
	if grep -q '^missing' "$work/gcov.sites"; then
		grep '^missing' "$work/gcov.sites" | cut -f2 | sed 's/^/# /'
		what="no coverage data"
		return 1
	fi
	nsites=$(wc -l <"$work/gcov.sites")
	nreached=$(grep -c '^reached' "$work/gcov.sites")
	for f in compiler/read.c compiler/writer.c search/db.c search/input.c \
	    search/logscan.c; do
		awk -v f="$f" -F '\t' '$2 == f { n++; if ($1 == "reached") r++ }
		    END { printf "# %-18s %2d of %2d diagnostic call sites reached\n",
		    f, r, n }' "$work/gcov.sites"
	done
	grep '^unreached' "$work/gcov.sites" | cut -f2- >"$work/gcov.unreached"
	baseline_compare "$src/tests/gcov.baseline" "$work/gcov.unreached" \
	    "unreached call site"
	brc=$?
	what="$nreached of $nsites diagnostic call sites reached; $what"
	[ "$crc" -eq 0 ] || what="$what; ctest failed (exit $crc)"
	[ "$frc" -eq 0 ] || [ "$frc" -eq 77 ] ||
	    what="$what; the fault sweep failed (exit $frc)"
	[ "$brc" -eq 0 ] && [ "$crc" -eq 0 ] &&
	    { [ "$frc" -eq 0 ] || [ "$frc" -eq 77 ]; }
}

# journal FILE MIB ERRS: a syslog-style journal of about MIB MiB: mostly
# ordinary lines; 3 % errors in 64,000 distinct messages, 1 % errors in a
# new message each time (about 10 % of the lines' worth of groups past
# KB_GROUPS_MAX), 1 % the error strings of the default KB (ERRS, one a
# line) with a changing code, and every millionth line 100 KB long (cut
# at KB_LINE_MAX)
journal() {
	awk -v bytes="$(($2 * 1048576))" -v errs="$3" 'BEGIN {
	ne = 0
	while ((getline l < errs) > 0)
		if (l != "")
			e[ne++] = l
	if (ne == 0)
		e[ne++] = "An authentication error has occurred"
	nw = split("alpha beta gamma delta epsilon zeta eta theta iota kappa" \
	    " lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi" \
	    " omega red orange yellow green blue indigo violet black white" \
	    " grey brown pink cyan magenta olive navy", w, " ")
	np = split("sshd systemd kernel cron nginx dockerd rdpd", pr, " ")
	nb = split("Started Session 12 of user root.|Accepted publickey for" \
	    " deploy from 10.0.3.7 port 52113 ssh2|eth0: link up, speed 1000" \
	    " Mbps|pam_unix(cron:session): session opened for user root|GET" \
	    " /api/v1/items/42 HTTP/1.1 200 512|Reloading configuration|" \
	    "container 4f2a9c started in 31 ms", b, "|")
	long = "error: long"
	while (length(long) < 100000)
		long = long " the widget file could not be opened"
	az = "abcdefghijklmnopqrstuvwxyz"
	for (i = 0; total < bytes; i++) {
		ts = sprintf("Nov %2d %02d:%02d:%02d web%02d %s[%d]: ",
		    i % 28 + 1, int(i / 3600) % 24, int(i / 60) % 60, i % 60,
		    i % 20, pr[i % np + 1], i % 30000 + 1)
		r = i % 100
		if (r < 3)
			s = ts "error: cannot mount volume " w[int(i / 100) % nw + 1] \
			    " " w[int(i / 4000) % nw + 1] " " \
			    w[int(i / 160000) % nw + 1]
		else if (r == 3) {
			k = int(i / 100)
			v = ""
			for (j = 0; j < 5; j++) {
				v = v substr(az, k % 26 + 1, 1)
				k = int(k / 26)
			}
			s = ts "error: service " v " failed to start"
		} else if (r == 4)
			s = ts e[int(i / 100) % ne] sprintf(" (0x%08X)", i)
		else if (i % 1000003 == 5)
			s = ts long
		else
			s = ts b[i % nb + 1]
		print s
		total += length(s) + 1
	}
	}' >"$1"
}

# part_stdin: kbsearch < 1 GiB journal, and < its first MiB (promise 6:
# the same peak RSS for both), under /usr/bin/time.  Ceilings from
# RELIABILITY.md section 7 (row "kbsearch < 1 GB (long)"): peak RSS
# <= 32 MiB, which docs/limits.md's 15-25 MiB "even with millions of
# distinct messages" leaves room under, and >= 50 MB/s
part_stdin() {
	need_release || return 1
	[ -x /usr/bin/time ] ||
	    { what="skipped: no /usr/bin/time (package time)"; return 77; }
	d=$work/stdin
	rm -rf "$d"
	mkdir -p "$d"
	if command -v sqlite3 >/dev/null; then
		sqlite3 -readonly "$KBDB" 'SELECT text FROM errstr' >"$d/errs" ||
		    : >"$d/errs"
	else
		: >"$d/errs"
	fi
	note "generating $stdin_mb MiB of journal" \
	    "($(wc -l <"$d/errs") error strings of kb/)"
	journal "$d/journal.log" "$stdin_mb" "$d/errs"
	head -c 1048576 "$d/journal.log" >"$d/small.log"
	bytes=$(wc -c <"$d/journal.log")
	lines=$(wc -l <"$d/journal.log")
	note "journal: $bytes bytes, $lines lines"
	# kbsearch < FILE under time(1): sets rc, secs, kib
	why=
	for which in small journal; do
		/usr/bin/time -f '%e %M' -o "$d/$which.time" "$KBSEARCH" \
		    <"$d/$which.log" >"$d/$which.out" 2>"$d/$which.err"
		rc=$?
		# a signal adds a first line to the time file
		secs=$(tail -1 "$d/$which.time" | cut -d' ' -f1)
		kib=$(tail -1 "$d/$which.time" | cut -d' ' -f2)
		case $secs$kib in
		''|*[!0-9.]*) why="$why; $which: no measurement by time(1)"
			secs=1 kib=0 ;;
		esac
		note "$which: exit $rc, $secs s, peak RSS $kib KiB;" \
		    "$(tail -1 "$d/$which.out")"
		sed 's/^/#   stderr: /' "$d/$which.err" | head -12
		if [ "$which" = small ]; then
			rc_small=$rc kib_small=$kib
		fi
	done
	mbs=$(awk -v b="$bytes" -v s="$secs" \
	    'BEGIN { printf "%.0f", b / 1e6 / (s > 0 ? s : 0.01) }')
	[ "$rc" -le 1 ] || why="$why; exit $rc, want 0 or 1"
	tail -1 "$d/journal.out" |
	    grep -Eq '^[0-9]+ distinct errors?, [0-9]+ matched' ||
	    why="$why; no summary line"
	grep -v '^kbsearch: warning: ' "$d/journal.err" | grep -q . &&
	    why="$why; stderr has more than warnings"
	[ "$kib" -le 32768 ] || why="$why; peak RSS $kib KiB > 32 MiB"
	[ "$kib_small" -le 32768 ] || why="$why; 1 MiB: peak RSS $kib_small KiB"
	[ "$rc_small" -le 1 ] || why="$why; 1 MiB: exit $rc_small"
	[ "$mbs" -ge 50 ] || why="$why; $mbs MB/s < 50"
	rm -f "$d/journal.log"
	what="$((bytes / 1048576)) MiB in $secs s ($mbs MB/s), peak RSS"
	what="$what $((kib / 1024)) MiB ($((kib_small / 1024)) MiB for 1 MiB),"
	what="$what exit $rc"
	[ -z "$why" ] || { what="$what$why"; return 1; }
}

# part_faults: the disk-full and address-space sweeps in steps of
# KB_LONG_FAULT_STEP %, B the full corpus (the rdp corpus or generated
# pages without it)
part_faults() {
	need_release || return 1
	need_corpus
	case $? in
	0) b=$full ;;
	77) b=$shared/corpus/rdp
	    [ -d "$b" ] || b=
	    note "no full corpus: B is ${b:-300 generated pages}" ;;
	*) return 1 ;;
	esac
	KB_FAULT_STEP=$fault_step sh "$src/tests/faults.sh" "$KBC" "$KBSEARCH" \
	    "$work/faults" "$src/kb" $b >"$logs/faults.log" 2>&1
	rc=$?
	grep '^# ' "$logs/faults.log" | sed 's/^/#   /'
	tap_failures "$logs/faults.log"
	tap_result "$rc" "$logs/faults.log" "KB_FAULT_STEP=$fault_step"
}

# vg_wrapper NAME PROG LOGDIR: prints a script running PROG under
# memcheck (tests/valgrind.sh's options; leaks of the kinds counted as
# errors are the only ones printed, so any log line outside the
# descriptor table is an error), recording each command line as
# LOGDIR/cmd.PID.  valgrind itself needs a writable TMPDIR: with TMPDIR
# naming no writable directory (row X5) PROG runs alone, and the command
# is listed as unchecked.
vg_wrapper() {
	cat <<EOF
#!/bin/sh
# made by tests/long.sh: $2 under memcheck, exit 99 on an error
log='$3'
echo "$1 \$*" >"\$log/cmd.\$\$" 2>/dev/null
if [ -n "\${TMPDIR:-}" ] && ! { [ -d "\$TMPDIR" ] && [ -w "\$TMPDIR" ]; }; then
	echo "$1 \$* (TMPDIR=\$TMPDIR)" >"\$log/unchecked.\$\$" 2>/dev/null
	exec '$2' "\$@"
fi
exec valgrind -q --error-exitcode=99 --leak-check=full \\
    --errors-for-leak-kinds=definite,indirect \\
    --show-leak-kinds=definite,indirect --track-fds=yes \\
    --suppressions='$src/tests/valgrind.supp' \\
    --log-file="\$log/$1.%p.log" '$2' "\$@"
EOF
}

# vg_findings LOGDIR: every memcheck report and every descriptor left open
# (not inherited) in the logs, each with its command line
vg_findings() {
	for f in "$1"/*.*.log; do
		[ -s "$f" ] || continue
		awk '
		/^==[0-9]+== *$/ { infd = 0; next }
		/FILE DESCRIPTORS: / { next }
		/Open (file|AF_[A-Z0-9]+ socket) descriptor/ {
			infd = 1
			fd = $0
			sub(/^==[0-9]+== /, "", fd)
			next
		}
		infd == 1 {
			infd = 2
			if ($0 !~ /inherited from parent/)
				print "left open: " fd
			next
		}
		infd == 2 { next }
		{ print }' "$f" >"$f.findings"
		[ -s "$f.findings" ] || continue
		pid=${f%.log}
		pid=${pid##*.}
		echo "$(cat "$1/cmd.$pid" 2>/dev/null || echo "pid $pid"):"
		sed 's/^==[0-9]*== //; s/^/    /' "$f.findings" | head -30
	done
}

# part_valgrind: every row of tests/bad/cases.txt with kbc and kbsearch
# under memcheck (timeouts and CPU limits lifted, RSS not checked), then
# L3 and L4 (tests/log/bounds.sh, whose time and RSS ceilings mean nothing
# under valgrind: only memcheck and its exit checks count), L6 and Q4
# (100,000 words)
part_valgrind() {
	need_release || return 1
	command -v valgrind >/dev/null ||
	    { what="skipped: no valgrind"; return 77; }
	d=$work/valgrind
	rm -rf "$d"
	mkdir -p "$d/log" "$d/bin"
	# the X5 and T rows run kbc and kbsearch as uid 65534
	chmod 1777 "$d/log"
	vg_wrapper kbc "$KBC" "$d/log" >"$d/bin/kbc"
	vg_wrapper kbsearch "$KBSEARCH" "$d/log" >"$d/bin/kbsearch"
	chmod 755 "$d/bin/kbc" "$d/bin/kbsearch"
	vk=$d/bin/kbsearch
	why=

	note "tests/bad/run.sh under memcheck"
	KB_BAD_TIMEOUT=3600 KB_BAD_SECONDS=3600 KB_BAD_RSS=0 \
	    sh "$src/tests/bad/run.sh" "$d/bin/kbc" "$vk" "$d/bad" \
	    >"$logs/valgrind-bad.log" 2>&1 ||
	    why="$why; tests/bad: $(tap_count "$logs/valgrind-bad.log")"
	tap_failures "$logs/valgrind-bad.log"
	nbad=$(grep -c '^ok ' "$logs/valgrind-bad.log")

	note "L3 and L4 (tests/log/bounds.sh) under memcheck"
	sh "$src/tests/log/bounds.sh" "$vk" >"$logs/valgrind-l3l4.log" 2>&1
	if grep -E '^not ok .*exit 0 or 1' "$logs/valgrind-l3l4.log" |
	    sed 's/^/#   /' | grep .; then
		why="$why; L3/L4 exit status"
	fi

	note "L6 and Q4 under memcheck"
	(
		cd "$d" || exit 2
		awk 'BEGIN { for (i = 0; i < 200; i++)
			printf "Nov 23 10:00:00 h app[1]: error: cannot open" \
			    " volume v%c%c: Authentication error\n",
			    97 + i % 26, 97 + int(i / 26) }' >l6.log
		r=0
		( "$vk" --all -n 100 <l6.log; echo $? >l6.rc ) 2>l6.err |
		    head -c 1 >/dev/null
		rc=$(cat l6.rc)
		if [ "$rc" -gt 1 ] || [ -s l6.err ]; then
			echo "#   L6 closed pipe: exit $rc: $(head -1 l6.err)"
			r=1
		fi
		if [ -w /dev/full ]; then
			"$vk" "Authentication error" >/dev/full 2>full.err
			rc=$?
			if [ "$rc" -ne 2 ] || ! grep -q 'write error' full.err; then
				echo "#   L6 /dev/full: exit $rc: $(head -1 full.err)"
				r=1
			fi
		fi
		awk 'BEGIN { srand(7); for (i = 0; i < 100000; i++)
			printf "word%06x%s\n", int(rand() * 16777216),
			    (i % 7 ? "" : "err") }' >words
		set -- $(cat words)
		"$vk" "$@" >q4.out 2>q4.err
		rc=$?
		if [ "$rc" -gt 1 ]; then
			echo "#   Q4 100k words: exit $rc: $(head -1 q4.err)"
			r=1
		fi
		exit $r
	) || why="$why; L6/Q4"

	vg_findings "$d/log" >"$work/valgrind.findings"
	nunchecked=$(find "$d/log" -name 'unchecked.*' | wc -l)
	nruns=$(($(find "$d/log" -name 'cmd.*' | wc -l) - nunchecked))
	for u in "$d"/log/unchecked.*; do
		[ -e "$u" ] || continue
		note "not under valgrind (it needs a writable TMPDIR): $(cat "$u")"
	done
	if [ -s "$work/valgrind.findings" ]; then
		sed 's/^/#   /' "$work/valgrind.findings" | head -200
		why="$why; memcheck: $(grep -c '^[^ ]' "$work/valgrind.findings")"
		why="$why runs with findings"
	fi
	what="$nruns runs under memcheck ($nbad rows of tests/bad/cases.txt,"
	what="$what L3, L4, L6, Q4; $nunchecked runs not under valgrind)"
	[ -z "$why" ] || { what="$what$why"; return 1; }
}

# part_crash: KB_LONG_KILLS SIGKILLs while kbc builds the full corpus
part_crash() {
	need_corpus || return
	need_release || return 1
	KB_CRASH_KILLS=$kills sh "$src/tests/crash.sh" "$KBC" "$KBSEARCH" \
	    "$work/crash" "$src/kb" "$full" >"$logs/crash.log" 2>&1
	rc=$?
	grep -E '^(# |ok |not ok |Bail out!)' "$logs/crash.log" | head -60 |
	    sed 's/^/#   /'
	tap_result "$rc" "$logs/crash.log" "$kills kills"
}

# part_fuzz: tests/fuzz/long.sh HOURS in $work/fuzz
part_fuzz() {
	command -v clang >/dev/null ||
	    { what="skipped: no clang (libFuzzer)"; return 77; }
	note "fuzzing: 4 targets, $hours h each, two at a time"
	sh "$src/tests/fuzz/long.sh" "$hours" "$work/fuzz" \
	    >"$logs/fuzz.log" 2>&1
	rc=$?
	for t in fuzz_card fuzz_query fuzz_log fuzz_index; do
		f=$work/fuzz/fuzz-work/$t.log
		[ -f "$f" ] || { note "$t: no log"; continue; }
		awk -v t="$t" '/^stat::number_of_executed_units:/ { n = $2 }
		    /^stat::average_exec_per_sec:/ { x = $2 }
		    /DONE .*cov: / { c = $0; sub(/.*cov: /, "", c); sub(/ .*/, "", c) }
		    END { printf "#   %-10s %d runs, %d exec/s, coverage %s\n",
		    t, n, x, c }' "$f"
	done
	grep -E '==ERROR|^SUMMARY|Test unit written|^artifact_prefix' \
	    "$logs/fuzz.log" | head -40 | sed 's/^/#   /'
	what="$hours h per target, findings in $work/fuzz/fuzz-work"
	[ "$rc" -eq 0 ] || { what="$what; exit $rc (see $logs/fuzz.log)"; return 1; }
}

table=
nskip=0
for p in $parts; do
	note "--- $p: $(date '+%F %T')"
	what=
	t0=$(date +%s)
	"part_$p"
	st=$?
	secs=$(($(date +%s) - t0))
	case $st in
	0) ok "$p: $what ($(hms "$secs"))"; res=ok ;;
	77) ok "$p # SKIP $what"; res=skipped; nskip=$((nskip + 1)) ;;
	*) notok "$p: $what ($(hms "$secs"))"; res=FAILED ;;
	esac
	table="$table$(printf '# %-9s %-8s %9s' "$p" "$res" "$(hms "$secs")")
"
done
note "--- summary: $(date '+%F %T'); logs in $logs"
printf '%s' "$table"
note "$n parts: $((n - fails - nskip)) passed, $fails failed, $nskip skipped"
summary
