#!/usr/bin/env python3
"""D1 read misses of each instruction of the functions whose names contain NAME, from a callgrind
profile made with --cache-sim=yes --dump-instr=yes (positions "instr line"; the library stripped of
debug information, so that no source lines are needed). Prints, per function, its instructions
and D1 read misses, then the instructions with the most misses (addresses as objdump -d shows them).

    valgrind --tool=callgrind --cache-sim=yes --dump-instr=yes --trace-children=yes \\
        --callgrind-out-file=cl.%p env LD_PRELOAD=LIB PROGRAM ARGS
    misses-by-instruction.py cl.PID goalloc_swift_free goalloc_swift_malloc
"""
import collections
import re
import sys


def number(text):
    return int(text, 16) if text.startswith("0x") else int(text)


def relative(current, text):
    if text[0] == "+":
        return current + number(text[1:])
    if text[0] == "-":
        return current - number(text[1:])
    return current if text == "*" else number(text)


def main(path, wanted):
    names, function, address, line, after_call = {}, None, 0, 0, False
    events = None
    misses = collections.defaultdict(collections.Counter)
    executed = collections.defaultdict(collections.Counter)
    for text in open(path):
        text = text.rstrip("\n")
        if text.startswith("events:"):
            events = text.split()[1:]
        elif text.startswith(("fn=", "cfn=")):
            match = re.match(r"c?fn=\((\d+)\)(?: (.*))?", text)
            if match.group(2):
                names[match.group(1)] = match.group(2)
            if text.startswith("fn="):
                function = names.get(match.group(1), match.group(1))
        elif text.startswith("calls="):
            after_call = True  # the next cost line is the call's inclusive cost, not this function's
        elif text and text[0] in "+-*0123456789":
            fields = text.split()
            address, line = relative(address, fields[0]), relative(line, fields[1])
            if after_call:
                after_call = False
                continue
            if function and any(name in function for name in wanted):
                costs = dict(zip(events, (number(f) for f in fields[2:])))
                misses[function][address] += costs.get("D1mr", 0)
                executed[function][address] += costs.get("Ir", 0)
    for function, counts in misses.items():
        print(f"{function}: {sum(executed[function].values()):,} instructions, {sum(counts.values()):,} D1 read misses")
        for address, count in counts.most_common(4):
            print(f"  {address:x}: {count:,} D1 read misses, executed {executed[function][address]:,} times")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: misses-by-instruction.py CALLGRIND_FILE NAME...")
    main(sys.argv[1], sys.argv[2:])
