#!/usr/bin/env bash
# Checks bench.txt with the real benchstat: two runs of the same filter compare in one table with a
# "vs base" column, `-col /alloc` puts a run's allocators side by side, and counts declared exact
# print no "± ∞".
#
# Usage: scripts/benchstat-check.sh BENCHSTAT [BENCH]
#   BENCHSTAT  a benchstat binary (golang.org/x/perf/cmd/benchstat; `go install` it where the Go
#              module proxy is reachable)
#   BENCH      bench to run (default: .build/release/bench; make build first)
set -euo pipefail
cd "$(dirname "$0")/.."
benchstat=${1:?usage: scripts/benchstat-check.sh BENCHSTAT [BENCH]}
bench=${2:-.build/release/bench}
[ -x "$benchstat" ] || { echo "benchstat-check: no benchstat at $benchstat" >&2; exit 2; }
[ -x "$bench" ] || { echo "benchstat-check: no bench at $bench; build it first: make build" >&2; exit 2; }

work=$(mktemp -d /tmp/benchstat-check.XXXXXX)
for run in old new; do
    "$bench" run --filter '^(BigStruct/(CopyIt|PointerIt)|Harness/Empty)$' --allocators system,jemalloc --count 4 \
        --benchtime 100ms --instructions --out "$work/$run" >"$work/$run.log" 2>&1 \
        || { cat "$work/$run.log" >&2; exit 1; }
done

failures=0
check() { # description, file, pattern, [absent]
    if grep -q -- "$3" "$2"; then found=yes; else found=no; fi
    if [ "${4:-}" = absent ] && [ $found = yes ] || [ "${4:-}" != absent ] && [ $found = no ]; then
        echo "FAIL: $1 (see $2)"; failures=$((failures + 1))
    else
        echo "ok: $1"
    fi
}

"$benchstat" "old=$work/old/bench.txt" "new=$work/new/bench.txt" >"$work/two-runs.txt"
check "two runs compare in one table" "$work/two-runs.txt" "vs base"
[ "$(grep -c 'sec/op' "$work/two-runs.txt")" -eq 1 ] && echo "ok: one sec/op table" \
    || { echo "FAIL: the runs split into several sec/op tables (see $work/two-runs.txt)"; failures=$((failures + 1)); }

"$benchstat" -col /alloc "$work/new/bench.txt" >"$work/by-allocator.txt"
check "-col /alloc has a column per allocator" "$work/by-allocator.txt" "│ *jemalloc *│"
check "-col /alloc compares them with the first" "$work/by-allocator.txt" "vs base"
check "instructions/op is reported" "$work/by-allocator.txt" "instructions/op"
grep -A4 "instructions/op" "$work/by-allocator.txt" | grep -q "± ∞" \
    && { echo "FAIL: instructions/op printed with ± ∞"; failures=$((failures + 1)); } || echo "ok: instructions/op exact"
grep -A4 "allocs/op" "$work/by-allocator.txt" | grep -q "± ∞" \
    && { echo "FAIL: allocs/op printed with ± ∞"; failures=$((failures + 1)); } || echo "ok: allocs/op exact"

echo "(outputs in $work)"
exit $((failures > 0))
