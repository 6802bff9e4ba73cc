#!/bin/bash
# Alternated rounds of the original rptest (mimalloc-bench's copy in /tmp/ref), 2 threads, its own figure
# (memory ops per CPU second): ROUNDS=5 rptest-rounds.sh NAME=LIB...
cd /tmp/ref
for round in $(seq 1 ${ROUNDS:-5}); do
  for pair in "$@"; do n=${pair%%=*}; p=${pair#*=}
    r=$(LD_PRELOAD=$p ./rptest 2 0 1 2 500 1000 100 8 16000 2>&1 | tail -1 | grep -o "[0-9]* memory ops/CPU second" | awk '{print $1}')
    echo "$round $n $r"
  done
done
