// The latency pass's histograms (bench run --latency): one per kind of call (CBenchKit.h's
// benchcount_latency_kind) in each thread shard, summed when the worker reads them.
//
// Recording a call costs two atomic adds on the shard's cache lines, after the second clock
// reading, so that cost is outside the timed region; the histograms are static (zero pages until
// a thread first records), so the pass allocates nothing.
#define _GNU_SOURCE
#include "latency.h"
#include "sites.h"

#include <string.h>
#include <time.h>

atomic_int benchcount_latency_timing;

enum { SHARDS = 64 };
static struct latency_shard {
    _Alignas(64) _Atomic uint64_t counts[BENCHCOUNT_LATENCY_KINDS][BENCHCOUNT_LATENCY_BUCKETS];
    _Atomic uint64_t max_ticks[BENCHCOUNT_LATENCY_KINDS];
} shards[SHARDS];

void benchcount_latency_add(enum benchcount_latency_kind kind, uint64_t ticks) {
    if (benchcount_in_recorder()) return; // the site recorder's own allocation (sites.h)
    struct latency_shard *shard = &shards[benchcount_thread_shard() % SHARDS];
    atomic_fetch_add_explicit(&shard->counts[kind][benchcount_latency_bucket(ticks)], 1, memory_order_relaxed);
    uint64_t max = atomic_load_explicit(&shard->max_ticks[kind], memory_order_relaxed);
    while (ticks > max && !atomic_compare_exchange_weak_explicit(&shard->max_ticks[kind], &max, ticks,
                                                                 memory_order_relaxed, memory_order_relaxed)) {
    }
}

void benchcount_latency_reset(void) {
    atomic_store_explicit(&benchcount_latency_timing, 0, memory_order_relaxed);
    for (int s = 0; s < SHARDS; s++) {
        for (int k = 0; k < BENCHCOUNT_LATENCY_KINDS; k++) {
            atomic_store_explicit(&shards[s].max_ticks[k], 0, memory_order_relaxed);
            for (int b = 0; b < BENCHCOUNT_LATENCY_BUCKETS; b++) {
                atomic_store_explicit(&shards[s].counts[k][b], 0, memory_order_relaxed);
            }
        }
    }
}

void benchcount_latency_record(int32_t on) {
    atomic_store_explicit(&benchcount_latency_timing, on ? 1 : 0, memory_order_seq_cst);
}

// MARK: - Ticks per nanosecond

/// The clock and CLOCK_MONOTONIC when the library was loaded: the counter's rate is measured over
/// the whole life of the process up to the read, a second or more in a worker, which makes its
/// error far smaller than a bucket's width.
static uint64_t loaded_ticks;
static uint64_t loaded_ns;

static uint64_t monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

__attribute__((constructor)) static void note_clocks_at_load(void) {
    loaded_ns = monotonic_ns();
    loaded_ticks = benchcount_clock_before();
}

double benchcount_latency_read(int32_t kind, uint64_t *counts, uint64_t *max_ticks) {
    memset(counts, 0, sizeof(uint64_t) * BENCHCOUNT_LATENCY_BUCKETS);
    *max_ticks = 0;
    if (kind < 0 || kind >= BENCHCOUNT_LATENCY_KINDS) return 0;
    for (int s = 0; s < SHARDS; s++) {
        for (int b = 0; b < BENCHCOUNT_LATENCY_BUCKETS; b++) {
            counts[b] += atomic_load_explicit(&shards[s].counts[kind][b], memory_order_relaxed);
        }
        uint64_t max = atomic_load_explicit(&shards[s].max_ticks[kind], memory_order_relaxed);
        if (max > *max_ticks) *max_ticks = max;
    }
    uint64_t ticks = benchcount_clock_before() - loaded_ticks, ns = monotonic_ns() - loaded_ns;
    return ns > 0 ? (double)ticks / (double)ns : 0;
}

uint64_t benchcount_latency_empty_ticks(void) {
    // The median of many empty timed regions: what the clock adds to every call it times.
    enum { SAMPLES = 4096, RANGE = 1024 };
    uint32_t seen[RANGE] = {0};
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t start = benchcount_clock_before();
        uint64_t ticks = benchcount_clock_after() - start;
        seen[ticks < RANGE ? ticks : RANGE - 1]++;
    }
    uint32_t below = 0;
    for (uint64_t ticks = 0; ticks < RANGE; ticks++) {
        below += seen[ticks];
        if (below * 2 >= SAMPLES) return ticks;
    }
    return RANGE - 1;
}
