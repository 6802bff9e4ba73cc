#!/usr/bin/env python3
"""Checks that docs/architecture.md draws the module graph that Package.swift declares.

Reads the `A --> B` edges of the mermaid block in docs/architecture.md and the target
dependencies of `swift package dump-package` (test targets left out), and prints every edge
that is in one and not the other. Exit 0 when they agree, 1 when not. `make test` runs it.
"""
import json
import pathlib
import re
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
doc = (root / "docs" / "architecture.md").read_text()
block = re.search(r"```mermaid\n(.*?)```", doc, re.S)
if not block:
    sys.exit("docs/architecture.md has no mermaid block with the module graph")
drawn = set(re.findall(r"^\s*([\w-]+)\s*-->\s*([\w-]+)\s*$", block.group(1), re.M))

package = json.loads(subprocess.run(["swift", "package", "dump-package"], cwd=root, check=True,
                                    capture_output=True, text=True).stdout)
declared = set()
for target in package["targets"]:
    if target["type"] == "test":
        continue
    for dependency in target["dependencies"]:
        (kind, value), = dependency.items()
        declared.add((target["name"], value[0]))

for edge in sorted(declared - drawn):
    print(f"docs/architecture.md lacks {edge[0]} --> {edge[1]}, which Package.swift declares")
for edge in sorted(drawn - declared):
    print(f"docs/architecture.md draws {edge[0]} --> {edge[1]}, which Package.swift does not declare")
if declared != drawn:
    sys.exit(1)
print(f"docs/architecture.md and Package.swift agree ({len(declared)} dependencies)")
