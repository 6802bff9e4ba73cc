#!/usr/bin/env bash
# What does the harness add? Runs BigStruct CopyIt/PointerIt and Harness/* under `bench`, and the
# same CopyIt/PointerIt code in a plain timing loop (Benchmarks/HandLoop), alternating rep by rep
# in fresh processes so that both see the same machine noise. Prints medians and ratios.
#
# Usage: scripts/harness-check.sh [REPS] [ALLOCATORS]   (defaults: 10 system,jemalloc)
# Needs a release build (make build).
set -euo pipefail
reps=${1:-10}
allocators=${2:-system,jemalloc}
build=.build/release
out=$(mktemp -d /tmp/harness-check.XXXXXX)
declare -A iterations=([CopyIt]=70000000 [PointerIt]=30000000)
declare -A sonames=([jemalloc]=libjemalloc.so.2 [tcmalloc]=libtcmalloc_minimal.so.4 [mimalloc]=libmimalloc.so.2)

preload_of() { # the library bench would preload for an allocator
    [ "$1" = system ] && return
    /sbin/ldconfig -p | awk -v so="${sonames[$1]}" '$1 == so { print $NF; exit }'
}

for rep in $(seq "$reps"); do
    "$build/bench" --filter '^BigStruct/(CopyIt|PointerIt)$|^Harness/' --allocators "$allocators" \
        --count 1 --benchtime 1s --out "$out/bench-$rep" >/dev/null 2>&1
    for allocator in ${allocators//,/ }; do
        for workload in CopyIt PointerIt; do
            ns=$(LD_PRELOAD=$(preload_of "$allocator") "$build/handloop" "$workload" "${iterations[$workload]}")
            echo "$workload,$allocator,$ns" >>"$out/handloop.csv"
        done
    done
    echo "rep $rep/$reps done" >&2
done

# workload,allocator,ns for bench rows (columns 4, 5 and 10 of runs.csv).
for file in "$out"/bench-*/runs.csv; do tail -n +2 "$file" | awk -F, '{ print $3 "/" $4 "," $5 "," $10 }'; done >"$out/bench.csv"
sed 's|^|BigStruct/|' "$out/handloop.csv" >"$out/handloop-named.csv"

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mad_pct() { # median absolute deviation as % of the median
    local values m
    values=$(cat)
    m=$(echo "$values" | median)
    echo "$values" | awk -v m="$m" '{ d = $1 - m; print (d < 0 ? -d : d) }' | median | awk -v m="$m" '{ printf "%.1f", m ? 100 * $1 / m : 0 }'
}

printf "%-22s %-9s %12s %7s %12s %7s %8s\n" workload allocator "bench ns/op" "MAD" "loop ns/op" "MAD" "ratio"
for key in $(cut -d, -f1,2 "$out/bench.csv" | sort -u); do
    b=$(grep "^$key," "$out/bench.csv" | cut -d, -f3)
    h=$(grep "^$key," "$out/handloop-named.csv" | cut -d, -f3 || true)
    bm=$(echo "$b" | median)
    if [ -n "$h" ]; then
        hm=$(echo "$h" | median)
        printf "%-22s %-9s %12.4f %6s%% %12.4f %6s%% %8.3f\n" "${key%,*}" "${key#*,}" "$bm" "$(echo "$b" | mad_pct)" \
            "$hm" "$(echo "$h" | mad_pct)" "$(awk -v b="$bm" -v h="$hm" 'BEGIN { print b / h }')"
    else
        printf "%-22s %-9s %12.4g %6s%%\n" "${key%,*}" "${key#*,}" "$bm" "$(echo "$b" | mad_pct)"
    fi
done
echo "(raw data in $out)"
