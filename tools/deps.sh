#!/bin/sh
# deps.sh PROFILE: make sure the Debian packages a target needs are present.
#   build  libgit2, PCRE2 (8-bit), xxHash, zlib (--changed-since reads git's objects) and pkg-config
#   test   build + cmocka, ripgrep, jq, mandoc (man page lint) and clang (libFuzzer) for the test
#          suite; npm, and with it Microsoft's SARIF validator (@microsoft/sarif-multitool) into
#          build/npm/ for tests/e2e/formats.sh, and pre-commit for tests/e2e/precommit.sh (those
#          tests are skipped, with a line saying so, when these cannot be installed)
#   bench  build + ripgrep, ugrep, ag, git, jq, gnuplot and hyperfine for the benchmark report,
#          and entr (the watch group's peer: entr re-running rg -P or the walker on every change)
#   profile  perf, jq and npm, and with npm d3 and d3-flame-graph into build/npm/ for
#          `make profile TOOL=flame` (bench/flame.sh inlines them into each flame graph)
# Costs a few pkg-config/command lookups when everything is there. Installs as root; otherwise
# prints the exact command to run and fails.
set -u
cd "$(dirname "$0")/.." || exit 2
profile=${1:-build}
pkgs=""
need() { pkgs="$pkgs $1"; }

if ! command -v pkg-config >/dev/null 2>&1; then
	need pkg-config
	need libgit2-dev; need libpcre2-dev; need libxxhash-dev; need zlib1g-dev
else
	pkg-config --exists libgit2 || need libgit2-dev
	pkg-config --exists libpcre2-8 || need libpcre2-dev
	pkg-config --exists libxxhash || need libxxhash-dev
	pkg-config --exists zlib || need zlib1g-dev
fi
case $profile in
test)
	{ command -v pkg-config >/dev/null 2>&1 && pkg-config --exists cmocka; } || need libcmocka-dev
	command -v rg >/dev/null 2>&1 || need ripgrep
	command -v jq >/dev/null 2>&1 || need jq
	command -v mandoc >/dev/null 2>&1 || need mandoc
	command -v clang >/dev/null 2>&1 || need clang
	[ -n "$(ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ] || need libclang-rt-14-dev
	# optional: without them the SARIF validation and the pre-commit test are skipped, so only
	# root installs them
	command -v npm >/dev/null 2>&1 || { [ "$(id -u)" = 0 ] && need npm; } ||
		echo "deps: npm is missing (sudo apt-get install npm); SARIF validation will be skipped" >&2
	command -v pre-commit >/dev/null 2>&1 || { [ "$(id -u)" = 0 ] && need pre-commit; } ||
		echo "deps: pre-commit is missing (sudo apt-get install pre-commit); its test will be skipped" >&2
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
	command -v entr >/dev/null 2>&1 || need entr
	;;
profile)
	command -v perf >/dev/null 2>&1 || need linux-perf
	command -v jq >/dev/null 2>&1 || need jq
	command -v npm >/dev/null 2>&1 || need npm
	;;
build) ;;
*) echo "deps.sh: unknown profile '$profile' (build, test, bench or profile)" >&2; exit 2 ;;
esac

# npm packages, into build/npm/ (pinned): Microsoft's SARIF validator for the tests (a failure
# only skips the tests that need it), d3 and d3-flame-graph for flame graphs
SARIF_MULTITOOL_VERSION=5.7.0 D3_VERSION=7.9.2 D3_FLAME_GRAPH_VERSION=5.0.0
npm_get() { # npm_get CHECK_FILE PACKAGE...: install the packages unless CHECK_FILE is there
	[ -e "build/npm/node_modules/$1" ] && return 0
	shift
	command -v npm >/dev/null 2>&1 || return 1
	echo "deps: npm install $* into build/npm" >&2
	mkdir -p build/npm
	npm install --prefix build/npm --no-audit --no-fund --silent "$@" >/dev/null 2>&1
}
npm_tools() {
	case $profile in
	test)
		[ "$(uname -m)" = x86_64 ] || return 0 # the multitool's npm package is a linux-x64 program
		if npm_get @microsoft/sarif-multitool-linux/Sarif.Multitool \
			"@microsoft/sarif-multitool@$SARIF_MULTITOOL_VERSION"; then
			chmod u+x build/npm/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool 2>/dev/null
		else
			echo "deps: npm could not install @microsoft/sarif-multitool (offline?); SARIF validation will be skipped" >&2
		fi
		;;
	profile)
		npm_get d3-flame-graph/dist/d3-flamegraph.umd.min.js "d3@$D3_VERSION" \
			"d3-flame-graph@$D3_FLAME_GRAPH_VERSION" ||
			{ echo "deps: npm could not install d3 and d3-flame-graph (offline?)" >&2; exit 2; }
		;;
	esac
	return 0
}

if [ -z "$pkgs" ]; then
	npm_tools
	exit 0
fi
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing$pkgs" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $pkgs >/dev/null ||
		{ echo "deps: apt-get install$pkgs failed" >&2; exit 2; }
	npm_tools
else
	echo "deps: missing packages:$pkgs" >&2
	echo "deps: run: sudo apt-get update && sudo apt-get install -y$pkgs" >&2
	exit 2
fi
