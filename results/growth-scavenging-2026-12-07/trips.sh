#!/bin/bash
# How often GoAlloc's allocations take the heap lock to scavenge: uprobes (perf probe, as root) on
# Globals.scavenge and MHeap.allocSpanLocked in each build of libgoalloc.so, counted with the
# futex calls over RUNS runs of PROGRAM (default 3). scavenge runs under the heap lock once a call
# (twice more when it releases a run); the scavenging after growth used to call it after every
# growth, the background thread calls it at most every millisecond. A probe costs a trap a call,
# so these runs are slower than the timed ones: read the counts, not the times.
#
#   trips.sh "PROGRAM ARGS" NAME=LIB...   (the stress-* ports built as magazines-2026-12-07/counts.sh builds
#   them; the original rptest as results/threads-2026-12-07/classics.sh says)
set -euo pipefail
command=$1; shift
for pair in "$@"; do
    name=${pair%%=*}; lib=${pair#*=}
    perf probe -q -d "probe_${name//-/_}:*" 2>/dev/null || true
    for fn in scavenge8maxPages allocSpanLocked; do
        address=$(nm "$lib" | awk -v f="$fn" 'index($3, f) && !found++ { print "0x" $1 }')
        perf probe -q -x "$lib" -a "probe_${name//-/_}:${fn%%8*}=$address"
    done
    for run in $(seq 1 "${RUNS:-3}"); do
        perf stat -x, -e "probe_${name//-/_}:*",syscalls:sys_enter_futex -o /tmp/trips.$$ \
            env LD_PRELOAD="$lib" $command >/dev/null 2>&1
        echo "$name $run $(grep -v '^#' /tmp/trips.$$ | awk -F, 'NF > 2 { sub(/.*:/, "", $3); printf "%s=%s ", $3, $1 }')"
    done
    perf probe -q -d "probe_${name//-/_}:*"
done
rm -f /tmp/trips.$$
