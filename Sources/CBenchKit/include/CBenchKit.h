// The few things BenchKit needs that Swift cannot express. Keep this file tiny.
#ifndef CBENCHKIT_H
#define CBENCHKIT_H

#include <errno.h>
#include <linux/perf_event.h>
#include <malloc.h> // malloc_usable_size and mallinfo2, which Swift's Glibc module leaves out
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/// Tells the compiler that `pointer` and all memory it might reach are read here, so the
/// computation that produced them cannot be removed or hoisted, while emitting no instruction.
/// Swift imports this static inline function as IR and inlines it: it costs nothing at run time.
static inline __attribute__((always_inline)) void benchkit_black_hole(const void *pointer) {
    __asm__ volatile("" : : "r"(pointer) : "memory");
}

// MARK: - The worker's life

#include <signal.h>
#include <sys/prctl.h>

/// Makes the kernel kill this process when its parent (the runner) dies, even of SIGKILL. A
/// runner that died before this call is seen too: the worker then reads the end of its socket
/// where the request should be, and exits.
static inline void benchkit_die_with_parent(void) { prctl(PR_SET_PDEATHSIG, SIGKILL); }

// MARK: - Hardware counters

/// Opens one counter of the calling process and its future threads (perf_event_open, which libc
/// does not wrap, and which Swift cannot call through the variadic syscall): counting user space
/// only, disabled until benchkit_perf_ioctl(fd, PERF_EVENT_IOC_ENABLE). Returns the descriptor,
/// or -errno.
static inline int benchkit_perf_open(uint32_t type, uint64_t config) {
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = type;
    attr.config = config;
    attr.disabled = 1;
    attr.inherit = 1;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    long fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
    return fd < 0 ? -errno : (int)fd;
}
/// PERF_EVENT_IOC_ENABLE, _DISABLE or _RESET on a counter (ioctl is variadic too).
static inline int benchkit_perf_ioctl(int fd, unsigned long request) { return ioctl(fd, request, 0); }
static inline unsigned long benchkit_perf_enable(void) { return PERF_EVENT_IOC_ENABLE; }
static inline unsigned long benchkit_perf_disable(void) { return PERF_EVENT_IOC_DISABLE; }
static inline unsigned long benchkit_perf_reset(void) { return PERF_EVENT_IOC_RESET; }

// MARK: - Valgrind's client requests, for the instruction-count pass

// Valgrind's own header (Debian's valgrind package) defines the client requests: a few
// instructions that do nothing outside Valgrind and talk to it inside. Without the header the
// requests compile to nothing and the instruction pass refuses to run (see
// benchkit_valgrind_requests_built).
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define BENCHKIT_HAS_VALGRIND 1
#else
#define BENCHKIT_HAS_VALGRIND 0
#endif

/// Whether this build can talk to Valgrind at all.
static inline int benchkit_valgrind_requests_built(void) { return BENCHKIT_HAS_VALGRIND; }
/// Whether the process runs under Valgrind (0 outside it, or in a build without the header).
static inline int benchkit_running_on_valgrind(void) {
#if BENCHKIT_HAS_VALGRIND
    return RUNNING_ON_VALGRIND;
#else
    return 0;
#endif
}
/// Callgrind starts instrumenting every thread (the pass runs with --instr-atstart=no): costs
/// count from here. Collection is per thread in callgrind, instrumentation is global, which is why
/// the measured region is bounded by instrumentation.
static inline void benchkit_callgrind_start(void) {
#if BENCHKIT_HAS_VALGRIND
    CALLGRIND_START_INSTRUMENTATION;
#endif
}
/// Callgrind stops instrumenting: nothing from here on counts.
static inline void benchkit_callgrind_stop(void) {
#if BENCHKIT_HAS_VALGRIND
    CALLGRIND_STOP_INSTRUMENTATION;
#endif
}
/// Callgrind forgets the costs so far (b.resetTimer()).
static inline void benchkit_callgrind_zero(void) {
#if BENCHKIT_HAS_VALGRIND
    CALLGRIND_ZERO_STATS;
#endif
}

