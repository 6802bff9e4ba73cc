#!/usr/bin/env bash
# Checks that libgoalloc.so's malloc family needs nothing from the Swift runtime: follows every
# direct call from the exported entry points through the library's own code (objdump's
# disassembly) and lists each call that leaves the library. Allowed: the C library calls the
# allocator is made of (locks, mmap and friends, memcpy/memset, write and abort for fatal
# errors, the clock and sleep of the scavenger thread and its look at /proc/self/stat, the join
# and mprotect of the stack reaper,
# the collector's signals, futex and stack bounds). Anything else, a swift_once, a
# swift_allocObject or a generic-metadata lookup, could allocate or need a runtime that is not
# set up yet, and fails the check.
#
#     scripts/check-malloc-paths.sh [path/to/libgoalloc.so]   (default: the release build)
#
# Passes on SwiftPM's release build and on the Embedded Swift build bench preloads
# (scripts/build-goalloc-embedded.sh), where the runtime functions compiled into the library
# (swift_*) count as calls out. SwiftPM's debug build compiles GoAlloc with -O but file by file,
# and still shows a few runtime calls that do not allocate (swift_once for constants, witness-table
# lookups of non-generic conformances): it runs, but does not pass.
set -euo pipefail
cd "$(dirname "$0")/.."
library=${1:-.build/release/libgoalloc.so}
[[ -f $library ]] || { echo "error: $library not found; build it first: swift build -c release --product goalloc" >&2; exit 2; }

objdump -d --no-show-raw-insn "$library" | python3 -c '
import re, sys
entries = ["malloc", "free", "calloc", "realloc", "reallocarray", "malloc_usable_size", "posix_memalign",
           "memalign", "aligned_alloc", "valloc", "pvalloc", "goalloc_read_memstats",
           "goalloc_gc_alloc", "goalloc_gc_collect", "goalloc_gc_set_percent", "goalloc_gc_register_thread",
           "goalloc_gc_register_root", "goalloc_gc_unregister_root", "goalloc_gc_pause_total_ns"]
allowed = {"pthread_mutex_lock", "pthread_mutex_unlock", "pthread_mutex_init", "pthread_key_create",
           "pthread_setspecific", "pthread_create", "pthread_detach", "__register_atfork", "mmap", "munmap", "madvise",
           "memcpy", "memset", "memmove", "write", "abort", "clock_gettime", "nanosleep", "getpagesize",
           "__errno_location", "__stack_chk_fail",
           # goalloc_read_memstats reaps threads on heap stacks that ended unjoined: a non-blocking
           # join (glibc frees the TLS vector of the thread with free), and the guard pages of a stack
           # span made usable again before its pages go back to the heap.
           "pthread_tryjoin_np", "mprotect",
           # The collector: stop-the-world by signal (the handler spills registers with getcontext
           # and parks on a futex), GOGC read from the environment once, and a thread'"'"'s stack
           # bounds when it registers. pthread_getattr_np allocates, through malloc, which is this
           # library again: GoAlloc calls it with none of its locks held.
           "sigaction", "sigemptyset", "sigaddset", "pthread_sigmask", "__libc_current_sigrtmin", "pthread_kill",
           "pthread_self", "getcontext", "syscall", "getenv", "strcmp",
           # The collector yields its CPU while a thread answers the stop signal (a system call).
           "sched_yield",
           # A mark helper (GOALLOC_MARKHELPERS) woken on the CPU of the collector moves off it for the
           # round: system calls on a cpu_set_t on the stack, and the CPU number from the vDSO.
           "sched_getcpu", "sched_getaffinity", "sched_setaffinity", "__sched_cpucount",
           # GOALLOC_MARKHELPERS read once when the collector starts.
           "atoi",
           # The generational mode (GOALLOC_GENERATIONAL): userfaultfd (syscall) and /proc/self/pagemap
           # (open, close) opened once, their ioctls (write-protect, PAGEMAP_SCAN), getpid to notice a fork.
           "ioctl", "getpid",
           "pthread_getattr_np", "pthread_attr_getstack", "pthread_attr_destroy",
           # The scavenger thread never keeps the process alive: it reads /proc/self/stat (open,
           # read, close into a stack buffer) and, alone with a main thread that called
           # pthread_exit, ends the process as the last thread does in glibc (exit(0)).
           "open", "read", "close", "strrchr", "strchr", "exit",
           # Calls back into this library through its own exported names (resolved to it when preloaded).
           *entries}
calls, function = {}, None
for line in sys.stdin:
    header = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
    if header:
        function = header.group(1)
        calls[function] = set()
    elif function:
        # Direct calls and jumps, and addresses taken with lea (a thread start routine, a
        # pthread key destructor, fork handlers: code that runs later, for the allocator).
        call = re.search(r"\s(?:call|jmp)\s+[0-9a-f]+ <([^>+]+)(?:\+0x[0-9a-f]+)?>", line) \
            or re.search(r"\slea\s.*# [0-9a-f]+ <([^>+]+)>", line)
        if call and call.group(1) != function:
            calls[function].add(call.group(1))
seen, stack, outside = set(), list(entries), {}
while stack:
    name = stack.pop()
    if name in seen:
        continue
    seen.add(name)
    for callee in calls.get(name, ()):
        if callee.endswith("@plt"):
            symbol = callee[:-4]
            if symbol not in allowed:
                outside.setdefault(symbol, name)
        elif callee.startswith("swift_"):
            # The Swift runtime compiled into the library (the Embedded Swift build): as forbidden.
            outside.setdefault(callee, name)
        else:
            stack.append(callee)
missing = [e for e in entries if e not in calls]
if missing:
    sys.exit("error: entry points not found in the library: " + ", ".join(missing))
print(f"{len(seen)} functions reachable from the {len(entries)} entry points")
for symbol, caller in sorted(outside.items()):
    print(f"FAIL: {symbol} called from {caller}")
sys.exit(1 if outside else 0)
'
