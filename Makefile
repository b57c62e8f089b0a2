# Plain GNU make. `make help` lists the targets.
#   make                 release build into build/ (-O2 -g)
#   make debug           -O0 -g into build/debug/
#   make SAN=address,undefined   sanitizer build into build/asan/ ; SAN=thread into build/tsan/
CC      ?= cc
PKGS    := libgit2 libpcre2-8 libxxhash zlib
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
           -Wwrite-strings -Wformat=2 -Wcast-qual -Wno-format-nonliteral
STD     := -std=gnu11 -D_GNU_SOURCE
WERROR  ?= -Werror
SAN     ?=
DEBUG   ?=

ifeq ($(SAN),)
  ifeq ($(DEBUG),1)
    B := build/debug
    OPT := -O0 -g
  else
    B := build
    OPT := -O2 -g
  endif
  SANFLAGS :=
else ifeq ($(SAN),thread)
  B := build/tsan
  OPT := -O1 -g
  SANFLAGS := -fsanitize=thread
else
  B := build/asan
  OPT := -O1 -g -fno-omit-frame-pointer
  SANFLAGS := -fsanitize=$(SAN) -fno-sanitize-recover=all
endif

DEPCHECK := $(shell pkg-config --exists $(PKGS) 2>/dev/null && echo ok)
PKG_CFLAGS := $(if $(DEPCHECK),$(shell pkg-config --cflags $(PKGS)))
PKG_LIBS   := $(if $(DEPCHECK),$(shell pkg-config --libs $(PKGS)))
# the walker loads libgit2 with dlopen, only inside a repository (walker/repo.c says why)
WALK_LIBS  := $(if $(DEPCHECK),$(shell pkg-config --libs libpcre2-8 libxxhash zlib)) -ldl
GIT2_SONAME := $(if $(DEPCHECK),$(shell objdump -p "$$(pkg-config --variable=libdir libgit2)/libgit2.so" 2>/dev/null | \
               awk '/SONAME/ {print $$2}'))
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

# make install PREFIX=/usr/local DESTDIR=: the programs, man pages and bash completion
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DOCDIR  ?= $(PREFIX)/share/doc/walker
DATADIR ?= $(PREFIX)/share/walker
INSTALL ?= install

CFLAGS  ?=
CPPFLAGS := -Icommon -Igen -Iwalker $(PKG_CFLAGS)
ALLFLAGS := $(STD) $(OPT) $(WARN) $(WERROR) $(SANFLAGS) $(CFLAGS) -MMD -MP
LDLIBS  := $(PKG_LIBS) -lpthread

