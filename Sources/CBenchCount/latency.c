// The latency pass's histograms (bench run --latency): one per kind of call (CBenchKit.h's
// benchcount_latency_kind) in each thread shard, summed when the worker reads them.
//
// Recording a call costs an atomic add on the shard's bucket and a compare with its maximum, after
// the second clock reading, so that cost is outside the timed region; the histograms are static,
// so the pass allocates nothing.
#define _GNU_SOURCE
#include "latency.h"
#include "sites.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

// MARK: - Program cells: timing from load to exit

/// Set when BENCHCOUNT_LATENCY=1 turned timing on for the whole process (a program cell's latency
/// run), so that the histograms are written at exit.
static int timing_whole_process;

void benchcount_latency_start_from_environment(void) {
    const char *setting = getenv("BENCHCOUNT_LATENCY");
    if (!setting || strcmp(setting, "1") != 0) return;
    // The histograms are still the zeros of a fresh process: nothing to reset (which would touch
    // all their pages in every process of the program).
    timing_whole_process = 1;
    benchcount_latency_record(1);
}

char *benchcount_put_decimal(char *out, uint64_t value) {
    char digits[20];
    int count = 0;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    while (count) *out++ = digits[--count];
    return out;
}

/// Writes `count` numbers as one line, through `buffer` (flushed to `fd` when nearly full).
static void put_line(int fd, char *buffer, size_t *used, const uint64_t *values, int count) {
    if (*used > 4096 - 128) {
        ssize_t ignored = write(fd, buffer, *used);
        (void)ignored;
        *used = 0;
    }
    char *end = buffer + *used;
    for (int i = 0; i < count; i++) {
        if (i) *end++ = ' ';
        end = benchcount_put_decimal(end, values[i]);
    }
    *end++ = '\n';
    *used = (size_t)(end - buffer);
}

void benchcount_latency_write_at_exit(const char *path) {
    if (!timing_whole_process) return;
    benchcount_latency_record(0);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return;
    char buffer[4096];
    size_t used = 0;
    // `ticks ns empty_ticks`: the clock's ticks and CLOCK_MONOTONIC's nanoseconds since load (their
    // ratio is its rate), and what an empty timed region reads.
    uint64_t header[3] = {benchcount_clock_before() - loaded_ticks, monotonic_ns() - loaded_ns, benchcount_latency_empty_ticks()};
    put_line(fd, buffer, &used, header, 3);
    // Then `kind bucket count` for each bucket that counted a call, and `kind BUCKETS max_ticks`.
    for (int kind = 0; kind < BENCHCOUNT_LATENCY_KINDS; kind++) {
        uint64_t max = 0;
        for (int b = 0; b < BENCHCOUNT_LATENCY_BUCKETS; b++) {
            uint64_t count = 0;
            for (int s = 0; s < SHARDS; s++) count += atomic_load_explicit(&shards[s].counts[kind][b], memory_order_relaxed);
            if (!count) continue;
            uint64_t line[3] = {(uint64_t)kind, (uint64_t)b, count};
            put_line(fd, buffer, &used, line, 3);
        }
        for (int s = 0; s < SHARDS; s++) {
            uint64_t shard_max = atomic_load_explicit(&shards[s].max_ticks[kind], memory_order_relaxed);
            if (shard_max > max) max = shard_max;
        }
        uint64_t line[3] = {(uint64_t)kind, BENCHCOUNT_LATENCY_BUCKETS, max};
        put_line(fd, buffer, &used, line, 3);
    }
    ssize_t ignored = write(fd, buffer, used);
    (void)ignored;
    close(fd);
}
