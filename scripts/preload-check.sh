#!/usr/bin/env bash
# Runs programs that nobody here wrote with libgoalloc.so as their malloc and compares their
# output with a run on glibc: python3 running some of its own test modules, git on a scratch
# repository, sqlite3 on a scratch database, gcc compiling and running a C program. A program
# that is not installed is skipped, and said so.
#
#     scripts/preload-check.sh [--quick] [path/to/libgoalloc.so]   (default: the release build)
#
# --quick runs one Python test module instead of six (the end-to-end tests use it).
set -euo pipefail
cd "$(dirname "$0")/.."
python_modules="test_list test_dict test_set test_bytes test_unicode test_json"
if [[ ${1:-} == --quick ]]; then python_modules="test_json"; shift; fi
library=$(realpath "${1:-.build/release/libgoalloc.so}")
[[ -f $library ]] || { echo "error: $library not found; build it: swift build -c release --product goalloc" >&2; exit 2; }

work=$(mktemp -d /tmp/preload-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0

# compare NAME COMMAND...: runs COMMAND in a fresh folder on glibc and on GoAlloc; the two
# outputs (stdout and stderr, with a filter for lines that carry times) must be identical.
compare() {
    local name=$1; shift
    for allocator in glibc goalloc; do
        rm -rf "$work/$allocator" && mkdir -p "$work/$allocator"
        local preload=; [[ $allocator == goalloc ]] && preload=$library
        (cd "$work/$allocator" && LD_PRELOAD=$preload "$@") >"$work/$name.$allocator.out" 2>&1 || echo "exit status $?" >>"$work/$name.$allocator.out"
        # Durations and temporary paths differ from run to run on any allocator.
        sed -i -E 's/[0-9.]+ ?(sec|ms|s)\b/<time>/g; s/[0-9]+ min [0-9]+ sec/<time>/g; s#/tmp/[^ ]+#<tmp>#g' "$work/$name.$allocator.out"
    done
    if grep -q "cannot be preloaded" "$work/$name.goalloc.out"; then
        echo "FAIL $name: libgoalloc.so was not loaded"; failures=$((failures + 1))
    elif cmp -s "$work/$name.glibc.out" "$work/$name.goalloc.out"; then
        echo "ok   $name ($(wc -l <"$work/$name.goalloc.out") lines of output, identical)"
    else
        echo "FAIL $name: output differs on GoAlloc"; diff "$work/$name.glibc.out" "$work/$name.goalloc.out" | head -20
        failures=$((failures + 1))
    fi
}

installed() { command -v "$1" >/dev/null || { echo "skip $1: not installed"; return 1; }; }

if installed python3; then
    # -j0 would fork workers whose order varies; one process, summary lines only.
    compare "python3 -m test $python_modules" sh -c "python3 -m test $python_modules 2>&1 | grep -E '^(Total tests|Result|Total test files):'"
fi

if installed git; then
    compare git sh -c '
        export GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@example.com GIT_COMMITTER_NAME=a GIT_COMMITTER_EMAIL=a@example.com
        export GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z" GIT_CONFIG_NOSYSTEM=1 HOME=$PWD
        git init -q -b main repo && cd repo
        for i in $(seq 1 200); do seq 1 $((i * 37)) >"file$i.txt"; done
        git add . && git commit -q -m first
        for i in $(seq 1 200 7); do seq 5 $((i * 11)) >"file$i.txt"; done
        git commit -q -am second && git branch topic && git mv file1.txt moved.txt && git commit -q -m third
        git log --stat --format="%H %s" | head -40; git diff --stat HEAD~2; git gc -q; git fsck --strict 2>&1; git count-objects -v | grep -v size'
fi

if installed sqlite3; then
    compare sqlite3 sqlite3 scratch.db "
        CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, value REAL);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
        INSERT INTO t SELECT i, printf('name-%08d', (i * 7919) % 200000), i * 0.5 FROM n;
        CREATE INDEX t_name ON t(name);
        SELECT count(*), sum(value), min(name), max(name) FROM t;
        SELECT name FROM t WHERE name LIKE 'name-0001%' ORDER BY name LIMIT 5;
        SELECT length(group_concat(name)) FROM (SELECT name FROM t ORDER BY value DESC LIMIT 50000);
        PRAGMA integrity_check;"
fi

if installed gcc; then
    cat >"$work/program.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void) {
    unsigned long sum = 0;
    for (int i = 1; i <= 100000; i++) {
        char *p = malloc((size_t)(i % 5000) + 1);
        memset(p, i, (size_t)(i % 5000) + 1);
        sum += (unsigned char)p[i % 5000];
        free(p);
    }
    printf("checksum %lu\n", sum);
    return 0;
}
C
    compare gcc sh -c "gcc -O2 -Wall -o program '$work/program.c' && ./program && gcc -O2 -c -o a.o '$work/program.c' && sha256sum a.o | cut -c1-64"
fi

(( failures == 0 )) || { echo "$failures program(s) behaved differently with libgoalloc.so"; exit 1; }
