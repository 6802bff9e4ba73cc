#!/usr/bin/env bash
# The Programs suite (docs/programs.md): every built-in program on every installed allocator, and
# on Intel TBB's malloc when its proxy library is installed (setup installs it), the C stress
# programs at 2 threads, 6 repetitions in fresh processes. 27 min on the 2-core VM with six
# allocators (results/programs-2026-12-06).
#
# Usage: scripts/programs-suite.sh [OUT] [bench flags...]
#   OUT defaults to results/programs-<UTC date>; later flags override the defaults, e.g.
#   scripts/programs-suite.sh /tmp/smoke --count 1 --filter '^Programs/(Lua|Larson)$'
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-results/programs-$(date -u +%Y-%m-%d)}
shift $(($# > 0 ? 1 : 0))
swift build -c release >&2
allocators=system,jemalloc,tcmalloc,mimalloc,go
tbb=$(/sbin/ldconfig -p | awk '$1 == "libtbbmalloc_proxy.so.2" { print $NF; exit }')
[ -n "$tbb" ] && allocators+=",tbbmalloc=$tbb" || echo "programs-suite: TBB's malloc proxy is not installed; running without it" >&2
exec .build/release/bench run --filter '^Programs/' --allocators "$allocators" --threads 2 --count 6 --out "$out" "$@"
