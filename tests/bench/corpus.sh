# SPDX-License-Identifier: MIT
# Sourced by the benchmarks: bench_corpus NAME [CORPUS.tar.zst] extracts
# the full corpus (default: ../shared beside this repository) into
# $tmp/kb, a scratch directory removed on exit, or exits 77 (skipped)
# when the archive is not there.
bench_corpus() {
	corpus=${2:-$(cd "$(dirname "$0")/../.." && pwd)/../shared/corpus/full/SupportArticles-docs-md.tar.zst}
	[ -r "$corpus" ] || { echo "$1: no corpus $corpus" >&2; exit 77; }
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir "$tmp/kb"
	tar --zstd -xf "$corpus" -C "$tmp/kb"
}
