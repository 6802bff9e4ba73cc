#!/usr/bin/env bash
# Installs what AllocBench needs and this machine lacks (Debian/Ubuntu, apt-get as root):
#   required: jemalloc (libjemalloc-dev); valgrind (the instruction pass, bench run --instructions:
#             callgrind, and the client-request header BenchKit is built with)
#   optional: tcmalloc (libgoogle-perftools-dev), mimalloc (libmimalloc-dev), the Boehm collector
#             (libgc-dev, allocator boehm), TBB's malloc proxy
#             (libtbbmalloc2); the Programs suite's programs (Benchmarks/Programs): sqlite3, python3,
#             lua5.4, ruby, z3, redis-server (with redis-tools: redis-benchmark, redis-cli), whose
#             system service, started by its installation, is stopped and disabled again
# Does nothing when everything is there, so `make bench` and `make test` can always call it.
set -euo pipefail

has_library() { /sbin/ldconfig -p | grep -q "[[:space:]]$1 "; }

required=() optional=()
has_library libjemalloc.so.2 || required+=(libjemalloc-dev)
{ command -v valgrind >/dev/null && [ -f /usr/include/valgrind/callgrind.h ]; } || required+=(valgrind)
has_library libtcmalloc_minimal.so.4 || optional+=(libgoogle-perftools-dev)
has_library libmimalloc.so.2 || optional+=(libmimalloc-dev)
has_library libtbbmalloc_proxy.so.2 || optional+=(libtbbmalloc2)
has_library libgc.so.1 || optional+=(libgc-dev)
for program in sqlite3 python3 lua5.4 ruby z3; do
    command -v "$program" >/dev/null || optional+=("$program")
done
{ command -v redis-server && command -v redis-benchmark && command -v redis-cli; } >/dev/null || optional+=(redis-server)
[ ${#required[@]} -eq 0 ] && [ ${#optional[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo)
else
    echo "setup: missing ${required[*]} ${optional[*]}; install them as root: apt-get install -y ${required[*]} ${optional[*]}" >&2
    [ ${#required[@]} -eq 0 ] && exit 0 || exit 1
fi

echo "setup: installing ${required[*]} ${optional[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
if [ ${#required[@]} -gt 0 ]; then
    "${sudo[@]}" apt-get install -y -qq "${required[@]}" >/dev/null
fi
for package in "${optional[@]}"; do
    "${sudo[@]}" apt-get install -y -qq "$package" >/dev/null || echo "setup: optional $package could not be installed; bench will skip it" >&2
done
# Installing redis-server starts its service (port 6379); the Redis program runs a server of its
# own, so stop and disable the system's, by whatever service manager there is (none is fine).
if [[ " ${optional[*]} " == *" redis-server "* ]]; then
    { "${sudo[@]}" systemctl disable --now redis-server.service \
        || { "${sudo[@]}" service redis-server stop; "${sudo[@]}" update-rc.d redis-server disable; }; } >/dev/null 2>&1 || true
fi
