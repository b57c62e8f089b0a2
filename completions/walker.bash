# bash completion for walker and genfixtures (installed as both names by `make install`).
# Keep the option lists in step with --help: tests/e2e/install.sh checks them.

_walker()
{
	local cur prev
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	case $prev in
	--format) COMPREPLY=($(compgen -W 'text json github sarif' -- "$cur")); return ;;
	--mode) COMPREPLY=($(compgen -W 'auto sequential parallel' -- "$cur")); return ;;
	--color | --colour) COMPREPLY=($(compgen -W 'auto always never' -- "$cur")); return ;;
	--config | --cache) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--changed-since)
		COMPREPLY=($(compgen -W "HEAD HEAD~1 $(git for-each-ref --format='%(refname:short)' 2>/dev/null)" -- "$cur"))
		return
		;;
	-e | --pattern | -j | --jobs | --max-depth | --max-filesize | --mmap-min | --limit | --shard | --debounce) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '--config --no-defaults -e --pattern --list-patterns -j --jobs --mode
			--hidden --no-ignore -L --follow --one-file-system --max-depth --unsorted --max-filesize
			--binary --mmap-min --cache --no-cache --cache-clear --changed-since --shard --watch --debounce --format --limit --all
			--color --stats --files -h --help --version' -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}

_genfixtures()
{
	local cur prev
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	case $prev in
	-o | --out) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	-s | --seed | -j | --jobs | --mtime) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '-o --out -s --seed -g --git -f --force --verify -l --list -j --jobs
			--mtime -q --quiet -h --help' -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" --list 2>/dev/null | awk '$1 != "scale:N" {print $1}') scale:" -- "$cur"))
}

complete -o filenames -F _walker walker
complete -F _genfixtures genfixtures
