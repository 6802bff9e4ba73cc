// The latency pass's side of the interposer (latency.c): what interposer.c calls around each
// forwarded call.
//
// The clock is the CPU's time-stamp counter, read with a fence on each side so that the call
// cannot start before the first reading or finish after the second: on x86-64 `lfence; rdtsc;
// lfence` before and `rdtscp; lfence` after (the kernel uses the same counter as CLOCK_MONOTONIC's
// source when it is invariant, as here), on arm64 the virtual counter after an `isb`. Both are
// read in user space without a system call. docs/metrics.md has what a reading costs and what an
// empty timed region reads on this machine.
#ifndef BENCHCOUNT_LATENCY_H
#define BENCHCOUNT_LATENCY_H

#include <CBenchKit.h>
#include <stdatomic.h>
#include <stdint.h>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

/// Non-zero while calls are timed (between benchcount_latency_record(1) and (0)).
extern atomic_int benchcount_latency_timing;

static inline __attribute__((always_inline)) uint64_t benchcount_clock_before(void) {
#if defined(__x86_64__)
    _mm_lfence();
    uint64_t ticks = __rdtsc();
    _mm_lfence();
    return ticks;
#elif defined(__aarch64__)
    uint64_t ticks;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(ticks) : : "memory");
    return ticks;
#else
#error "the latency pass needs a user-space cycle counter on this architecture"
#endif
}

static inline __attribute__((always_inline)) uint64_t benchcount_clock_after(void) {
#if defined(__x86_64__)
    unsigned int processor;
    uint64_t ticks = __rdtscp(&processor);
    _mm_lfence();
    return ticks;
#else
    return benchcount_clock_before();
#endif
}

/// The clock before a forwarded call, or 0 when calls are not being timed.
static inline __attribute__((always_inline)) uint64_t benchcount_latency_begin(void) {
    if (!atomic_load_explicit(&benchcount_latency_timing, memory_order_relaxed)) return 0;
    return benchcount_clock_before();
}

/// Counts a call of `ticks` in the calling thread's histogram of `kind`.
void benchcount_latency_add(enum benchcount_latency_kind kind, uint64_t ticks);

/// After the forwarded call: counts it when `start` came from a timed benchcount_latency_begin.
static inline __attribute__((always_inline)) void benchcount_latency_end(enum benchcount_latency_kind kind, uint64_t start) {
    if (!start) return;
    uint64_t end = benchcount_clock_after();
    // A thread that moved to another core between the readings may see a counter a few ticks behind.
    benchcount_latency_add(kind, end > start ? end - start : 0);
}

/// With BENCHCOUNT_LATENCY=1 in the environment (a program cell's latency run), times every call
/// from now until exit; called once as the library is loaded.
void benchcount_latency_start_from_environment(void);

/// When timing runs for the whole process, writes the histograms to `path` (the format is in
/// latency.c; `ProgramPasses` reads it). Allocates nothing: it runs as the process exits.
void benchcount_latency_write_at_exit(const char *path);

/// Appends `value` in decimal to `out` and returns the new end: no stdio, for what the library
/// writes as the process exits (after the program's own cleanup), which must allocate nothing.
char *benchcount_put_decimal(char *out, uint64_t value);

/// The calling thread's shard of the counters and histograms (interposer.c): threads spread over
/// them so that they do not serialise on shared cache lines.
unsigned benchcount_thread_shard(void);

#endif
