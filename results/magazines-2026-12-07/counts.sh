#!/bin/bash
# Simulated instructions and D1 misses of the ports stress-xmalloc (1 pair) and stress-rptest
# (2 threads) under each allocator: cachegrind runs the threads one at a time, so the counts repeat
# from run to run (they cannot see misses between cores, only a thread's own). "program" is what
# the program's own functions cost (produce+consume, work+drain); the rest is the allocator's (and
# libc's pthread calls).
#
#   counts.sh OUT NAME=LIB...   (LIB empty for glibc's malloc)
# Programs built as bench builds them: clang -O2 -pthread from Benchmarks/Programs/stress-*/main.c.
set -euo pipefail
out=$1; shift
repo=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
for p in xmalloc rptest; do
    clang -O2 -pthread -I"$repo/Benchmarks/Programs" -o "$out/stress-$p" "$repo/Benchmarks/Programs/stress-$p/main.c"
done
printf "%-16s %-10s %14s %14s %14s %14s\n" program allocator "I refs" "D1 misses" "D1 rd misses" "program D1 rd"
for run in "stress-xmalloc 1:produce|consume" "stress-rptest 2:work|drain"; do
    command=${run%%:*}; own=${run#*:}
    for pair in "$@"; do
        name=${pair%%=*}; lib=${pair#*=}
        file="$out/cg.${command// /-}.$name"
        valgrind --tool=cachegrind --cache-sim=yes --trace-children=yes --cachegrind-out-file="$file.%p" \
            env ${lib:+LD_PRELOAD=$lib} "$out/${command%% *}" "${command#* }" >"$file.log" 2>&1
        profile=$(ls -S "$file".[0-9]* | head -1)
        # The events line orders the columns: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw.
        python3 - "$profile" "$command" "$name" "$own" <<'PY'
import re, sys
profile, command, name, own = sys.argv[1:]
events = None; totals = None; fn = None; program = 0
for line in open(profile):
    if line.startswith("events:"): events = line.split()[1:]
    elif line.startswith("summary:"): totals = [int(x) for x in line.split()[1:]]
    elif line.startswith("fn="): fn = line[3:].strip()
    elif fn and re.fullmatch(own, fn) and line[:1].isdigit():
        program += int(line.split()[1 + events.index("D1mr")])
ix = {e: i for i, e in enumerate(events)}
print(f"{command:16} {name:10} {totals[ix['Ir']]:14,} {totals[ix['D1mr']] + totals[ix['D1mw']]:14,} {totals[ix['D1mr']]:14,} {program:14,}")
PY
    done
done
