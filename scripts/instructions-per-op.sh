#!/usr/bin/env bash
# What bounds the fast path? Counts the instructions of one op on each allocator with valgrind's
# callgrind: a loop of Benchmarks/HandLoop runs twice, N1 and N2 iterations, and
# (Ir(N2) - Ir(N1)) / (N2 - N1) is the cost of one iteration, start-up excluded. Instruction
# counts do not depend on the machine's noise, unlike ns/op.
#   Pair80 (default): ExplicitAlloc/Pair80, one 80-byte alloc+free through the explicit interface.
#     Also prints the allocator's own share: everything but the loop itself (handloop_main),
#     from callgrind_annotate's per-function totals.
#   PointerIt: BigStruct/PointerIt, a Swift class instance made and released: the Swift runtime's
#     malloc and free plus reference counting. Only the allocator differs between the rows.
#
# Usage: scripts/instructions-per-op.sh [ALLOCATORS] [Pair80|PointerIt]
#        (default: every installed allocator, and go; Pair80)
# Needs a release build (make build) and valgrind (apt-get install valgrind).
set -euo pipefail
build=.build/release
allocators=${1:-system,jemalloc,tcmalloc,mimalloc,go}
workload=${2:-Pair80}
case $workload in
    Pair80) arguments() { echo Pair80 "$1" "$2"; } ;;
    PointerIt) arguments() { echo PointerIt "$1"; } ;;
    *) echo "unknown workload '$workload': use Pair80 or PointerIt" >&2; exit 2 ;;
esac
n1=100000
n2=1100000
declare -A sonames=([jemalloc]=libjemalloc.so.2 [tcmalloc]=libtcmalloc_minimal.so.4 [mimalloc]=libmimalloc.so.2)
command -v valgrind >/dev/null || { echo "valgrind is not installed: apt-get install -y valgrind" >&2; exit 2; }
[ -x "$build/handloop" ] || { echo "no release build: run make build first" >&2; exit 2; }

work=$(mktemp -d /tmp/instructions.XXXXXX)
# Valgrind 3.19 cannot read the DWARF that Swift 6 emits; counting needs only the symbol table.
objcopy --strip-debug "$build/handloop" "$work/handloop"

total() { awk '/^(summary|totals):/ { print $2; exit }' "$1"; }
# Instructions in functions whose names match a pattern, summed over the profile.
share() { callgrind_annotate "$1" 2>/dev/null | awk -v re="$2" '$0 ~ re { gsub(",", "", $1); s += $1 } END { print s + 0 }'; }

printf "%-9s %14s %16s\n" allocator "instr/op" "$([ "$workload" = Pair80 ] && echo "in allocator")"
for allocator in ${allocators//,/ }; do
    preload=
    if [ "$allocator" = go ]; then
        # GoAlloc's library, stripped like handloop (a copy: callgrind reads its symbols only).
        objcopy --strip-debug "$build/libgoalloc.so" "$work/libgoalloc.so"
        preload=$work/libgoalloc.so
    elif [ -n "${sonames[$allocator]:-}" ]; then
        preload=$(/sbin/ldconfig -p | awk -v so="${sonames[$allocator]}" '$1 == so { print $NF; exit }')
        [ -n "$preload" ] || { echo "$allocator: not installed, skipped" >&2; continue; }
    fi
    for n in $n1 $n2; do
        LD_PRELOAD=$preload valgrind --tool=callgrind --callgrind-out-file="$work/$allocator.$n" \
            "$work/handloop" $(arguments "$n" "$allocator") >/dev/null 2>"$work/$allocator.$n.log"
    done
    per_op=$(( ($(total "$work/$allocator.$n2") - $(total "$work/$allocator.$n1")) / (n2 - n1) ))
    if [ "$workload" = Pair80 ]; then
        loop=$(( ($(share "$work/$allocator.$n2" ':handloop_main ') - $(share "$work/$allocator.$n1" ':handloop_main ')) / (n2 - n1) ))
        printf "%-9s %14d %16d\n" "$allocator" "$per_op" $(( per_op - loop ))
    else
        printf "%-9s %14d\n" "$allocator" "$per_op"
    fi
done
echo "(callgrind profiles in $work)"
