#!/usr/bin/env bash
# Instructions per op on each allocator, from bench's instruction pass (bench run --instructions):
# the workload runs under callgrind, instrumented only while its timer runs, so start-up is not
# counted, and the counts repeat exactly from process to process. Beside the whole op it prints
# the instructions outside the benchmark's executable, from callgrind_annotate over the cell's
# profile: for ExplicitAlloc workloads that is the allocator's own share (its library, or libc's
# malloc and free for system); for BigStruct it also holds the Swift runtime's.
#
# Usage: scripts/instructions-per-op.sh [ALLOCATORS] [WORKLOAD]
#        (default: every installed allocator; ExplicitAlloc/Pair80). WORKLOAD is Suite/Name.
# Needs a release build (make build) and valgrind (make setup installs it).
set -euo pipefail
bench=.build/release/bench
allocators=${1:-system,jemalloc,tcmalloc,mimalloc,go}
workload=${2:-ExplicitAlloc/Pair80}
[ -x "$bench" ] || { echo "no release build: run make build first" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "valgrind is not installed: apt-get install -y valgrind" >&2; exit 2; }

out=$(mktemp -d /tmp/instructions.XXXXXX)
"$bench" run --filter "^${workload}\$" --allocators "$allocators" --count 1 --benchtime 200ms --instructions \
    --out "$out/run" >"$out/bench.log" 2>&1 || { cat "$out/bench.log" >&2; exit 1; }

printf "%-9s %14s %18s\n" allocator "instr/op" "outside workload"
python3 - "$out/run/runs.csv" <<'PY' | while read -r allocator per_op profile; do
import csv, sys
for row in csv.DictReader(open(sys.argv[1])):
    if row["instructions_per_op"]:
        name = f'{row["suite"]}-{row["workload"]}-{row["allocator"]}-t{row["threads"]}'
        print(row["allocator"], row["instructions_per_op"], name)
PY
    file="$out/run/profiles/$profile.callgrind"
    # callgrind_annotate's per-function totals outside the executable (its copy is named 0-bench).
    outside=$(callgrind_annotate --inclusive=no "$file" 2>/dev/null \
        | awk '/^ *[0-9,]+ \(/ && /\[/ && !/0-bench\]/ { gsub(",", "", $1); s += $1 } END { print s + 0 }')
    total=$(awk '/^totals:/ { print $2; exit }' "$file") # Ir over the pass's b.N ops
    printf "%-9s %14.1f %18.1f\n" "$allocator" "$per_op" "$(python3 -c "print($outside / round($total / $per_op))")"
done
echo "(run folder with the callgrind profiles: $out/run)"
