#!/bin/bash
# Issue #28's sitting: go-gc (default and generational), boehm (three modes), go, jemalloc; Go 1.19.
set -e
out=${1:?usage: sitting.sh OUT}
cd "$(dirname "$0")/../.."
f='^(AllocatorStress/(BinaryTrees|Larson)|BigStruct/PointerItManual)$'
.build/release/bench run --filter "$f" --allocators boehm,go-gc,go,jemalloc --threads 1,2 --count 3 --out $out/default > $out/default.log 2>&1
GOALLOC_GENERATIONAL=8 .build/release/bench run --filter "$f" --allocators go-gc --threads 1,2 --count 3 --out $out/generational-8 > $out/generational-8.log 2>&1
GC_MARKERS=1 .build/release/bench run --filter "$f" --allocators boehm --threads 1,2 --count 3 --out $out/markers-1 > $out/markers-1.log 2>&1
GC_ENABLE_INCREMENTAL=1 .build/release/bench run --filter "$f" --allocators boehm --threads 1,2 --count 3 --out $out/incremental > $out/incremental.log 2>&1
(cd scripts/go-compare && go test -run '^$' -bench '^Benchmark(BinaryTrees|PointerItManual)$' -benchmem -count 3 -benchtime 1s -cpu 1,2) > $out/go1.19-bench.txt 2>&1
