#!/bin/sh
# SPDX-License-Identifier: MIT
# Key facts kbc must get right on named real-world articles of the shared
# corpus (never copied into the repository).  Prints "skipped: no corpus"
# and exits 0 when ../shared/corpus is absent.
# usage: corpus.sh KBC [CORPUS_DIR]
set -u
kbc=$1
root=${2:-$(dirname "$0")/../../shared/corpus/rdp}
if [ ! -d "$root" ]; then
	echo "skipped: no corpus"
	exit 0
fi
case $kbc in /*) ;; *) kbc=$(pwd)/$kbc ;; esac
cd "$root" || exit 2
ms=SupportArticles-docs/support
n=0 fail=0
# has FILE STRING: the --dump of FILE contains STRING (fixed string)
has() {
	n=$((n + 1))
	if "$kbc" --dump "$1" 2>/dev/null | grep -qF -- "$2"; then
		echo "ok $n - $1: $2"
	else
		echo "not ok $n - $1: $2"
		fail=1
	fi
}
# cards FILE MIN: --dump of FILE has at least MIN cards
cards() {
	n=$((n + 1))
	c=$("$kbc" --dump "$1" 2>/dev/null | grep -c '^      "anchor"')
	if [ "$c" -ge "$2" ]; then echo "ok $n - $1: $c cards"
	else echo "not ok $n - $1: $c cards, want $2"; fail=1; fi
}
f=$ms/windows-server/remote/terminal-server-error-messages-2200-to-2299.md
cards "$f" 50
has "$f" '"title": "Error 2202"'
has "$f" '"code": "error:2202"'
has "$f" '"text": "The user name or group name parameter is invalid."'
f=$ms/azure/virtual-machines/troubleshoot-specific-rdp-errors.md
cards "$f" 5
has "$f" 'The Local Security Authority cannot be contacted.'
has "$f" '"anchor": "rdpauth"'
f=$ms/windows-server/remote/cannot-connect-rds-no-license-server.md
has "$f" '"text": "The remote session was disconnected because there are no Remote Desktop License Servers available to provide a license."'
has "$f" '"role": "procedure", "heading": "Check the RD Licensing configuration"'
f=amazon-ec2-user-guide-windows/doc_source/common-messages.md
has "$f" '"text": "Password is not available."'
has "$f" '"anchor": "password-not-available"'
f=$ms/windows-server/remote/local-drive-redirection-isnt-working.md
has "$f" '"role": "cause", "heading": "Cause"'
has "$f" '"depth": 0'
echo "1..$n"
exit $fail