COMMON_SRC := $(wildcard common/*.c)
GEN_SRC    := $(wildcard gen/*.c)
WALK_LIB   := $(filter-out walker/main.c,$(wildcard walker/*.c))
WALK_MAIN  := walker/main.c
BENCH_SRC  := $(wildcard bench/*.c)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))
GEN_LIB_OBJ := $(call obj,$(filter-out gen/main.c,$(GEN_SRC)))
PROGRAMS := $(B)/genfixtures $(if $(wildcard walker/main.c),$(B)/walker) \
            $(patsubst bench/%.c,$(B)/%,$(BENCH_SRC))
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))

.PHONY: print-builddir unit-bins programs all debug deps deps-test deps-bench fixtures test unit e2e check asan tsan fuzz \
        bench bench-stress bench-quick profile format format-check clean help install uninstall
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory programs

programs: $(PROGRAMS)

debug:
	@$(MAKE) --no-print-directory DEBUG=1 all

deps:
	@sh tools/deps.sh build
deps-test:
	@sh tools/deps.sh test
deps-bench:
	@sh tools/deps.sh bench

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALLFLAGS) -c $< -o $@

$(B)/genfixtures: $(call obj,$(GEN_SRC) $(COMMON_SRC))
	$(CC) $(ALLFLAGS) -o $@ $^ $(LDLIBS)

$(B)/walker: $(call obj,$(WALK_MAIN) $(WALK_LIB) $(COMMON_SRC))
	$(CC) $(ALLFLAGS) -o $@ $^ $(WALK_LIBS) -lpthread

$(B)/obj/walker/repo.o: CPPFLAGS += $(if $(GIT2_SONAME),-DWALKER_LIBGIT2_SONAME='"$(GIT2_SONAME)"')

$(B)/%: $(B)/obj/bench/%.o $(call obj,$(WALK_LIB) $(COMMON_SRC))
	$(CC) $(ALLFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: $(B)/obj/tests/unit/%.o $(GEN_LIB_OBJ) $(call obj,$(WALK_LIB) $(COMMON_SRC))
	@mkdir -p $(@D)
	$(CC) $(ALLFLAGS) -o $@ $^ $(LDLIBS) $(CMOCKA_LIBS)

unit-bins: $(UNIT_BINS) $(PROGRAMS)

# ---- fixtures ----------------------------------------------------------------------------------
fixtures: all
	$(B)/genfixtures

# ---- tests -------------------------------------------------------------------------------------
# `make check` is the test command of README.md and .ci/run: unit and end-to-end tests on the
# release build, again under AddressSanitizer+UBSan, the parallel walker under ThreadSanitizer.
check: deps-test
	@sh tests/run.sh

test: deps-test
	@sh tests/run.sh --quick

# ---- benchmarks and profiling ------------------------------------------------------------------
# `make bench-stress` is the main job of README.md: packages, build, fixtures, the benchmark, the
# report (reports/benchmark.{md,html}); docs/profiling.md explains it. The harness builds the
# release programs itself (bench/stress.sh), so these targets do not depend on `all`.
BENCH_ARGS = $(if $(SAVE),--save $(SAVE)) $(if $(BASELINE),--baseline $(BASELINE)) \
	     $(if $(THRESHOLD),--threshold $(THRESHOLD))
bench-stress: deps-bench
	@sh bench/stress.sh $(BENCH_ARGS)

bench-quick: deps-bench
	@sh bench/stress.sh --quick $(BENCH_ARGS)

bench: bench-stress

# make profile FIXTURE=stress-monorepo TOOL=perf|flame|callgrind|massif|strace|time|stats [ARGS="--no-cache"]
profile: all
	@sh bench/profile.sh "$(or $(FIXTURE),stress-monorepo)" "$(or $(TOOL),perf)" $(ARGS)

# ---- fuzzing -----------------------------------------------------------------------------------
# libFuzzer harnesses (clang) for every parser of outside input: make fuzz [TARGET=ignore|config|
# scan|cache|lex|index|odb] [SECONDS=60]. docs/reliability.md has the figures; fuzz/run.sh says how it runs.
FUZZ_TARGETS := ignore config scan cache lex index odb
FUZZ_BINS    := $(addprefix build/fuzz/fuzz_,$(FUZZ_TARGETS))
FUZZ_FLAGS   := $(STD) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
build/fuzz/fuzz_%: fuzz/fuzz_%.c $(WALK_LIB) $(COMMON_SRC) $(wildcard walker/*.h common/*.h)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) $(CPPFLAGS) -o $@ $< $(WALK_LIB) $(COMMON_SRC) \
		$(shell pkg-config --libs libpcre2-8 libxxhash zlib) -ldl -lpthread

fuzz-bins: deps-test $(FUZZ_BINS)

fuzz: fuzz-bins all
	@sh fuzz/run.sh $(or $(TARGET),all) $(or $(SECONDS),60)

# ---- installing --------------------------------------------------------------------------------
# The release programs (built first when needed), their man pages (man/, mdoc), one bash
# completion file under both names (bash-completion loads it by command name), the licence, the jq
# program that merges --shard reports.
INSTALLED := $(BINDIR)/walker $(BINDIR)/genfixtures $(MANDIR)/man1/walker.1 $(MANDIR)/man1/genfixtures.1 \
	     $(BASHCOMPDIR)/walker $(BASHCOMPDIR)/genfixtures $(DOCDIR)/LICENSE $(DOCDIR)/README.md \
	     $(DATADIR)/shard-merge.jq
install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(DATADIR)
	$(INSTALL) -m 755 $(B)/walker $(B)/genfixtures $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 644 man/walker.1 man/genfixtures.1 $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 644 completions/walker.bash $(DESTDIR)$(BASHCOMPDIR)/walker
	$(INSTALL) -m 644 completions/walker.bash $(DESTDIR)$(BASHCOMPDIR)/genfixtures
	$(INSTALL) -m 644 LICENSE README.md $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 644 tools/shard-merge.jq $(DESTDIR)$(DATADIR)/

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DOCDIR) $(DESTDIR)$(DATADIR) 2>/dev/null

# ---- formatting --------------------------------------------------------------------------------
FORMAT_FILES := $(wildcard common/*.[ch] gen/*.[ch] walker/*.[ch] bench/*.[ch] tests/unit/*.[ch] fuzz/*.c)
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	@clang-format --dry-run --Werror $(FORMAT_FILES)

clean:
	rm -rf build fuzz/corpus-*

help:
	@echo "make                 build the release programs into build/"
	@echo "make debug           -O0 build into build/debug/"
	@echo "make SAN=address,undefined | SAN=thread   sanitizer builds (build/asan, build/tsan)"
	@echo "make deps            check (and as root install) the Debian packages"
	@echo "make fixtures        generate the default stress fixtures into fixtures/"
	@echo "make check           the full test suite (also under ASan+UBSan and TSan)"
	@echo "make test            the quick test suite (release build only)"
	@echo "make bench-stress    the stress benchmark (SAVE=NAME, BASELINE=NAME, THRESHOLD=PCT)"
	@echo "make bench-quick     the benchmark harness on small fixtures (under a minute)"
	@echo "make profile FIXTURE=NAME TOOL=perf|flame|callgrind|massif|strace|time|stats   profile one run"
	@echo "make fuzz [TARGET=ignore|config|scan|cache|lex|index|odb] [SECONDS=60]   libFuzzer runs"
	@echo "make format          clang-format the sources"
	@echo "make install [PREFIX=/usr/local] [DESTDIR=]   programs, man pages, bash completion"
	@echo "make uninstall [PREFIX=/usr/local] [DESTDIR=] remove what install wrote"
	@echo "make clean           remove build/"

-include $(shell find build -name '*.d' 2>/dev/null)

print-builddir:
	@echo $(B)
