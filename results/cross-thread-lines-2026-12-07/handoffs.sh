#!/bin/bash
# Cache lines malloc handed a thread that another thread wrote last (scripts/line-handoffs.sh), for
# rptest and xmalloc-test (mimalloc-bench's copies, built in REF as results/threads-2026-12-07/classics.sh
# says) and the ports stress-rptest and stress-xmalloc (built as bench builds them), 2 threads.
#   handoffs.sh NAME=LIB...   (LIB empty for glibc's malloc)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
ports=$(mktemp -d /tmp/handoffs.XXXXXX)
trap 'rm -rf "$ports"' EXIT
for p in rptest xmalloc; do
    clang -O2 -pthread -I"$repo/Benchmarks/Programs" -o "$ports/stress-$p" "$repo/Benchmarks/Programs/stress-$p/main.c"
done
cd "${REF:-/tmp/ref}"
for command in "./rptest 2 0 1 2 500 1000 100 8 16000" "$ports/stress-rptest 2" "$ports/stress-xmalloc 2" "./xmalloc-test -w 2 -t 5 -s 64"; do
    echo "== ${command/$ports\//}"
    "$repo/scripts/line-handoffs.sh" "$command" "$@"
done
