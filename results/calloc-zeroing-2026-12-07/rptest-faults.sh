#!/bin/bash
# Page faults of the original rptest at 2 threads (built in /tmp/ref, mimalloc-bench's arguments),
# every one recorded with its address (perf record -e page-faults -c 1 -d), with the madvise and
# munmap calls: how many pages a run touched, how many faults hit a page touched before (refaults),
# and how many of those followed a release of the page (madvise, munmap) and by which thread: the
# allocator's background thread, or the program's threads (glibc releasing an exited thread's
# stack does so on every allocator).
#   RUNS=2 rptest-faults.sh NAME=LIB...
cd "${REF:-/tmp/ref}"
data=$(mktemp -d)
printf "%-10s %4s %8s %9s %9s %16s %14s\n" allocator run faults distinct refaults "after a release" "released pages"
for pair in "$@"; do n=${pair%%=*}; p=${pair#*=}
  for run in $(seq 1 "${RUNS:-2}"); do
    env ${p:+LD_PRELOAD=$p} perf record -q -m 4096 -e page-faults -c 1 -d -e syscalls:sys_enter_madvise \
      -e syscalls:sys_enter_munmap -o "$data/perf.data" ./rptest-t 2 0 1 2 500 1000 100 8 16000 >/dev/null 2>&1
    perf script -i "$data/perf.data" -F tid,event,addr,trace 2>/dev/null | python3 -c '
import re, sys
name, run = sys.argv[1:]
touched, released = set(), set()
faults = refaults = after = released_pages = 0
for line in sys.stdin:
    m = re.match(r"\s*(\d+)\s+(\S+):\s*(.*)", line)
    if not m: continue
    event, rest = m.group(2), m.group(3)
    if event == "page-faults":
        page = int(rest.split()[0], 16) >> 12
        faults += 1
        if page in touched:
            refaults += 1
            if page in released: after += 1
        touched.add(page)
        released.discard(page)
    else:
        a = re.search(r"(?:start|addr): (0x[0-9a-f]+), len(?:_in)?: (0x[0-9a-f]+)", rest)
        start, length = int(a.group(1), 16), int(a.group(2), 16)
        pages = range(start >> 12, (start + length) >> 12)
        released.update(pages)
        released_pages += len(pages)
print(f"{name:10s} {run:>4s} {faults:8d} {len(touched):9d} {refaults:9d} {after:16d} {released_pages:14d}")
' "$n" "$run"
  done
done
rm -rf "$data"
