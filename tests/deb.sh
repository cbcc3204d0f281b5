#!/bin/sh
# SPDX-License-Identifier: MIT
# The .deb for offline laptops: builds it from the build tree with cpack
# into a scratch directory, checks its control fields and contents, unpacks
# it with dpkg -x into a scratch root and runs the unpacked programs.
# Skipped (77) where dpkg-deb is missing.
# Usage: deb.sh CPACK BUILDDIR SRCDIR
CPACK=${1:?usage: deb.sh CPACK BUILDDIR SRCDIR}
BUILD=${2:?usage: deb.sh CPACK BUILDDIR SRCDIR}
SRC=${3:?usage: deb.sh CPACK BUILDDIR SRCDIR}
for tool in dpkg-deb dpkg; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "skipped: $tool is not installed"
		exit 77
	fi
done
. "$(dirname "$0")/lib.sh"
tmpdir kbdeb
unset KBSEARCH_DB NO_COLOR

if "$CPACK" -G DEB --config "$BUILD/CPackConfig.cmake" -B "$T/pkg" \
    >"$T/cpack.log" 2>&1; then
	ok "cpack -G DEB"
else
	notok "cpack -G DEB"
	sed 's/^/# /' "$T/cpack.log"
	summary
	exit
fi
set -- "$T"/pkg/*.deb
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
	notok "exactly one .deb built (got: $*)"
	summary
	exit
fi
deb=$1
ok "built $(basename "$deb")"

# control fields
field() {
	dpkg-deb -f "$deb" "$1"
}
[ "$(field Package)" = kbsearch ] && ok "Package: kbsearch" ||
    notok "Package is '$(field Package)', not kbsearch"
[ "$(field Section)" = utils ] && ok "Section: utils" ||
    notok "Section is '$(field Section)', not utils"
[ -n "$(field Maintainer)" ] && ok "Maintainer: $(field Maintainer)" ||
    notok "Maintainer is set"
[ -n "$(field Description)" ] && ok "Description is set" ||
    notok "Description is set"
depends=$(field Depends)
echo "# Depends: $depends"
for lib in libcmark-gfm0.29.0.gfm.6 libcmark-gfm-extensions0.29.0.gfm.6 \
    libsqlite3-0 libpcre2-8-0; do
	# a whole package name in the comma-separated list, any version
	if printf ', %s,' "$depends" | grep -Eq ", *$lib( \\([^)]*\\))?,"
	then
		ok "Depends on $lib"
	else
		notok "Depends on $lib"
	fi
done

# contents
dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' >"$T/list"
for f in /usr/bin/kbc /usr/bin/kbsearch /usr/share/kbsearch/kb.db \
    /usr/share/bash-completion/completions/kbc \
    /usr/share/bash-completion/completions/kbsearch; do
	grep -qx "$f" "$T/list" && ok "package has $f" ||
	    notok "package has $f"
done
for page in kbc kbsearch; do
	grep -Eqx "/usr/share/man/man1/$page\\.1(\\.gz)?" "$T/list" &&
	    ok "package has the $page(1) manual page" ||
	    notok "package has the $page(1) manual page"
done

# the unpacked programs
if dpkg -x "$deb" "$T/root"; then
	ok "dpkg -x"
else
	notok "dpkg -x"
fi
R=$T/root/usr
"$R/bin/kbsearch" "Authentication error" >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && grep -Eq 'CredSSP|March 2018' "$T/out"; then
	ok "unpacked kbsearch \"Authentication error\": exit 0, CredSSP cause"
else
	notok "unpacked kbsearch \"Authentication error\" (exit $rc)"
	sed 's/^/# /' "$T/out" "$T/err" | head -20
fi
"$R/bin/kbsearch" --db "$R/share/kbsearch/kb.db" --json \
    "Authentication error" >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && grep -q '"results":\[{"rank":1' "$T/out"; then
	ok "unpacked kbsearch --db share/kbsearch/kb.db: exit 0, a result"
else
	notok "unpacked kbsearch --db share/kbsearch/kb.db (exit $rc)"
	sed 's/^/# /' "$T/err" | head -5
fi
version=$(sed -n 's/^project(kbsearch VERSION \([0-9.]*\).*/\1/p' \
    "$SRC/CMakeLists.txt")
got=$("$R/bin/kbc" --version)
rc=$?
if [ $rc -eq 0 ] && [ "$got" = "kbc $version" ]; then
	ok "unpacked kbc --version: $got"
else
	notok "unpacked kbc --version: exit $rc, '$got', expected 'kbc $version'"
fi
if "$R/bin/kbc" -q -o "$T/example.db" "$SRC/docs/examples" 2>"$T/err" &&
    "$R/bin/kbsearch" --db "$T/example.db" -n 1 \
    "The Print Spooler service terminated unexpectedly" >"$T/out"; then
	ok "unpacked kbc compiles docs/examples, kbsearch finds its card"
else
	notok "unpacked kbc compiles docs/examples, kbsearch finds its card"
	sed 's/^/# /' "$T/err" | head -5
fi
if command -v man >/dev/null 2>&1; then
	for page in "$R"/share/man/man1/*; do
		if MANWIDTH=80 man -l "$page" 2>"$T/err" |
		    grep -q '^EXIT STATUS' && [ ! -s "$T/err" ]; then
			ok "man -l $(basename "$page")"
		else
			notok "man -l $(basename "$page")"
			sed 's/^/# /' "$T/err"
		fi
	done
fi
if bash -c '. "$1" && complete -p kbc && complete -p kbsearch' sh \
    "$R/share/bash-completion/completions/kbsearch" >/dev/null 2>&1; then
	ok "completion file defines both completions"
else
	notok "completion file defines both completions"
fi

summary
