#!/usr/bin/env python3
"""Sets go-gc's slowest allocations beside its collector's pauses, per cell of a results folder
made with `bench run --latency --trace` (the latency pass of a go or go-gc cell's first repetition
is traced: latency/<cell>-r1-trace.json beside its histograms latency/<cell>-r1.json).

Each collection runs inside the allocation that triggers it (GoAlloc's collector stops the world
and does all its work in that pause), so that allocation takes at least the pause: the slowest
allocations should be the collections, as many of them as there were cycles, each at least as long
as its pause and, within the clock's resolution and a bucket's width (3.1%), no longer than the
whole cycle. Prints, per cell: cycles, their pauses and durations, and the calls at or above the
shortest pause.

Usage: scripts/latency-vs-pauses.py RESULTS_DIR
"""
import json
import os
import sys


def main(folder):
    latency = os.path.join(folder, "latency")
    traces = sorted(name for name in os.listdir(latency) if name.endswith("-trace.json"))
    if not traces:
        sys.exit(f"error: {latency} holds no *-trace.json; run bench run --latency --trace on go or go-gc")
    for trace_name in traces:
        cell = trace_name[: -len("-trace.json")]
        with open(os.path.join(latency, trace_name)) as f:
            events = json.load(f)["traceEvents"]
        cycles = [e for e in events if e.get("cat") == "gc" and e.get("ph") == "X"]
        with open(os.path.join(latency, cell + ".json")) as f:
            alloc = json.load(f)["alloc"]
        if not cycles:
            print(f"{cell}: no collection in the traced run; alloc max {alloc['maxNs']:.0f} ns")
            continue
        pauses = sorted(e["args"]["pause_ns"] for e in cycles)
        durations = sorted(e["dur"] * 1000 for e in cycles)
        # Buckets are [lowNs, highNs]; a call in a bucket that starts at or above the threshold is above it.
        shortest = pauses[0]
        slow = sum(b["count"] for b in alloc["buckets"] if b["lowNs"] >= shortest * 0.97)
        print(f"{cell}: {len(cycles)} collections; pauses {pauses[0]:.0f} .. {pauses[-1]:.0f} ns, "
              f"cycles {durations[0]:.0f} .. {durations[-1]:.0f} ns")
        print(f"  allocations at or above the shortest pause (less a bucket): {slow}; "
              f"alloc max {alloc['maxNs']:.0f} ns = {alloc['maxNs'] / pauses[-1]:.3f} x the longest pause, "
              f"{alloc['maxNs'] / durations[-1]:.3f} x the longest cycle")
        # Where pauses are as short as the machine's own interruptions (every allocator's calls
        # show a tail of 10-30 us at 1 in 10^4 here), compare counts above a few thresholds.
        for threshold in (10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000, 1_280_000):
            if threshold > durations[-1] * 1.1 and threshold > alloc["maxNs"]:
                break
            above = sum(b["count"] for b in alloc["buckets"] if b["lowNs"] >= threshold)
            print(f"  >= {threshold / 1000:g} us: {sum(1 for d in durations if d >= threshold)} cycles, {above} allocations")
        # Above the noise, the slowest calls are the cycles one for one: set them side by side by rank.
        slowest = [b for b in alloc["buckets"] if b["lowNs"] >= durations[0] * 0.97]
        calls = [(b["lowNs"], b["highNs"]) for b in slowest for _ in range(b["count"])]
        if len(calls) == len(durations):
            for q in (0.1, 0.5, 0.9):
                i = int(q * len(calls))
                print(f"  rank {i + 1} of the slowest {len(calls)}: cycle {durations[i]:.0f} ns, pause {pauses[i]:.0f} ns, "
                      f"allocation in [{calls[i][0]:.0f}, {calls[i][1]:.0f}] ns")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
