#!/usr/bin/env bash
# The Redis program of the Programs suite: starts a private redis-server on a unix socket in a
# scratch folder (no TCP port, no persistence), drives it with redis-benchmark, checks a few
# values round trip, and shuts it down.
#
#   redis.sh SCRATCH [REQUESTS [PIPELINE]]
#
# SCRATCH: an empty folder this run may use (the socket, the server's log).
# REQUESTS: requests per benchmarked command (default 250000); six commands are benchmarked
#           (SET GET INCR LPUSH LPOP HSET), so a run makes 6 x REQUESTS requests.
# PIPELINE: requests each client pipelines (redis-benchmark -P, default 16).
#
# Only redis-server runs with the caller's LD_PRELOAD (the allocator under test; see below for
# none); the clients (redis-benchmark, redis-cli) and this script's helpers run with the C
# library's malloc, so the allocator's cost is the server's. Stdout: redis-benchmark's lines, then
# "check: ..." lines that are the same on every run. Exit status 0 only when everything worked.
# The server never outlives this script: it is shut down at the end, killed by the trap on failure
# or on a signal, and it gets SIGKILL if this script itself is killed (setpriv --pdeathsig).
set -uo pipefail

fail() { echo "redis.sh: $*" >&2; exit 1; }

[ $# -ge 1 ] || fail "usage: redis.sh SCRATCH [REQUESTS [PIPELINE]]"
scratch=$1
requests=${2:-250000}
pipeline=${3:-16}
[ -d "$scratch" ] || fail "scratch folder $scratch does not exist"
for tool in redis-server redis-benchmark redis-cli; do
    command -v "$tool" >/dev/null || { echo "redis.sh: $tool not found (apt-get install redis-server redis-tools)" >&2; exit 127; }
done

server_preload=${LD_PRELOAD-}
unset LD_PRELOAD
# Debian's redis-server is linked with libjemalloc.so.2, which comes before libc.so.6 in its
# search order: run as it is, the server gets jemalloc's malloc, not the C library's. So the C
# library is preloaded too, after the caller's preload: a preloaded allocator still wins, and with
# none the server runs on the C library's malloc like every other program of the suite. (Redis's
# jemalloc-only calls, mallctl for INFO's allocator_* fields and nallocx as a realloc hint in
# sdsResize, still reach the linked jemalloc, whose heap then stays nearly empty.)
libc=$(ldd "$(command -v redis-server)" 2>/dev/null | awk '$1 == "libc.so.6" { print $3 }')
server_preload=${server_preload:+$server_preload:}$libc
socket=$scratch/redis.sock
log=$scratch/redis.log
server_pid=

stop_server() {
    [ -n "$server_pid" ] || return 0
    if kill -0 "$server_pid" 2>/dev/null; then
        redis-cli -s "$socket" shutdown nosave >/dev/null 2>&1
        for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$server_pid" 2>/dev/null
    fi
    wait "$server_pid" 2>/dev/null
    server_pid=
}
trap 'stop_server' EXIT
trap 'stop_server; exit 130' INT
trap 'stop_server; exit 143' TERM
trap 'stop_server; exit 129' HUP

deathsig=()
setpriv --help 2>/dev/null | grep -q -- --pdeathsig && deathsig=(setpriv --pdeathsig KILL --)

LD_PRELOAD=$server_preload "${deathsig[@]}" redis-server \
    --port 0 --unixsocket "$socket" --unixsocketperm 700 \
    --save '' --appendonly no --daemonize no --dir "$scratch" --logfile "$log" \
    --databases 1 </dev/null >/dev/null 2>&1 &
server_pid=$!

up=
for _ in $(seq 100); do
    kill -0 "$server_pid" 2>/dev/null || break
    [ "$(redis-cli -s "$socket" ping 2>/dev/null)" = PONG ] && { up=1; break; }
    sleep 0.05
done
if [ -z "$up" ]; then
    tail -n 20 "$log" >&2 2>/dev/null
    fail "redis-server did not answer on $socket"
fi

redis-benchmark -s "$socket" -n "$requests" -P "$pipeline" -q \
    -t set,get,incr,lpush,lpop,hset -r 100000 -d 100 </dev/null \
    | tr '\r' '\n' | grep 'requests per second' \
    || fail "redis-benchmark failed"

cli() { redis-cli -s "$socket" "$@"; }
# A fixed round trip through each kind of value the benchmark used.
value=$(printf 'v%05d-' $(seq 1 200))
[ "$(cli set check:string "$value")" = OK ] || fail "SET failed"
[ "$(cli get check:string)" = "$value" ] || fail "GET returned something else"
echo "check: string ok (${#value} bytes)"

cli del check:list >/dev/null
cli rpush check:list $(seq 1 500) >/dev/null || fail "RPUSH failed"
[ "$(cli lrange check:list 0 -1 | awk '{ s += $1 } END { print s }')" = 125250 ] || fail "LRANGE sum wrong"
[ "$(cli lpop check:list)" = 1 ] || fail "LPOP wrong"
echo "check: list ok ($(cli llen check:list) left)"

cli del check:hash >/dev/null
for i in $(seq 1 100); do printf 'HSET check:hash f%d %d\n' "$i" $((i * i)); done | cli >/dev/null || fail "HSET failed"
[ "$(cli hget check:hash f77)" = 5929 ] || fail "HGET wrong"
echo "check: hash ok ($(cli hlen check:hash) fields)"

cli del check:counter >/dev/null
for _ in $(seq 1 100); do echo "INCR check:counter"; done | cli >/dev/null || fail "INCR failed"
echo "check: counter $(cli get check:counter)"

cli shutdown nosave >/dev/null 2>&1 # the server closes the connection: no reply
wait "$server_pid"
status=$?
server_pid=
[ "$status" -eq 0 ] || fail "redis-server exited with status $status"
grep -q 'ready to exit' "$log" || fail "redis-server did not shut down cleanly (see its log)"
echo "check: server shut down"
