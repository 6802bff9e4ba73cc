#!/bin/bash
# Every page fault of a command and its child processes, recorded with its address (perf record -e
# page-faults -c 1 -d), beside the madvise and munmap calls: per process, the faults, those on a
# page the process touched before, and of those the ones that follow a release of the page.
#   faults-by-page.sh COMMAND [ARGS...]
data=$(mktemp -d)
perf record -q -m 4096 -e page-faults -c 1 -d -e syscalls:sys_enter_madvise -e syscalls:sys_enter_munmap \
    -o "$data/perf.data" "$@" >/dev/null 2>&1
perf script -i "$data/perf.data" -F comm,pid,event,addr,trace 2>/dev/null | python3 -c '
import re, sys
processes = {}
for line in sys.stdin:
    m = re.match(r"\s*(\S+)\s+(\d+)\s+(\S+):\s*(.*)", line)
    if not m: continue
    comm, pid, event, rest = m.groups()
    p = processes.setdefault(pid, dict(comm=comm, faults=0, again=0, released_again=0, touched=set(), released=set()))
    p["comm"] = comm
    if event == "page-faults":
        page = int(rest.split()[0], 16) >> 12
        p["faults"] += 1
        if page in p["touched"]:
            p["again"] += 1
            p["released_again"] += page in p["released"]
        p["touched"].add(page)
        p["released"].discard(page)
    else:
        a = re.search(r"(?:start|addr): (0x[0-9a-f]+), len(?:_in)?: (0x[0-9a-f]+)", rest)
        start, length = int(a.group(1), 16) >> 12, int(a.group(2), 16) >> 12
        p["released"].update(range(start, start + length))
row = "%-24s %8s %25s %18s"
print(row % ("process", "faults", "on a page touched before", "after its release"))
for pid, p in processes.items():
    print(row % (p["comm"] + " " + pid, p["faults"], p["again"], p["released_again"]))
'
rm -rf "$data"
