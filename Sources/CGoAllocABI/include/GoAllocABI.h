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

// MARK: - Execution trace (bench run --trace)

/// What a trace event records.
enum goalloc_trace_kind {
    /// A collection: the world stopped from `start_ns` (phases in `phase_ns`) to `end_ns`.
    GOALLOC_TRACE_GC = 1,
    /// The scavenger returned `bytes` of free pages to the OS between `start_ns` and `end_ns`.
    GOALLOC_TRACE_SCAVENGE = 2,
    /// The heap mapped `bytes` more from the OS at `start_ns` (`end_ns` is the same instant).
    GOALLOC_TRACE_HEAP_GROW = 3,
    /// The program marked an instant (goalloc_trace_mark): `number` is its label.
    GOALLOC_TRACE_MARK = 4,
};

/// The phases of a collection, in order, as `phase_ns` indexes their starts.
enum goalloc_trace_phase {
    GOALLOC_PHASE_STOP, GOALLOC_PHASE_FLUSH, GOALLOC_PHASE_STACKS, GOALLOC_PHASE_ROOTS, GOALLOC_PHASE_MARK,
    GOALLOC_PHASE_SWEEP, GOALLOC_PHASE_START, GOALLOC_PHASES
};

/// One event of the execution trace. Times are CLOCK_MONOTONIC nanoseconds.
struct goalloc_trace_event {
    uint32_t kind;              ///< a goalloc_trace_kind
    uint32_t number;            ///< GC: the cycle (NumGC once it ended); MARK: the label
    uint64_t start_ns, end_ns;
    uint64_t phase_ns[GOALLOC_PHASES]; ///< GC: when each phase started (the last ends at `end_ns`)
    uint64_t pause_ns;          ///< GC: the pause as MemStats.PauseNs records it
    uint64_t heap_before;       ///< GC: the live heap the cycle started from (the pacer's count)
    uint64_t heap_after;        ///< GC: bytes marked; SCAVENGE, HEAP_GROW: HeapSys - HeapReleased after;
                                ///< MARK: the live heap (the collector's count under go-gc, else HeapInuse)
    uint64_t goal;              ///< GC: the next cycle's goal (NextGC)
    uint64_t bytes;             ///< SCAVENGE: released; HEAP_GROW: mapped
    uint32_t forced;            ///< GC: runtime.GC (NumForcedGC); SCAVENGE: 1 for FreeOSMemory, 0 for the scavenger (in the background, or after an allocation that took released pages)
    uint32_t reserved;
};

/// goalloc_trace_start: forgets the events so far and records from now on (Go's trace.Start).
typedef void (*goalloc_trace_start_fn)(void);
/// goalloc_trace_stop: stops recording; the events stay until the next start.
typedef void (*goalloc_trace_stop_fn)(void);
/// goalloc_trace_read: copies up to `capacity` events, oldest first, returns how many were
/// recorded, and sets `*dropped` to the events that did not fit in the trace's buffer.
typedef size_t (*goalloc_trace_read_fn)(struct goalloc_trace_event *_Nullable events, size_t capacity,
                                        uint64_t *_Nonnull dropped);
/// goalloc_trace_mark: records an instant labelled `label` while the trace records.
typedef void (*goalloc_trace_mark_fn)(uint32_t label);

#endif
