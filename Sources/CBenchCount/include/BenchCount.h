// The allocation-counting interposer (libBenchCount.so).
//
// `bench` preloads this library in front of the allocator under test
// (LD_PRELOAD=libBenchCount.so:libjemalloc.so.2) for the counting pass of a cell only.
// Every malloc-family call is forwarded unchanged to the next definition (the allocator
// under test, or glibc) and counted: blocks get no header, so the allocator sees exactly
// the requests it sees in the timed pass. The timed pass never has this library loaded,
// so counting costs nothing there.
#ifndef BENCHCOUNT_H
#define BENCHCOUNT_H

#include <CBenchKit.h>

/// Reads the totals. Safe to call from any thread at any time. The worker finds it with dlsym;
/// it is absent from the timed pass.
void benchcount_read(struct benchcount_totals *out);

/// Allocation sites (sites.c), for `bench run --memprofile`; the types are in CBenchKit.h.
void benchcount_sites_reset(void);
void benchcount_sites_record(int32_t on);
size_t benchcount_sites_read(struct benchcount_site *sites, size_t capacity, uint64_t *dropped);

/// Allocation latency (latency.c, `bench run --latency`); the types are in CBenchKit.h.
void benchcount_latency_reset(void);
void benchcount_latency_record(int32_t on);
double benchcount_latency_read(int32_t kind, uint64_t *counts, uint64_t *max_ticks);
uint64_t benchcount_latency_empty_ticks(void);

#endif
