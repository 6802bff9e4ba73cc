"""The Python program of the Programs suite: allocation-heavy CPython, deterministic output.

  1. a JSON round trip: generated records (dicts, lists, strings, floats) dumped and parsed back,
     several times, each time checked against the original;
  2. object graphs: many small objects linked into graphs, walked, and dropped (reference
     counting frees most; the cycles wait for the collector);
  3. text: splitting, formatting, joining and counting words in dicts.

Nothing printed depends on addresses, clocks or hash order (sets and dicts are sorted before
printing). The last line counts the work in "units" (the benchmark's ops): one unit is one record,
node or text line made by the loops below.
"""
import json
import random
import sys

units = 0


def make_record(rng, i):
    name = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 12)))
    return {
        "id": i,
        "name": name,
        "email": f"{name}.{i}@example.org",
        "score": round(rng.random() * 1000, 3),
        "tags": [f"t{rng.randint(0, 50)}" for _ in range(rng.randint(0, 6))],
        "history": [{"day": d, "value": rng.randint(-500, 500)} for d in range(rng.randint(1, 8))],
        "active": rng.random() < 0.5,
        "manager": None if i % 7 else i // 7,
    }


def json_round_trips(count, rounds):
    global units
    rng = random.Random(1234)
    records = [make_record(rng, i) for i in range(count)]
    units += count
    digest = 0
    for r in range(rounds):
        text = json.dumps(records, sort_keys=True)
        back = json.loads(text)
        if back != records:
            sys.exit("json: round trip changed the data")
        # Rewrite part of the data through the parsed copy, so each round serializes new objects.
        for rec in back[r::rounds]:
            rec["history"].append({"day": 100 + r, "value": len(rec["name"]) * r})
            rec["tags"] = sorted(set(rec["tags"]) | {f"r{r}"})
            units += 1
        records = back
        digest = (digest * 131 + len(text)) % 1_000_000_007
    total = sum(len(rec["history"]) for rec in records)
    print(f"json: {rounds} round trips of {count} records, digest {digest}, history entries {total}")


class Node:
    def __init__(self, label, weight):
        self.label = label
        self.weight = weight
        self.edges = []
        self.meta = {"seen": 0}


def object_graphs(graphs, size):
    global units
    rng = random.Random(99)
    digest = 0
    for g in range(graphs):
        nodes = [Node(f"n{g}-{i}", rng.randint(1, 100)) for i in range(size)]
        units += size
        for i, node in enumerate(nodes):
            for _ in range(3):
                node.edges.append(nodes[rng.randrange(size)])
            if i:
                node.edges.append(nodes[i - 1])  # a path through all, so every node is reachable
        # Breadth-first walk from the last node, summing weights on first visit.
        seen = {id(nodes[-1])}
        queue = [nodes[-1]]
        reach = 0
        total = 0
        while queue:
            nxt = []
            for node in queue:
                node.meta["seen"] += 1
                reach += 1
                total += node.weight
                for other in node.edges:
                    if id(other) not in seen:
                        seen.add(id(other))
                        nxt.append(other)
            queue = nxt
        pairs = sorted((node.weight, node.label) for node in nodes[:: max(1, size // 50)])
        digest = (digest * 31 + total + reach + len(pairs[0][1])) % 1_000_000_007
        del nodes, queue, seen, pairs  # the graph is cyclic: the collector frees it
    print(f"graphs: {graphs} graphs of {size} nodes, digest {digest}")


def text(lines):
    global units
    rng = random.Random(7)
    words = ["malloc", "free", "span", "arena", "page", "cache", "thread", "heap", "chunk", "slab",
             "bin", "size", "class", "large", "small", "tiny", "huge", "pool", "block", "list"]
    counts = {}
    pairs = {}
    out = []
    for i in range(lines):
        line = " ".join(rng.choice(words) + ("s" if rng.random() < 0.3 else "") for _ in range(rng.randint(5, 25)))
        tokens = line.split()
        for a, b in zip(tokens, tokens[1:]):
            counts[a] = counts.get(a, 0) + 1
            key = (a, b)
            pairs[key] = pairs.get(key, 0) + 1
        out.append(f"{i:06d}|{line.upper()[:40]}|{len(tokens)}")
        if len(out) >= 1000:
            out = ["".join(reversed(s)) for s in out][-10:]
        units += 1
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    toppair = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    print(f"text: {lines} lines, {len(counts)} words, {len(pairs)} pairs, top {top}, top pair {toppair}")


json_round_trips(10000, 5)
object_graphs(25, 4000)
text(40000)
print(f"units: {units}")