/// What the counting interposer (libBenchCount.so) reports: cumulative counts since the process
/// started, summed over all threads. Shared by the interposer and the worker that reads it.
struct benchcount_totals {
    /// Calls that returned a new block: malloc, calloc, realloc and reallocarray (a realloc of a
    /// non-null block also counts one free), posix_memalign, aligned_alloc, memalign, valloc,
    /// pvalloc, jemalloc's mallocx and rallocx, go-gc's goalloc_gc_alloc and Boehm's GC_malloc,
    /// GC_malloc_atomic and GC_memalign.
    uint64_t mallocs;
    /// Calls that released a non-null block: free, the free half of realloc, sdallocx, dallocx.
    uint64_t frees;
    /// Bytes the program asked for, summed over allocations.
    uint64_t bytes_requested;
    /// Bytes the allocator handed out (malloc_usable_size of each new block), summed.
    uint64_t bytes_usable;
};

/// The signature of `benchcount_read`, which the worker finds with dlsym in the counting pass.
typedef void (*benchcount_read_fn)(struct benchcount_totals *out);


// MARK: - Allocation sites (bench run --memprofile)

/// The most frames kept of an allocation's call stack, innermost first; deeper stacks lose
/// their outermost frames (and are marked truncated).
enum { BENCHCOUNT_SITE_FRAMES = 64 };

/// One call stack that allocated, with what it allocated while the interposer recorded.
struct benchcount_site {
    uint64_t allocations;
    uint64_t bytes_requested;
    /// Return addresses, innermost (the malloc-family call's caller) first.
    uintptr_t frames[BENCHCOUNT_SITE_FRAMES];
    uint32_t depth;
    uint32_t truncated;
};

/// The file that holds `address` (its path as the loader knows it: possibly empty or relative for
/// the main executable) and where it is loaded (dladdr). Returns 0 when no loaded file holds it.
int benchkit_module_of(const void *address, const char **path, uintptr_t *base);

/// benchcount_sites_reset: forgets the recorded sites and stops recording (call between runs,
/// from the thread that will run the workload, before it starts: it finds that thread's stack).
typedef void (*benchcount_sites_reset_fn)(void);
/// benchcount_sites_record: starts (1) or pauses (0) recording, as the timer starts and stops.
typedef void (*benchcount_sites_record_fn)(int32_t on);
/// benchcount_sites_read: copies up to `capacity` sites (none when `sites` is null), returns how
/// many there are, and sets `*dropped` to the allocations whose stacks found no room.
typedef size_t (*benchcount_sites_read_fn)(struct benchcount_site *sites, size_t capacity, uint64_t *dropped);

// MARK: - Allocation latency (bench run --latency)

// The latency pass times each malloc-family call in libBenchCount.so with the CPU's time-stamp
// counter and counts it in a log-linear histogram, as HdrHistogram does: values below
// 2 x BENCHCOUNT_LATENCY_SUB_BUCKETS ticks have a bucket each, and every power of two above that
// is cut into BENCHCOUNT_LATENCY_SUB_BUCKETS equal buckets, so a bucket is never wider than
// 1/BENCHCOUNT_LATENCY_SUB_BUCKETS (3.1%) of the values it holds. Fixed memory, nothing
// allocated, every uint64 tick count representable. The worker turns ticks into nanoseconds.

enum {
    BENCHCOUNT_LATENCY_SUB_BITS = 5,
    BENCHCOUNT_LATENCY_SUB_BUCKETS = 1 << BENCHCOUNT_LATENCY_SUB_BITS,
    /// 2 x SUB_BUCKETS values a bucket each, then SUB_BUCKETS for each power of two from
    /// 2^(SUB_BITS + 1) to 2^63: (65 - SUB_BITS) groups of SUB_BUCKETS.
    BENCHCOUNT_LATENCY_BUCKETS = (65 - BENCHCOUNT_LATENCY_SUB_BITS) * BENCHCOUNT_LATENCY_SUB_BUCKETS,
};

/// What a histogram times: calls that return a block (malloc, calloc, realloc, the aligned
/// family, jemalloc's mallocx and rallocx, go-gc's and Boehm's collected heaps) and calls that release one
/// (free, sdallocx, dallocx).
enum benchcount_latency_kind { BENCHCOUNT_LATENCY_ALLOC = 0, BENCHCOUNT_LATENCY_FREE = 1, BENCHCOUNT_LATENCY_KINDS = 2 };

