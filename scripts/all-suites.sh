#!/usr/bin/env bash
# One run of every built-in suite (BigStruct, MemStatsTour, Sawtooth, AllocatorStress, ExplicitAlloc,
# Harness) on every installed allocator, the stress suite on 1 and 2 threads, in fresh processes
# per cell, 6 repetitions (the fewest that give a 95% CI of the median). 17 min 47 s on the
# 2-core machine with the defaults below and five allocators (results/all-suites-2026-11-23, before
# go-gc was added); make it quiet first.
#
# Usage: scripts/all-suites.sh [OUT] [bench flags...]
#   OUT defaults to results/all-suites-<UTC date>; later flags override the defaults, e.g.
#   scripts/all-suites.sh /tmp/smoke --count 1 --benchtime 2x     (a smoke test: under a minute)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-results/all-suites-$(date -u +%Y-%m-%d)}
shift $(($# > 0 ? 1 : 0))
swift build -c release >&2
# 250ms per measurement: the stress workloads reach millions of ops in it (LargeBlocks, tens of
# 15 MiB blocks); the Trace, MemStatsTour and Sawtooth workloads have a fixed b.N anyway.
# The Swift suites; the Programs suite has a script of its own (scripts/programs-suite.sh).
exec .build/release/bench run --filter '^(BigStruct|MemStatsTour|Sawtooth|AllocatorStress|ExplicitAlloc|Harness)/' \
    --count 6 --benchtime 250ms --threads 1,2 --timeout 5m --out "$out" "$@"
