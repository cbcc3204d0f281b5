#!/bin/sh
# SPDX-License-Identifier: MIT
# Static checks (RELIABILITY.md section 9): cppcheck and clang-tidy 14 over
# compiler/, search/ and tests/unit/, with the compile commands of BUILD
# (configured with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON).  A finding fails the
# run unless tests/static.supp (cppcheck) or tests/static.baseline
# (clang-tidy: known findings reported to their owners) lists it.
# usage: static.sh SRC BUILD   (KB_UPDATE=1 rewrites the baseline)
set -u
src=$(cd "${1:?usage: static.sh SRC BUILD}" && pwd)
build=$(cd "${2:?usage: static.sh SRC BUILD}" && pwd)
tidy=${CLANG_TIDY:-clang-tidy-14}
jobs=${JOBS:-2}
for t in cppcheck "$tidy"; do
	command -v "$t" >/dev/null || { echo "static: $t is missing" >&2; exit 2; }
done
[ -f "$build/compile_commands.json" ] ||
    { echo "static: no $build/compile_commands.json" >&2; exit 2; }
cd "$src" || exit 2
rc=0

# cppcheck: every configuration of every file, warnings and portability.
cppcheck --enable=warning,portability --error-exitcode=1 --quiet \
    --std=c11 --inline-suppr --suppressions-list=tests/static.supp \
    -I compiler -I search -I "$build" compiler search tests/unit || rc=1

# clang-tidy.  Left out, with the reason:
# - bugprone-easily-swappable-parameters: flags every (const char *, size_t)
#   pair; a style opinion, not a defect.
# - clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling:
#   asks for the Annex K memcpy_s family, which glibc does not have.
# - clang-analyzer-valist.Uninitialized: on x86-64, where va_list is an
#   array, it flags every vfprintf(..., ap) even right after va_start().
# - cert-err33-c on stream output (fprintf, fputs, fputc...): output errors
#   are caught once by ferror()/fclose() before exit (STYLE.md section 3);
#   fclose, fflush, fwrite, snprintf, signal and the rest stay checked.
checked=$("$tidy" -checks='-*,cert-err33-c' --dump-config 2>/dev/null |
    sed -n "/cert-err33-c.CheckedFunctions/{n;s/.*value: *'//;s/'\$//;p;}" |
    tr ';' '\n' | grep -v -E '^::(v?f?w?printf(_s)?|fput(w?c|w?s)|putw?c)$' |
    grep . | tr '\n' ';')
[ -n "$checked" ] || { echo "static: cannot read cert-err33-c defaults" >&2; exit 2; }
config="{Checks: '-*,clang-analyzer-*,bugprone-*,cert-err33-c,\
-bugprone-easily-swappable-parameters,\
-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,\
-clang-analyzer-valist.Uninitialized',\
CheckOptions: [{key: cert-err33-c.CheckedFunctions, value: '$checked'},\
{key: bugprone-reserved-identifier.AllowedIdentifiers,\
value: '_XOPEN_SOURCE;_POSIX_C_SOURCE;_DEFAULT_SOURCE;_GNU_SOURCE'}]}"
out=$(mktemp "${TMPDIR:-/tmp}/static.XXXXXX") || exit 2
trap 'rm -f "$out" "$out.found" "$out.base"' EXIT
ls compiler/*.c search/*.c tests/unit/*.c |
    xargs -P "$jobs" -n 4 "$tidy" -p "$build" --quiet --config="$config" \
    >"$out" 2>/dev/null
# one key per finding, "path<TAB>check<TAB>source line", line numbers left
# out so that the baseline survives edits elsewhere in the file
awk -v src="$src/" '
/: (warning|error): .*\[[A-Za-z0-9.,-]+\]$/ {
	file = $0; sub(/:[0-9]+:[0-9]+: .*/, "", file); sub(src, "", file)
	check = $0; sub(/.*\[/, "", check); sub(/\]$/, "", check)
	where = $0; sub(/: (warning|error): .*/, "", where); sub(src, "", where)
	msg = $0; sub(/.*: (warning|error): /, "", msg)
	getline line
	gsub(/\t/, " ", line)
	gsub(/^[ \t]+|[ \t]+$/, "", line)
	print file "\t" check "\t" line "\t" where ": " msg
}' "$out" | sort -u >"$out.found"
grep -v '^#' tests/static.baseline | grep . | sort -u >"$out.base"
if [ "${KB_UPDATE:-0}" = 1 ]; then
	# keep the header, list every finding of this run
	{ grep '^#' tests/static.baseline; cut -f1-3 "$out.found" | sort -u; } \
	    >"$out.base.new" && mv "$out.base.new" tests/static.baseline
	grep -v '^#' tests/static.baseline | sort -u >"$out.base"
fi
new=$(cut -f1-3 "$out.found" | sort -u | comm -23 - "$out.base")
if [ -n "$new" ]; then
	echo "static: clang-tidy findings (fix them, or add a line to tests/static.baseline saying who was told):"
	echo "$new" | while IFS= read -r key; do
		grep -F -- "$key" "$out.found" | head -1 | cut -f4
	done
	rc=1
fi
gone=$(cut -f1-3 "$out.found" | sort -u | comm -13 - "$out.base")
if [ -n "$gone" ]; then
	echo "static: fixed, remove from tests/static.baseline:"
	echo "$gone"
fi
echo "static: clang-tidy: $(wc -l <"$out.found") finding(s), $(echo "$new" |
    grep -c .) not in the baseline"
exit $rc
