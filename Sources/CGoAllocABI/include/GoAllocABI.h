// GoAlloc's C ABI: what libgoalloc.so exports beyond the malloc family, as the programs that
// preload it see it. Header only (no code, no state), so that the plugin API (BenchKit), the
// conformance fixture and libgoalloc.so itself share one definition without any of GoAlloc's
// code or globals reaching a plugin. The functions are found with dlsym, since they exist only
// in a process that preloads libgoalloc.so; each typedef below is the type of one export, named
// after it with `_fn`.
#ifndef GOALLOC_ABI_H
#define GOALLOC_ABI_H

#include <stddef.h>
#include <stdint.h>

// MARK: - MemStats

enum { GOALLOC_BYSIZE = 61, GOALLOC_PAUSES = 256 };

/// Go 1.19's runtime.MemStats, field for field, in C layout.
struct goalloc_memstats {
    uint64_t alloc, total_alloc, sys, lookups, mallocs, frees;
    uint64_t heap_alloc, heap_sys, heap_idle, heap_inuse, heap_released, heap_objects;
    uint64_t stack_inuse, stack_sys, mspan_inuse, mspan_sys, mcache_inuse, mcache_sys;
    uint64_t buck_hash_sys, gc_sys, other_sys;
    uint64_t next_gc, last_gc, pause_total_ns;
    uint64_t pause_ns[GOALLOC_PAUSES];
    uint64_t pause_end[GOALLOC_PAUSES];
    uint32_t num_gc, num_forced_gc;
    double gc_cpu_fraction;
    uint8_t enable_gc, debug_gc;
    uint32_t by_size_size[GOALLOC_BYSIZE];
    uint64_t by_size_mallocs[GOALLOC_BYSIZE];
    uint64_t by_size_frees[GOALLOC_BYSIZE];
};

/// goalloc_read_memstats: fills `stats` like Go's runtime.ReadMemStats.
typedef void (*goalloc_read_memstats_fn)(struct goalloc_memstats *_Nonnull stats);

// MARK: - The collected heap (allocator go-gc)

/// goalloc_gc_alloc: a zeroed object of the collected heap; `noscan` (non-zero) when it holds no pointers.
typedef void *_Nullable (*goalloc_gc_alloc_fn)(size_t size, size_t alignment, int32_t noscan);
/// goalloc_gc_pause_total_ns: MemStats.PauseTotalNs alone, cheap enough to read as a timer starts and stops.
typedef uint64_t (*goalloc_gc_pause_total_ns_fn)(void);
/// goalloc_gc_register_thread: the calling thread's stack and registers become roots.
typedef void (*goalloc_gc_register_thread_fn)(void);
/// goalloc_gc_register_root: `size` bytes at `base` (malloc'd memory) are scanned as roots.
typedef void (*goalloc_gc_register_root_fn)(const void *_Nonnull base, size_t size);
/// goalloc_gc_unregister_root: undoes goalloc_gc_register_root(base, ...).
typedef void (*goalloc_gc_unregister_root_fn)(const void *_Nonnull base);

// MARK: - Threads on heap stacks

/// A thread's entry point, as pthread_create takes it.
typedef void *_Nullable (*goalloc_thread_start_fn)(void *_Nullable argument);
/// goalloc_thread_create: starts `start(argument)` on a stack of `stack_bytes` from GoAlloc's heap;
/// `*handle` is for goalloc_thread_join or goalloc_thread_detach. Returns 0 or an errno value.
typedef int32_t (*goalloc_thread_create_fn)(void *_Nullable *_Nonnull handle, size_t stack_bytes,
                                            goalloc_thread_start_fn _Nonnull start, void *_Nullable argument);
/// goalloc_thread_join and goalloc_thread_detach.
typedef void (*goalloc_thread_finish_fn)(void *_Nonnull handle);
/// goalloc_current_stack: 1 and the calling thread's heap stack (lowest address, size) when it runs on one, else 0.
typedef int32_t (*goalloc_current_stack_fn)(void *_Nullable *_Nonnull low, size_t *_Nonnull bytes);

#endif
