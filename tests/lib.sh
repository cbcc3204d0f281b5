# SPDX-License-Identifier: MIT
# TAP helpers for the shell tests, sourced rather than run:
#	. "$(dirname "$0")/lib.sh"
# Each helper prints one numbered TAP line and counts the failures;
# summary prints the plan after the last test and gives the script its
# exit status.  tmpdir makes the scratch directory $T.
n=0
fails=0

# ok TEXT: a test passed.
ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}

# notok TEXT: a test failed.
notok() {
	n=$((n + 1))
	fails=$((fails + 1))
	echo "not ok $n - $*"
}

# check NAME CMD...: the test NAME passes when CMD exits 0.
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}

# tmpdir NAME: $T, a new directory named for the test, removed on exit.
tmpdir() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") || exit 2
	trap 'rm -rf "$T"' EXIT
}

# summary: the plan ("1..N"); true when no test failed, so a script can
# end with it, or stop early with "summary; exit".
summary() {
	echo "1..$n"
	[ "$fails" -eq 0 ]
}
