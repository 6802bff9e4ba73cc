#!/bin/bash
# Whole-process wall time of the ports, the allocators alternated round by round (so that a slow
# spell of the VM falls on all of them), with perf's software counters: task-clock (ms of CPU),
# page faults, context switches.
#
#   alternate.sh ROUNDS "PROGRAM ARGS" NAME=LIB...   (LIB empty for glibc's malloc)
# One line per run: round, allocator, wall seconds, peak RSS KiB, then the counters.
set -euo pipefail
rounds=$1; command=$2; shift 2
tmp=$(mktemp)
for round in $(seq 1 "$rounds"); do
    for pair in "$@"; do
        name=${pair%%=*}; lib=${pair#*=}
        perf stat -x, -e task-clock,page-faults,context-switches \
            env ${lib:+LD_PRELOAD=$lib} /usr/bin/time -f "wall=%e rss_kib=%M" $command 2>"$tmp" >/dev/null
        echo "$round $name $(grep wall= "$tmp") $(grep -v wall= "$tmp" | awk -F, '{printf "%s=%s ", $3, $1}')"
    done
done
rm -f "$tmp"
