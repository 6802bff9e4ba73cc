#!/bin/bash
# Simulated instructions and D1 misses of the original rptest at 2 threads (mimalloc-bench's
# rptest.c, built in /tmp/ref as results/growth-scavenging-2026-12-07/rptest-rounds.sh says, with
# mimalloc-bench's arguments), per memory op: how many ops a run makes depends on when one thread
# finishes (its cross-thread handoffs stop then), so the totals are divided by the run's own count.
# cachegrind runs the threads one at a time.
#   RUNS=3 rptest-counts.sh NAME=LIB...
cd "${REF:-/tmp/ref}"
printf "%-10s %4s %10s %14s %12s %10s %10s\n" allocator run ops "I refs" "D1 misses" "I/op" "D1/op"
for pair in "$@"; do n=${pair%%=*}; p=${pair#*=}
  for run in $(seq 1 "${RUNS:-3}"); do
    log=$(mktemp)
    valgrind --tool=cachegrind --cache-sim=yes --trace-children=yes --cachegrind-out-file=/dev/null \
      env LD_PRELOAD=$p ./rptest-t 2 0 1 2 500 1000 100 8 16000 >"$log" 2>&1
    python3 - "$log" "$n" "$run" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
ops = int(re.search(r"MOPS (\d+)", text).group(1))
refs = [int(x.replace(",", "")) for x in re.findall(r"I\s+refs:\s+([\d,]+)", text)]
misses = [int(x.replace(",", "")) for x in re.findall(r"D1\s+misses:\s+([\d,]+)", text)]
# The largest process is rptest's (env's own counts come first).
i, d = max(refs), misses[refs.index(max(refs))]
print(f"{sys.argv[2]:10s} {sys.argv[3]:>4s} {ops:10d} {i:14,d} {d:12,d} {i/ops:10.1f} {d/ops:10.2f}")
PY
    rm -f "$log"
  done
done
