#!/bin/bash
# calloc's cost under each allocator, counted by cachegrind (threads: one), two ways:
# - calloc-loop.c: a calloc and a free of one block of SIZE bytes in a loop (the steady state: a
#   list pop and a push). Instructions per pair, the difference between 2 M and 1 M pairs, so
#   that start-up and exit cancel out.
# - calloc-growth.c: a heap growing by calloc as rptest's grows (4,000 blocks of 8-16,000 bytes,
#   written as rptest writes them, freed, twice): instructions and simulated D1 misses of the
#   whole process, and its page faults (perf stat).
#   calloc.sh NAME=LIB...   (LIB empty for glibc's malloc)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(mktemp -d)
gcc -O2 -o "$bin/calloc-loop" "$here/calloc-loop.c"
gcc -O2 -o "$bin/calloc-growth" "$here/calloc-growth.c"
cachegrind() { valgrind --tool=cachegrind --trace-children=yes --cachegrind-out-file=/dev/null "$@" 2>&1; }
refs() { awk '/I +refs/ { gsub(",", "", $NF); print $NF }' | tail -1; }
echo "calloc-loop: instructions per calloc+free pair"
printf "%-10s %8s %8s %8s\n" allocator 32 1000 16000
for pair in "$@"; do n=${pair%%=*}; p=${pair#*=}
  line=$(printf "%-10s" "$n")
  for size in 32 1000 16000; do
    one=$(cachegrind --cache-sim=no env ${p:+LD_PRELOAD=$p} "$bin/calloc-loop" $size 1000000 | refs)
    two=$(cachegrind --cache-sim=no env ${p:+LD_PRELOAD=$p} "$bin/calloc-loop" $size 2000000 | refs)
    line+=$(printf " %8d" $(( (two - one) / 1000000 )))
  done
  echo "$line"
done
echo
echo "calloc-growth: the whole process"
printf "%-10s %14s %12s %12s\n" allocator "I refs" "D1 misses" "page faults"
for pair in "$@"; do n=${pair%%=*}; p=${pair#*=}
  out=$(cachegrind --cache-sim=yes env ${p:+LD_PRELOAD=$p} "$bin/calloc-growth")
  i=$(echo "$out" | refs)
  d=$(echo "$out" | awk '/D1 +misses/ { gsub(",", "", $4); print $4 }' | tail -1)
  f=$(perf stat -e page-faults -x, env ${p:+LD_PRELOAD=$p} "$bin/calloc-growth" 2>&1 >/dev/null | cut -d, -f1)
  printf "%-10s %14d %12d %12d\n" "$n" "$i" "$d" "$f"
done
