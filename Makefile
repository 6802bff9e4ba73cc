# AllocBench: the two commands are `make bench` and `make test`; each installs what is missing first.
SWIFT ?= swift
# Flags for `make bench`, e.g. make bench BENCHFLAGS="--count 10 --benchtime 2s". The default suite
# measures 500 ms per worker (bench's own default is Go's 1s): with 6 repetitions on six allocators
# and the instruction pass, 1s took 5 min 1 s from a fresh clone on the 2-core VM, 500 ms fits in 5.
BENCHFLAGS ?= --benchtime 500ms

.PHONY: bench bench-all bench-programs test setup build clean

## bench: install what is missing, build in release, run the default suite (with instruction counts
## when valgrind is installed, as setup makes sure), print the results folder
bench: build
	.build/release/bench run $$(command -v valgrind >/dev/null && echo --instructions) $(BENCHFLAGS)

## bench-all: every suite on every installed allocator, --count 6 (18 minutes here; scripts/all-suites.sh)
bench-all: setup
	scripts/all-suites.sh

## bench-programs: the Programs suite (real programs and C stress programs) on every installed
## allocator and TBB's malloc, --count 6 (27 minutes here; scripts/programs-suite.sh)
bench-programs: setup
	scripts/programs-suite.sh

## test: install what is missing, build everything (debug, and libgoalloc.so without the Swift runtime), check the module graph of docs/architecture.md, run swift test
test: setup
	$(SWIFT) build --build-tests
	scripts/build-goalloc-embedded.sh debug
	scripts/check-architecture.py
	$(SWIFT) test

## setup: install jemalloc (required), tcmalloc and mimalloc (optional) with apt-get when missing
setup:
	@scripts/setup.sh

## build: release build of every product (bench, libBenchCount.so, ...), and libgoalloc.so without
## the Swift runtime (scripts/build-goalloc-embedded.sh)
build: setup
	$(SWIFT) build -c release
	scripts/build-goalloc-embedded.sh release

clean:
	rm -rf .build
