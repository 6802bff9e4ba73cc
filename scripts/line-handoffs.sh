#!/usr/bin/env bash
# Cache lines malloc hands a thread that another thread wrote last, for one program under each
# allocator (scripts/line-handoffs/handoffs.c says what is counted, and why it predicts the
# traffic between cores that a program filling its blocks pays). A count, not a timing: the same
# on any machine and repeatable within the threads' interleaving, so it ranks allocators' cross-
# thread policies where wall times on a 2-core VM cannot.
#
#   scripts/line-handoffs.sh "PROGRAM ARGS" NAME=LIB...   (LIB empty for glibc's malloc)
#
# Prints one line per allocator: allocations, lines allocated, lines handed over, their share.
# Needs a C compiler (cc).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 \"PROGRAM ARGS\" NAME=LIB... (LIB empty for glibc's malloc)" >&2; exit 2; }
command=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/line-handoffs.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -fno-builtin -shared -fPIC -o "$work/handoffs.so" "$here/line-handoffs/handoffs.c" -ldl
printf "%-12s %12s %14s %14s %8s\n" allocator allocations lines handed-over share
for pair in "$@"; do
    name=${pair%%=*}; lib=${pair#*=}
    # The program's own output is dropped; the tool's line is the last one on stderr that is its.
    # shellcheck disable=SC2086  # the command is split into its words on purpose
    report=$(LD_PRELOAD="$work/handoffs.so${lib:+ $lib}" $command 2>&1 >/dev/null | grep '^line-handoffs:' | tail -1) \
        || { echo "$name: the program failed or printed no count" >&2; exit 1; }
    read -r _ _ allocations _ lines _ over share <<<"$report"
    printf "%-12s %12s %14s %14s %8s\n" "$name" "$allocations" "$lines" "$over" "${share//[()]/}"
done
