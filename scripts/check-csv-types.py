#!/usr/bin/env python3
"""Loads the CSV files of run folders the way a data tool would, and fails when a column changes type.

For each of runs.csv, summary.csv and memstats.csv present in the folders given, every column's
type is inferred from its non-empty values as pandas infers it (int when every value is an integer,
float when every value parses as a number, bool for true/false, else str), folder by folder. A
column whose type differs between two folders, or that holds a value its file's other rows would
not parse as (an int column with "1.5"), is reported. An empty value means "not reported" and
fits any type.

Usage: scripts/check-csv-types.py RUN_FOLDER [RUN_FOLDER ...]    (exit 0: types stable; 1: not)
"""
import csv
import os
import re
import sys

INTEGER = re.compile(r"^-?[0-9]+$")


def kind(value):
    if INTEGER.match(value):
        return "int"
    if value in ("true", "false"):
        return "bool"
    try:
        float(value)
        return "float"
    except ValueError:
        return "str"


def column_types(path):
    """The type pandas would give each column of the file at `path`."""
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    types = {}
    for column in rows[0].keys() if rows else []:
        kinds = {kind(row[column]) for row in rows if row[column] != ""}
        if not kinds:
            types[column] = None  # all empty: fits any type
        elif kinds <= {"int"}:
            types[column] = "int"
        elif kinds <= {"int", "float"}:
            types[column] = "float"
        elif kinds == {"bool"}:
            types[column] = "bool"
        else:
            types[column] = "str"
    return types


def main(folders):
    problems = []
    for name in ("runs.csv", "summary.csv", "memstats.csv"):
        seen = {}
        for folder in folders:
            path = os.path.join(folder, name)
            if not os.path.exists(path):
                continue
            for column, found in column_types(path).items():
                if found is None:
                    continue
                if column in seen and seen[column][0] != found:
                    problems.append(f"{name}: column {column} is {seen[column][0]} in {seen[column][1]} "
                                    f"and {found} in {folder}")
                seen.setdefault(column, (found, folder))
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"column types stable across {len(folders)} folders")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
