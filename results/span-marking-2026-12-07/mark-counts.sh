#!/bin/bash
# #28 item 2: the mark of BinaryTrees on go-gc with two builds of libgoalloc.so (the embedded one,
# scripts/build-goalloc-embedded.sh release): instructions and simulated cache misses of the mark
# per cycle (callgrind, the instruction pass, same b.N for both), then GCTRACE pause and mark
# medians of the timed pass, the two libraries alternated twice.
# The "before" library of 2026-12-07 was built from abec968 (git stash -u; the script above; copy).
# Usage: mark-counts.sh BEFORE.so AFTER.so OUT
set -eu
before=$(realpath "$1"); after=$(realpath "$2"); out=$(realpath -m "$3")
cd "$(dirname "$0")/../.."
lib=$(swift build -c release --show-bin-path)/embedded/libgoalloc.so
use() { cp "$1" "$lib"; touch "$lib"; } # the embedded library is taken when newer than SwiftPM's
mkdir -p "$out"
cleanup() { scripts/build-goalloc-embedded.sh release >/dev/null; }
trap cleanup EXIT
# Per cycle: self cost of the mark's functions over the calls to markRootsLocked.
per_cycle() {
python3 - "$@" <<'PY'
import re, sys, collections
for path in sys.argv[1:]:
    lines = open(path).read().split('\n')
    events, names, current, after_calls = None, {}, '', False
    cost, cycles = collections.Counter(), 0
    for i, line in enumerate(lines):
        if line.startswith('events:'): events = line.split()[1:]
        m = re.match(r'(c?fn)=\((\d+)\)(?: (.*))?$', line)
        if m:
            if m.group(3): names[m.group(2)] = m.group(3)
            name = names.get(m.group(2), '')
            if m.group(1) == 'fn': current = name
            elif 'markRootsLocked' in name: cycles += int(re.match(r'calls=(\d+)', lines[i + 1]).group(1))
            continue
        if line.startswith('calls='): after_calls = True; continue
        if not re.match(r'^(0x[0-9a-f]+|[+-]\d+|\*)\s', line): continue
        if after_calls: after_calls = False; continue  # a call's inclusive cost
        if any(k in current for k in ('drainAlone', 'scanSpan', 'scanNextGrey', 'markRootsLocked')):
            cost.update(dict(zip(events, map(int, line.split()[2:]))))
    c = max(cycles, 1)
    print(f"{path.split('/')[-3]}: {cycles} cycles; mark per cycle: {cost['Ir'] // c} instructions, "
          f"{(cost['D1mr'] + cost['D1mw']) // c} D1 misses, {(cost['DLmr'] + cost['DLmw']) // c} LL misses")
PY
}
for t in "1 300" "2 200"; do
    set -- $t
    for which in before after; do
        use "$(eval echo \$$which)"
        VALGRIND_OPTS=--dump-instr=yes .build/release/bench run --filter '^AllocatorStress/BinaryTrees$' \
            --allocators go-gc --threads $1 --instructions --count 1 --batches 0 --benchtime ${2}x \
            --out "$out/instructions-$which-t$1" > "$out/instructions-$which-t$1.log" 2>&1
        per_cycle "$out/instructions-$which-t$1"/profiles/*.callgrind
    done
done
for round in 1 2; do
    for which in before after; do
        use "$(eval echo \$$which)"
        GOALLOC_GCTRACE=1 .build/release/bench run --filter '^AllocatorStress/BinaryTrees$' --allocators go-gc \
            --threads 1,2 --count 1 --benchtime 1s --batches 0 --out "$out/pause-$which-$round" > "$out/pause-$which-$round.log" 2>&1
        python3 - "$out/pause-$which-$round" <<'PY'
import re, sys, glob, statistics, csv
d = sys.argv[1]
ns = {r['threads']: float(r['ns_per_op']) for r in csv.DictReader(open(d + '/runs.csv'))}
for f in sorted(glob.glob(d + '/logs/*-timed.log')):
    pause, mark = [], []
    for line in open(f):
        m = re.search(r'pause (\d+) us = .*stacks (\d+) .*roots (\d+) .*mark (\d+) \((\d+) objects', line)
        if m:
            pause.append(int(m.group(1))); mark.append(int(m.group(2)) + int(m.group(3)) + int(m.group(4)))
    t = re.search(r'-t(\d+)-', f).group(1)
    print(f"{d.split('/')[-1]} t{t}: {len(pause)} cycles, median pause {statistics.median(pause):.0f} us, "
          f"median mark (stacks + roots + mark) {statistics.median(mark):.0f} us, {ns[t]:.0f} ns/op")
PY
    done
done
