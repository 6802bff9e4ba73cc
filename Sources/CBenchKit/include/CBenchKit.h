// The few things BenchKit needs that Swift cannot express. Keep this file tiny.
#ifndef CBENCHKIT_H
#define CBENCHKIT_H

#include <malloc.h> // malloc_usable_size and mallinfo2, which Swift's Glibc module leaves out
#include <stdint.h>

/// Tells the compiler that `pointer` and all memory it might reach are read here, so the
/// computation that produced them cannot be removed or hoisted, while emitting no instruction.
/// Swift imports this static inline function as IR and inlines it: it costs nothing at run time.
static inline __attribute__((always_inline)) void benchkit_black_hole(const void *pointer) {
    __asm__ volatile("" : : "r"(pointer) : "memory");
}

/// What the counting interposer (libBenchCount.so) reports: cumulative counts since the process
/// started, summed over all threads. Shared by the interposer and the worker that reads it.
struct benchcount_totals {
    /// Calls that returned a new block: malloc, calloc, realloc and reallocarray (a realloc of a
    /// non-null block also counts one free), posix_memalign, aligned_alloc, memalign, valloc,
    /// pvalloc, and jemalloc's mallocx and rallocx.
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

#endif
