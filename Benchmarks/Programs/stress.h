// What the C stress programs of the Programs suite share: the random numbers every lane draws
// its sizes and slots from, and reading the thread count. Each program includes it from its
// folder ("../stress.h"); bench compiles each program again when this file changes (CProgram).
#ifndef ALLOCBENCH_STRESS_H
#define ALLOCBENCH_STRESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/// SplitMix64: a fast, well-mixed 64-bit sequence from a counter; each lane keeps its own state,
/// so the sequence a lane draws does not depend on which thread works it.
static inline uint64_t splitmix(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/// The thread count from the command line (`PROGRAM THREADS`, default 1), or -1 after saying what
/// is valid on standard error.
static inline int stress_threads(int argc, char **argv, const char *name, int max) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    if (threads < 1 || threads > max) {
        fprintf(stderr, "usage: %s THREADS (1-%d)\n", name, max);
        return -1;
    }
    return threads;
}

#endif
