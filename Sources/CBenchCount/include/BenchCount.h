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

#endif
