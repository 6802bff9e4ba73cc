#!/usr/bin/env bash
# BigStruct/PointerItManual three ways on this machine, printed side by side: in Swift on GoAlloc's
# collector (allocator go-gc: allocate and drop, the collector frees), in Swift on allocators that
# free by hand (go, jemalloc, system), and in Go itself (scripts/go-compare/bigstruct_test.go: the
# same 75-byte struct returned by pointer, so it escapes to Go's heap), under GOMAXPROCS = the
# machine's cores and = 1. Medians over COUNT repetitions of ns/op, B/op, allocs/op, and the share
# of the timed time the world was stopped for collection (go-gc's gc-%, Go's gc-pause-%).
#
# Usage: scripts/go-compare.sh [OUT] [COUNT] [BENCHTIME]
#   defaults: results/go-compare-<UTC date>, 8, 500ms. Needs a Go toolchain (apt-get install golang-go).
#   OUT gets bench's usual results folder, go.txt (Go's output) and go-compare.txt (the table).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v go >/dev/null; then
    echo "go-compare: no Go toolchain on PATH; install one (as root: apt-get install -y golang-go) and run again" >&2
    exit 2
fi
out=${1:-results/go-compare-$(date -u +%Y-%m-%d)}
count=${2:-8}
benchtime=${3:-500ms}
cores=$(nproc)

swift build -c release >&2
.build/release/bench run --filter '^BigStruct/PointerItManual$' --allocators go-gc,go,jemalloc,system \
    --count "$count" --benchtime "$benchtime" --out "$out" >&2
(cd scripts/go-compare && go test -run '^$' -bench '^BenchmarkPointerItManual$' -benchmem \
    -count "$count" -benchtime "$benchtime" -cpu "$cores,1") > "$out/go.txt"

# Both files are in Go's benchmark format: "Name  N  value unit  value unit ...".
awk -v go="$(go env GOVERSION)" -v cores="$cores" '
    function label(name) {
        if (name ~ /alloc=/) { sub(/.*alloc=/, "", name); sub(/-[0-9]+$/, "", name); return "Swift on " name }
        return go ", GOMAXPROCS=" (name ~ /-[0-9]+$/ ? cores : 1)
    }
    function median(key,    n, i, j, v, t) {
        n = split(values[key], v, " ")
        if (n == 0) return ""
        for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
        return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    /^Benchmark/ {
        name = label($1)
        if (!(name in seen)) { seen[name] = 1; order[++rows] = name }
        for (i = 3; i < NF; i += 2) values[name SUBSEP $(i + 1)] = values[name SUBSEP $(i + 1)] " " $i
    }
    END {
        reference = go ", GOMAXPROCS=" cores
        base = median(reference SUBSEP "ns/op")
        printf "%-26s %9s %7s %9s %6s %9s\n", "PointerItManual", "ns/op", "B/op", "allocs/op", "gc %", "vs Go"
        for (r = 1; r <= rows; r++) {
            name = order[r]
            ns = median(name SUBSEP "ns/op")
            gc = median(name SUBSEP "gc-%"); if (gc == "") gc = median(name SUBSEP "gc-pause-%")
            printf "%-26s %9.2f %7.1f %9.3f %6s %8.2fx\n", name, ns, median(name SUBSEP "B/op"),
                median(name SUBSEP "allocs/op"), gc == "" ? "-" : sprintf("%.2f", gc), ns / base
        }
        printf "medians of %d repetitions; gc %%: share of the timed time in stop-the-world pauses\n", '"$count"'
    }' "$out/bench.txt" "$out/go.txt" | tee "$out/go-compare.txt"
