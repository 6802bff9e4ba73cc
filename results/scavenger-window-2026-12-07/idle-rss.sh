#!/bin/bash
# The resident set after a program frees 64 MiB and idles (idle-rss.c), one column per allocator:
#   idle-rss.sh NAME=LIB...   (NAME= with no library: the system's malloc)
set -e
here=$(cd "$(dirname "$0")" && pwd)
bin=$(mktemp -d)/idle-rss
cc -O2 -o "$bin" "$here/idle-rss.c"
out=$(mktemp -d)
names=()
for pair in "$@"; do n=${pair%%=*}; p=${pair#*=}; names+=("$n")
  env ${p:+LD_PRELOAD=$p} "$bin" > "$out/$n"
done
printf "%-8s" seconds; printf " %10s" "${names[@]}"; echo "   (KiB resident)"
paste "${names[@]/#/$out/}" | awk '{ printf "%-8s", $1; for (i = 2; i <= NF; i += 2) printf " %10s", $i; print "" }'
rm -rf "$out" "$(dirname "$bin")"
