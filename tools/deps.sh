#!/bin/sh
# deps.sh PROFILE: make sure the Debian packages a target needs are present.
#   build  libgit2, PCRE2 (8-bit), xxHash and pkg-config
#   test   build + cmocka, ripgrep, jq and clang (libFuzzer) for the test suite
#   bench  build + ripgrep, ugrep, ag, git, jq, gnuplot and hyperfine for the benchmark report
# Costs a few pkg-config/command lookups when everything is there. Installs as root; otherwise
# prints the exact command to run and fails.
set -u
profile=${1:-build}
pkgs=""
need() { pkgs="$pkgs $1"; }

if ! command -v pkg-config >/dev/null 2>&1; then
	need pkg-config
	need libgit2-dev; need libpcre2-dev; need libxxhash-dev
else
	pkg-config --exists libgit2 || need libgit2-dev
	pkg-config --exists libpcre2-8 || need libpcre2-dev
	pkg-config --exists libxxhash || need libxxhash-dev
fi
case $profile in
test)
	{ command -v pkg-config >/dev/null 2>&1 && pkg-config --exists cmocka; } || need libcmocka-dev
	command -v rg >/dev/null 2>&1 || need ripgrep
	command -v jq >/dev/null 2>&1 || need jq
	command -v clang >/dev/null 2>&1 || need clang
	[ -n "$(ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ] || need libclang-rt-14-dev
	;;
bench)
	command -v rg >/dev/null 2>&1 || need ripgrep
	command -v jq >/dev/null 2>&1 || need jq
	command -v gnuplot >/dev/null 2>&1 || need gnuplot-nox
	command -v hyperfine >/dev/null 2>&1 || need hyperfine
	# the peers the report compares with (a missing one would be listed as skipped)
	command -v ugrep >/dev/null 2>&1 || need ugrep
	command -v ag >/dev/null 2>&1 || need silversearcher-ag
	command -v git >/dev/null 2>&1 || need git
	;;
build) ;;
*) echo "deps.sh: unknown profile '$profile' (build, test or bench)" >&2; exit 2 ;;
esac

[ -z "$pkgs" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing$pkgs" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $pkgs >/dev/null ||
		{ echo "deps: apt-get install$pkgs failed" >&2; exit 2; }
else
	echo "deps: missing packages:$pkgs" >&2
	echo "deps: run: sudo apt-get update && sudo apt-get install -y$pkgs" >&2
	exit 2
fi
