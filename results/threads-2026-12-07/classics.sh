#!/bin/bash
# The classic benchmarks and two small programs, as the allocator literature runs them, beside the
# ports in Benchmarks/Programs: mimalloc-bench's copies (github.com/daanx/mimalloc-bench at ce5784f1cef3),
# built in /tmp/ref from its sources (not part of this repository):
#   g++ -O2 -pthread -o larson larson.cpp; g++ -O2 -pthread -o cache-scratch cache-scratch.cpp
#   gcc -O2 -pthread -I. -o xmalloc-test xmalloc-test.c; gcc -O2 -pthread -I. -o rptest rptest.c thread.c timer.c -lm
#   cfrac: gcc -O2 -std=gnu89 -DNOMEMOPT=1 (its CMakeLists' source list) -lm; espresso: gcc -O2 *.c -lm
# with mimalloc-bench's arguments (bench.sh) at 2 threads. go-4951886 is libgoalloc.so built by
# SwiftPM at commit 4951886 (before the transfer batches); go-swiftpm is SwiftPM's build at this
# run's commit, 0eb1093 (with the Swift runtime); go is scripts/build-goalloc-embedded.sh's.
# Output: classics.txt, one line per allocator and round.
# glibc-thread.txt: glibc's malloc-thread benchmark (mimalloc-bench's bench-malloc-thread.c,
# gcc -O2 -pthread -o glibc-thread bench-malloc-thread.c -lm), `glibc-thread 2` (2 s) under each
# allocator, three rounds: iterations done.
# Other allocators: NAME=LIB arguments replace the list (LIB empty for glibc's malloc), as
# results/magazines-2026-12-07 runs it; REF names the folder of the built copies (/tmp/ref).
cd "${REF:-/tmp/ref}"
L=/usr/lib/x86_64-linux-gnu
declare -A A=([system]= [jemalloc]=$L/libjemalloc.so.2 [tcmalloc]=$L/libtcmalloc_minimal.so.4 [mimalloc]=$L/libmimalloc.so
              [go-4951886]=/tmp/x/libgoalloc-before.so [go-swiftpm]=/tmp/x/libgoalloc-swiftpm.so [go]=/tmp/x/libgoalloc-embedded.so)
names=(system jemalloc tcmalloc mimalloc go-4951886 go-swiftpm go)
if [ $# -gt 0 ]; then
  A=(); names=()
  for pair in "$@"; do A[${pair%%=*}]=${pair#*=}; names+=("${pair%%=*}"); done
fi
for round in $(seq 1 ${ROUNDS:-1}); do
for a in "${names[@]}"; do
  p=${A[$a]}
  l=$(LD_PRELOAD=$p ./larson 5 8 1000 5000 100 4141 2 2>&1 | grep -i throughput | awk '{print $3}')
  x=$(LD_PRELOAD=$p ./xmalloc-test -w 2 -t 5 -s 64 2>&1 | grep -o "free/sec: [0-9.]* M" | awk '{print $2}')
  r=$(LD_PRELOAD=$p ./rptest 2 0 1 2 500 1000 100 8 16000 2>&1 | tail -1 | grep -o "[0-9]* memory ops/CPU second" | awk '{print $1}')
  c=$( { /usr/bin/time -f "%e" env LD_PRELOAD=$p ./cache-scratch 2 1000 1 2000000 2 >/dev/null; } 2>&1 | tail -1)
  cf=$( { /usr/bin/time -f "%e %M" env LD_PRELOAD=$p ./cfrac/cfrac 17545186520507317056371138836327483792789528 >/dev/null; } 2>&1 | tail -1)
  es=$( { /usr/bin/time -f "%e %M" env LD_PRELOAD=$p ./espresso/espresso ./espresso/largest.espresso >/dev/null; } 2>&1 | tail -1)
  echo "$round $a larson_ops_s=$l xmalloc_Mfrees_s=$x rptest_ops_cpus=$r scratch_s=$c cfrac_s_kib=\"$cf\" espresso_s_kib=\"$es\""
done
done
