#!/usr/bin/env bash
# What the latency pass's clock costs on this machine, beside clock_gettime's: the time of one
# reading, and what an empty timed region reads (the floor every timed call includes), with the
# same fenced readings as Sources/CBenchCount/latency.h. Prints one line per figure.
#
# Usage: scripts/clock-cost.sh   (needs clang or cc; x86-64)
set -euo pipefail
compiler=$(command -v clang || command -v cc)
work=$(mktemp -d /tmp/clock-cost.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat > "$work/clock.c" <<'C'
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

static inline uint64_t before(void) { _mm_lfence(); uint64_t t = __rdtsc(); _mm_lfence(); return t; }
static inline uint64_t after(void) { unsigned p; uint64_t t = __rdtscp(&p); _mm_lfence(); return t; }
static uint64_t mono(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000ull + t.tv_nsec; }

enum { N = 5000000, RANGE = 4096 };
static uint64_t seen[RANGE];

int main(void) {
    uint64_t mono0 = mono(), tsc0 = before(), sink = 0;
    uint64_t start = mono();
    for (int i = 0; i < N; i++) sink += mono();
    double gettime = (double)(mono() - start) / N;
    start = mono();
    for (int i = 0; i < N; i++) {
        uint64_t a = before(), b = after();
        seen[b - a < RANGE ? b - a : RANGE - 1]++;
    }
    double pair = (double)(mono() - start) / N;
    double rate = (double)(before() - tsc0) / (double)(mono() - mono0);
    printf("clock_gettime(CLOCK_MONOTONIC): %.1f ns a reading\n", gettime);
    printf("fenced rdtsc + rdtscp (one timed region): %.1f ns for both readings\n", pair);
    printf("time-stamp counter: %.4f ticks per ns\n", rate);
    uint64_t below = 0;
    double quantiles[] = {0.5, 0.99, 0.999};
    int q = 0;
    for (uint64_t t = 0; t < RANGE && q < 3; t++) {
        below += seen[t];
        while (q < 3 && below >= quantiles[q] * N) { printf("empty timed region, p%g: %.1f ns\n", quantiles[q] * 100, t / rate); q++; }
    }
    printf("empty timed region, the readings seen in 1%% or more of them:");
    for (uint64_t t = 0; t < RANGE; t++) {
        if (seen[t] * 100 >= N) printf(" %.1f ns (%.0f%%)", t / rate, 100.0 * seen[t] / N);
    }
    printf("\n");
    return sink == 42;
}
C
"$compiler" -O2 -o "$work/clock" "$work/clock.c"
"$work/clock"
