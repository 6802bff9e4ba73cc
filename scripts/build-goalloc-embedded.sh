#!/usr/bin/env bash
# Builds libgoalloc.so without the Swift runtime: GoAlloc and GoAllocMalloc compiled as Embedded
# Swift, linked with the C parts into a library that needs nothing but libc.
#
# Why: SwiftPM's libgoalloc.so links libswiftCore, which pulls in libstdc++ and libm; every program
# that preloads it maps and relocates them. An idle C program's resident set is 5.3 MiB with it
# (2.1 MiB of it libswiftCore's pages, 0.9 MiB libstdc++'s) against 1.7 MiB with mimalloc; built
# here, 1.5 MiB (docs/goalloc.md, "Footprint").
#
# Usage: scripts/build-goalloc-embedded.sh [release|debug]   (default release)
# Writes .build/<configuration>/embedded/libgoalloc.so, beside SwiftPM's own libgoalloc.so;
# bench's allocator catalog (AllocatorCatalog.builtAvailability) takes this one when it is at
# least as new as SwiftPM's. A toolchain without Embedded Swift gets a warning and SwiftPM's build
# stays in use. `make build` and `make test` run this after `swift build`.
set -euo pipefail
configuration=${1:-release}
case "$configuration" in release) defines=() ;; debug) defines=(-D DEBUG) ;;
    *) echo "usage: $0 [release|debug]" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."
root=$(pwd)
products=$(swift build -c "$configuration" --show-bin-path)
out="$products/embedded"
work="$out/obj"
rm -rf "$work"
mkdir -p "$work/modules"

# The sources import Glibc, which Embedded Swift does not have: this build gives them a module of
# that name over the C headers they use, and module maps for the package's C targets.
cat >"$work/glibc.h" <<'EOF'
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
EOF
cat >"$work/module.modulemap" <<EOF
module Glibc { header "$work/glibc.h"
    export * }
module CGoAlloc { header "$root/Sources/CGoAlloc/include/CGoAlloc.h"
    export * }
module CGoAllocABI { header "$root/Sources/CGoAllocABI/include/GoAllocABI.h"
    export * }
EOF

# Package.swift's alwaysOptimized settings, plus Embedded Swift and whole-module compilation (which
# Embedded requires).
swiftc=(swiftc -enable-experimental-feature Embedded -wmo -parse-as-library -O -Xfrontend -function-sections "${defines[@]}"
        -Xcc -fmodule-map-file="$work/module.modulemap" -Xcc -fPIC -Xcc -I -Xcc Sources/CGoAllocABI/include
        -Xcc -Xclang -Xcc -mframe-pointer=none -I "$work/modules")
mkdir -p "$work/probe"
echo 'public func probe() {}' >"$work/probe/probe.swift"
if ! swiftc -enable-experimental-feature Embedded -wmo -parse-as-library -emit-object -o "$work/probe/probe.o" \
        "$work/probe/probe.swift" 2>/dev/null; then
    echo "warning: this toolchain cannot build Embedded Swift; bench uses SwiftPM's libgoalloc.so (with the Swift runtime)" >&2
    exit 0
fi
"${swiftc[@]}" -module-name GoAlloc -emit-module -emit-module-path "$work/modules/GoAlloc.swiftmodule" \
    -emit-object -o "$work/GoAlloc.o" $(find Sources/GoAlloc -name '*.swift' | sort)
"${swiftc[@]}" -module-name GoAllocMalloc -emit-object -o "$work/GoAllocMalloc.o" Sources/GoAllocMalloc/*.swift

cflags=(-O2 -fPIC -I Sources/CGoAlloc/include -I Sources/CGoAllocABI/include -I Sources/CGoAllocMalloc/include "${defines[@]}")
for source in Sources/CGoAlloc/*.c; do clang "${cflags[@]}" -c "$source" -o "$work/$(basename "$source" .c).o"; done
# As Package.swift's CGoAllocMalloc: without frame pointers, so that each exported name is one jump.
for source in Sources/CGoAllocMalloc/*.c; do
    clang "${cflags[@]}" -Xclang -mframe-pointer=none -c "$source" -o "$work/$(basename "$source" .c).o"
done
# Exported: exactly the C names SwiftPM's libgoalloc.so exports (the malloc family and the goalloc_
# functions of exports.c and GoAllocMalloc), nothing else. The Embedded standard library's own
# functions are compiled into this library; exported, they would take the place of the Swift
# runtime's in a Swift program that preloads it (Foundation crashed at start-up).
swiftpm="$products/libgoalloc.so"
[ -f "$swiftpm" ] || { echo "error: $swiftpm is missing: run swift build -c $configuration first" >&2; exit 1; }
{
    echo "{ global:"
    nm -D --defined-only "$swiftpm" | awk '$2 ~ /^[TtWwDdBbVv]$/ && $3 !~ /^\$s/ && $3 !~ /^_/ { print "  " $3 ";" }'
    echo "  local: *; };"
} >"$work/exports.map"
clang -shared -Wl,-soname,libgoalloc.so -Wl,--version-script="$work/exports.map" -Wl,--gc-sections \
    -o "$out/libgoalloc.so.new" "$work"/*.o -lpthread

# Nothing of the Swift runtime may be left to resolve (the point of this build), and nothing
# but the C interface may be exported.
if nm -D --undefined-only "$out/libgoalloc.so.new" | grep -q ' swift_'; then
    echo "error: the embedded libgoalloc.so still needs Swift runtime symbols:" >&2
    nm -D --undefined-only "$out/libgoalloc.so.new" | grep ' swift_' >&2
    exit 1
fi
exported() { nm -D --defined-only "$1" | awk '$3 !~ /^_/ { print $3 }' | grep -v '^\$s' | sort; }
if ! diff <(exported "$swiftpm") <(exported "$out/libgoalloc.so.new") >"$work/exports.diff"; then
    echo "error: the embedded libgoalloc.so exports other names than SwiftPM's:" >&2
    cat "$work/exports.diff" >&2
    exit 1
fi
mv "$out/libgoalloc.so.new" "$out/libgoalloc.so"
echo "built $out/libgoalloc.so (Embedded Swift, no Swift runtime)"
