#!/usr/bin/env bash
# Instructions per malloc(80)+free pair from a plain C program (scripts/c-loop/loop.c), on each
# allocator preloaded as bench preloads it: one pair at a time, and batches of 1000 mallocs then
# 1000 frees. Each count is the difference of two callgrind runs of the same program, with N and
# 2N iterations, divided by N: start-up, the allocator's initialisation and the exit cancel, and
# what is left is the loop (the loop's own few instructions per pair included, the same for all).
# libgoalloc.so is given to valgrind stripped of its debug information (Valgrind 3.19 cannot read
# the DWARF Swift 6 writes), as bench's instruction pass does.
#
# Usage: scripts/c-loop-instructions.sh [ALLOCATORS] [N]   (default: system,jemalloc,tcmalloc,mimalloc,go; 20000)
# Needs valgrind and a release build of libgoalloc.so (make build); LIBGOALLOC=path counts another
# copy of the library (an older build, to compare).
set -euo pipefail
cd "$(dirname "$0")/.."
allocators=${1:-system,jemalloc,tcmalloc,mimalloc,go}
n=${2:-20000}
command -v valgrind >/dev/null || { echo "valgrind is not installed: apt-get install -y valgrind" >&2; exit 2; }
work=$(mktemp -d /tmp/c-loop.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -fno-builtin -o "$work/loop" scripts/c-loop/loop.c

# The library to preload for an allocator, found as bench finds it (AllocatorCatalog).
library() {
    case $1 in
        system) echo "" ;;
        go) local built=${LIBGOALLOC:-.build/release/libgoalloc.so}
            [ -f "$built" ] || { echo "no $built: run make build" >&2; exit 2; }
            objcopy --strip-debug "$built" "$work/libgoalloc.so"; echo "$work/libgoalloc.so" ;;
        *) local soname
           case $1 in jemalloc) soname=libjemalloc.so.2 ;; tcmalloc) soname=libtcmalloc_minimal.so.4 ;;
                      mimalloc) soname=libmimalloc.so.2 ;; *) echo "unknown allocator $1" >&2; exit 2 ;; esac
           local path
           path=$(/sbin/ldconfig -p | awk -v s="$soname" '$1 == s { print $NF; exit }')
           [ -n "$path" ] || { echo "$soname not found" >&2; exit 2; }
           echo "$path" ;;
    esac
}

# Total instructions of one run (callgrind's summary line).
count() { # preload mode iterations
    local out="$work/profile"
    LD_PRELOAD=$1 valgrind --tool=callgrind --callgrind-out-file="$out" "$work/loop" "$2" "$3" >/dev/null 2>&1
    awk '/^summary:/ { print $2; exit }' "$out"
}

printf "%-9s %20s %28s\n" allocator "pairs: instr/pair" "batch of 1000: instr/pair"
for allocator in ${allocators//,/ }; do
    preload=$(library "$allocator")
    pairs=$(( $(count "$preload" pairs $((2 * n))) - $(count "$preload" pairs "$n") ))
    batches=$(( n / 100 )) # 1000 pairs per batch iteration
    batch=$(( $(count "$preload" batch $((2 * batches))) - $(count "$preload" batch "$batches") ))
    python3 -c "print(f'{\"$allocator\":<9} {$pairs / $n:20.1f} {$batch / ($batches * 1000):28.1f}')"
done
