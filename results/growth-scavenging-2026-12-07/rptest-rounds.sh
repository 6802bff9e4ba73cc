#!/bin/bash
# Alternated rounds of the original rptest at 2 threads, printing the two figures behind its own
# (memory ops per CPU second = MOPS / TICKS): rptest-t is mimalloc-bench's rptest.c (in /tmp/ref,
# built as results/threads-2026-12-07/classics.sh says) with one line added after it computes
# average_mops, `fprintf(stderr, "TICKS %.4f s MOPS %zu\n", time_elapsed, (size_t)mops);`.
# TICKS is the sum over the threads of the wall time inside their timed loops.
#   ROUNDS=6 LOOPS=500 rptest-rounds.sh NAME=LIB...   (LOOPS: 500 is mimalloc-bench's)
cd /tmp/ref
for round in $(seq 1 "${ROUNDS:-6}"); do
  line=$round
  for pair in "$@"; do n=${pair%%=*}; p=${pair#*=}
    v=$(LD_PRELOAD=$p ./rptest-t 2 0 1 2 "${LOOPS:-500}" 1000 100 8 16000 2>&1 | tr '\r' '\n' | grep -o "TICKS.*" | tr '\n' ' ')
    line="$line | $n $v"
  done
  echo "$line"
done
