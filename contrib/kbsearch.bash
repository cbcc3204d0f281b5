# SPDX-License-Identifier: MIT
# bash completion for kbc(1) and kbsearch(1).  Installed twice, as
# completions/kbc and completions/kbsearch, because bash-completion loads
# the file named after the command on first use; either copy defines both.
# Keep the option lists in step with the programs' --help (tests/docs.sh
# checks the manual pages, tests/deb.sh checks this file is packaged).

# Files for an index: *.db first, directories to descend into.
_kb_files()
{
	local IFS=$'\n'
	COMPREPLY=($(compgen -f -X '!*.db' -- "$1") $(compgen -d -- "$1"))
	[ ${#COMPREPLY[@]} -eq 0 ] && COMPREPLY=($(compgen -f -- "$1"))
	compopt -o filenames 2>/dev/null
}

# Cards for --show: "doc#" completes to the anchors of doc's cards, read
# from "kbsearch --json --show doc" with the --db of the command line.
_kb_cards()
{
	local db=() i
	for ((i = 1; i < COMP_CWORD - 1; i++)); do
		[ "${COMP_WORDS[i]}" = --db ] && db=(--db "${COMP_WORDS[i+1]}")
	done
	local IFS=$'\n'
	COMPREPLY=($(compgen -W "$(kbsearch "${db[@]}" --json --show \
	    "${1%%#*}" 2>/dev/null | sed -n \
	    's/.*"doc":"\([^"]*\)","anchor":"\([^"]*\)".*/\1#\2/p')" \
	    -- "$1"))
}

_kbsearch()
{
	local cur prev i
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	--db)
		_kb_files "$cur"
		return
		;;
	--show)
		_kb_cards "$cur"
		return
		;;
	-n|--limit)
		COMPREPLY=($(compgen -W '1 3 5 10' -- "$cur"))
		return
		;;
	esac
	# after "--" every word is query text
	for ((i = 1; i < COMP_CWORD; i++)); do
		[ "${COMP_WORDS[i]}" = -- ] && return
	done
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '--db -n --limit --all --json --explain
		    --show --no-color --version -h --help --' -- "$cur"))
	fi
}

_kbc()
{
	local cur prev i
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	-o|--output)
		_kb_files "$cur"
		return
		;;
	esac
	for ((i = 1; i < COMP_CWORD; i++)); do
		[ "${COMP_WORDS[i]}" = -- ] && break
	done
	if [[ $cur == -* ]] && [ "$i" -ge "$COMP_CWORD" ]; then
		COMPREPLY=($(compgen -W '-o --output -q --quiet -v --verbose
		    --dump --check -h --help --version --' -- "$cur"))
		return
	fi
	# documents: .md, .markdown and .txt files, and directories
	local IFS=$'\n'
	COMPREPLY=($(compgen -f -X '!*.md' -- "$cur")
	    $(compgen -f -X '!*.markdown' -- "$cur")
	    $(compgen -f -X '!*.txt' -- "$cur") $(compgen -d -- "$cur"))
	compopt -o filenames 2>/dev/null
}

complete -F _kbsearch kbsearch
complete -F _kbc kbc