/// The bucket that counts a call of `ticks`.
static inline uint32_t benchcount_latency_bucket(uint64_t ticks) {
    if (ticks < 2 * BENCHCOUNT_LATENCY_SUB_BUCKETS) return (uint32_t)ticks;
    uint32_t shift = (uint32_t)(63 - __builtin_clzll(ticks)) - BENCHCOUNT_LATENCY_SUB_BITS;
    uint32_t mantissa = (uint32_t)(ticks >> shift); // in [SUB_BUCKETS, 2 x SUB_BUCKETS)
    return (shift + 1) * BENCHCOUNT_LATENCY_SUB_BUCKETS + (mantissa - BENCHCOUNT_LATENCY_SUB_BUCKETS);
}

/// The smallest tick count that bucket `index` holds; it holds values up to the next bucket's.
static inline uint64_t benchcount_latency_bucket_low(uint32_t index) {
    if (index < 2 * BENCHCOUNT_LATENCY_SUB_BUCKETS) return index;
    uint32_t shift = index / BENCHCOUNT_LATENCY_SUB_BUCKETS - 1;
    uint64_t mantissa = BENCHCOUNT_LATENCY_SUB_BUCKETS + index % BENCHCOUNT_LATENCY_SUB_BUCKETS;
    return mantissa << shift;
}

/// benchcount_latency_reset: forgets what was timed and stops timing (call between runs).
typedef void (*benchcount_latency_reset_fn)(void);
/// benchcount_latency_record: starts (1) or pauses (0) timing, as the timer starts and stops.
typedef void (*benchcount_latency_record_fn)(int32_t on);
/// benchcount_latency_read: copies one kind's histogram, summed over threads, into `counts`
/// (BENCHCOUNT_LATENCY_BUCKETS of them) and its longest call into `*max_ticks`, and returns the
/// clock's ticks per nanosecond, measured against CLOCK_MONOTONIC since the library was loaded.
typedef double (*benchcount_latency_read_fn)(int32_t kind, uint64_t *counts, uint64_t *max_ticks);
/// benchcount_latency_empty_ticks: the median reading of an empty timed region, in ticks: what
/// the clock adds to each call it times (the histograms keep it in).
typedef uint64_t (*benchcount_latency_empty_ticks_fn)(void);

// MARK: - The Boehm collector (allocator boehm; boehm.c)

/// gc.h's struct GC_prof_stats_s (Boehm GC 8.x), which GC_get_prof_stats fills up to the size it
/// is given, then the pauses boehm.c measures.
struct benchkit_boehm_stats {
    uint64_t heapsize_full;
    uint64_t free_bytes_full;
    uint64_t unmapped_bytes;
    uint64_t bytes_allocd_since_gc;
    uint64_t allocd_bytes_before_gc;
    uint64_t non_gc_bytes;
    uint64_t gc_no;
    uint64_t markers_m1;
    uint64_t bytes_reclaimed_since_gc;
    uint64_t reclaimed_bytes_before_gc;
    uint64_t expl_freed_bytes_since_gc;
    uint64_t obtained_from_os_bytes;
    /// Nanoseconds the world was stopped, all collections (not Boehm's: boehm.c times them).
    uint64_t pause_total_ns;
};

/// Finds libgc's functions (preloaded), runs GC_init and allows threads to register, once.
/// Returns 0 when libgc is not loaded.
int benchkit_boehm_start(void);
/// A block from the collected heap: GC_malloc, GC_malloc_atomic when `noscan` (never scanned), or
/// GC_memalign above 16-byte alignment. Registers the calling thread first if it is not yet.
void *benchkit_boehm_alloc(size_t size, size_t alignment, int noscan);
/// Registers the calling thread with the collector (its stack is scanned) until it exits.
void benchkit_boehm_register_thread(void);
/// GC_add_roots / GC_remove_roots of the `size` bytes at `base`.
void benchkit_boehm_add_roots(const void *base, size_t size);
void benchkit_boehm_remove_roots(const void *base, size_t size);
/// Fills `stats`; 0 when libgc is not loaded.
int benchkit_boehm_read_stats(struct benchkit_boehm_stats *stats);
/// The world-stopped nanoseconds so far (for gc-%).
uint64_t benchkit_boehm_pause_total_ns(void);
/// GC_get_version(): major << 16 | minor << 8 | micro; 0 when libgc is not loaded.
unsigned benchkit_boehm_version(void);

/// The process's resident set now (/proc/self/statm), in bytes; 0 when it cannot be read.
/// Allocates nothing: a workload's MemStats sample reads it beside the allocator's statistics.
uint64_t benchkit_resident_bytes(void);

#endif
