#!/bin/sh
# End-to-end tests of `make install` and `make uninstall` into a DESTDIR: the files, the installed
# programs run, the man pages pass `mandoc -T lint` and list exactly the options of --help, and
# the bash completion loads, completes and knows every option.
set -u
. "$(dirname "$0")/lib.sh"
T=$TMPROOT/install
rm -rf "$T"; mkdir -p "$T"
echo "install ($B)"
D=$T/dest
P=/usr/local

if make --no-print-directory -s install DESTDIR="$D" PREFIX=$P >"$T/make.out" 2>&1; then ok "make install DESTDIR PREFIX"; else fail "make install" "$(tail -n 5 "$T/make.out")"; fi
check_eq "make install: the files" "$(printf '%s\n' bin/genfixtures bin/walker share/bash-completion/completions/genfixtures \
	share/bash-completion/completions/walker share/doc/walker/LICENSE share/doc/walker/README.md \
	share/man/man1/genfixtures.1 share/man/man1/walker.1 share/walker/shard-merge.jq)" "$(cd "$D$P" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)"
check_eq "the installed walker runs" "$(build/walker --version)" "$("$D$P/bin/walker" --version)"
check "the installed genfixtures runs" sh -c "'$D$P/bin/genfixtures' --list | grep -q stress-monorepo"

# the options of --help (the option column) and of the man page (the tags of its lists)
help_opts() { "$1" --help | grep -oE '^ +(-[A-Za-z], )?--?[A-Za-z][A-Za-z-]*' | tr ',' '\n' | tr -d ' ' | LC_ALL=C sort -u; }
# each .It line's Fl macros: "Fl j" is -j, "Fl \\-jobs" is --jobs
man_opts() {
	grep '^\.It Fl ' "$1" | grep -oE 'Fl (\\-)?[A-Za-z][A-Za-z-]*' | sed 's/^Fl \\-/--/; s/^Fl /-/' | LC_ALL=C sort -u
}
if command -v mandoc >/dev/null 2>&1; then
	for prog in walker genfixtures; do
		m=$D$P/share/man/man1/$prog.1
		# the sibling page is not in the system's manual database: that one STYLE note is expected
		lint=$(mandoc -T lint "$m" 2>&1 | grep -v 'outdated mandoc.db' | grep -v 'referenced manual not found: Xr \(walker\|genfixtures\) 1')
		check_eq "$prog.1: mandoc -T lint is clean" "" "$lint"
		check_eq "$prog.1: the same options as $prog --help" "$(help_opts "$B/$prog")" "$(man_opts "$m")"
	done
	check "walker.1: at least 30 options found (the extraction works)" test "$(man_opts "$D$P/share/man/man1/walker.1" | wc -l)" -ge 30
else
	echo "  skip man pages: mandoc is not installed (apt-get install mandoc; make deps-test installs it)"
fi

# bash completion: loads, completes an option and a value, lists every option of --help
C=$D$P/share/bash-completion/completions/walker
if command -v bash >/dev/null 2>&1; then
	check_eq "completion: loads and completes --for and --format's values" "--format | text json github sarif" \
		"$(bash -c '. "$1"; COMP_WORDS=(walker --for); COMP_CWORD=1; _walker; a="${COMPREPLY[*]}"
			COMP_WORDS=(walker --format ""); COMP_CWORD=2; _walker; echo "$a | ${COMPREPLY[*]}"' sh "$C")"
	check_eq "completion: genfixtures completes fixture names" "stress-huge-files stress-hostile" \
		"$(PATH=$D$P/bin:$PATH bash -c '. "$1"; COMP_WORDS=(genfixtures stress-h); COMP_CWORD=1; _genfixtures; echo "${COMPREPLY[*]}"' sh \
			"$D$P/share/bash-completion/completions/genfixtures")"
	for prog in walker genfixtures; do
		missing=$(help_opts "$B/$prog" | while read -r o; do
			bash -c '. "$1"; COMP_WORDS=("$2" "$3"); COMP_CWORD=1; _$2; printf "%s\n" "${COMPREPLY[@]}"' sh "$C" $prog "$o" |
				grep -qx -- "$o" || echo "$o"; done)
		check_eq "completion: $prog completes every option of --help" "" "$missing"
	done
fi

make --no-print-directory -s uninstall DESTDIR="$D" PREFIX=$P >"$T/make.out" 2>&1
check_eq "make uninstall: no file left" "" "$(find "$D" -type f)"

rm -rf "$T"
finish
