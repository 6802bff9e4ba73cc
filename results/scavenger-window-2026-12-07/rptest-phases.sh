#!/bin/bash
# The original rptest's page faults (mimalloc-bench's arguments, 2 threads, built in /tmp/ref as in
# ../calloc-zeroing-2026-12-07/rptest-faults.sh) split at 8 s, where its first team of threads has
# ended and the second begins a second later: faults before 8 s, and from 8 s on the faults on
# pages new to the run, on pages touched before and released (madvise) since, on pages touched
# before and not released; and the pages released between 8 and 16 s. Runs alternate.
#   RUNS=6 rptest-phases.sh NAME=LIB...
cd "${REF:-/tmp/ref}"
data=$(mktemp -d)
for run in $(seq 1 "${RUNS:-6}"); do
  for pair in "$@"; do n=${pair%%=*}; p=${pair#*=}
    env ${p:+LD_PRELOAD=$p} perf record -q -m 4096 -e page-faults -c 1 -d -e syscalls:sys_enter_madvise \
      -o "$data/perf.data" ./rptest-t 2 0 1 2 500 1000 100 8 16000 >/dev/null 2>&1
    perf script -i "$data/perf.data" -F time,event,addr,trace 2>/dev/null | python3 -c '
import re, sys
name, run = sys.argv[1:]
touched, released = set(), set()
first = new = again_released = again = released_pages = 0
t0 = None
for line in sys.stdin:
    m = re.match(r"\s*([\d.]+):\s+(\S+):\s*(.*)", line)
    if not m: continue
    t, event, rest = float(m.group(1)), m.group(2), m.group(3)
    if t0 is None: t0 = t
    late = t - t0 >= 8
    if event == "page-faults":
        page = int(rest.split()[0], 16) >> 12
        if not late: first += 1
        elif page not in touched: new += 1
        elif page in released: again_released += 1
        else: again += 1
        touched.add(page)
        released.discard(page)
    else:
        a = re.search(r"start: (0x[0-9a-f]+), len_in: (0x[0-9a-f]+)", rest)
        start, length = int(a.group(1), 16) >> 12, int(a.group(2), 16) >> 12
        released.update(range(start, start + length))
        if late and t - t0 < 16: released_pages += length
print(f"{name:10s} {run:>3s} {first:14d} {new:10d} {again_released:16d} {again:7d} {released_pages:15d}")
' "$n" "$run"
  done
done | { printf "%-10s %3s %14s %10s %16s %7s %15s\n" allocator run "faults < 8 s" "8 s: new" "touched+released" touched "released 8-16 s"; cat; }
rm -rf "$data"
