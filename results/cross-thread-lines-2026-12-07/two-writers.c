// Do this machine's two CPUs pay for sharing a cache line? Two threads each store 400 M bytes,
// one byte at a time, into their own 8 bytes of one static buffer: OFFSET bytes apart (16: the
// same 64-byte line; 128: different lines). With PIN set, thread t runs on CPU t; otherwise
// wherever the scheduler (or `taskset`) puts it. On cores with private caches the same line is
// many times slower (each store waits for the line to come back from the other core); where the
// two CPUs share their caches it costs nothing.
//   cc -O2 -pthread -o two-writers two-writers.c && PIN=1 ./two-writers 16
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static char buffer[256] __attribute__((aligned(64)));
static int offset;

static void *writer(void *arg) {
    long t = (long)arg;
    if (getenv("PIN") != NULL) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(t, &set);
        pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    }
    volatile char *mine = buffer + t * offset;
    for (long i = 0; i < 400000000; i++) mine[i & 7] = (char)i;
    return NULL;
}

int main(int argc, char **argv) {
    offset = argc > 1 ? atoi(argv[1]) : 16;
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pthread_t threads[2];
    for (long t = 0; t < 2; t++) pthread_create(&threads[t], NULL, writer, (void *)t);
    for (int t = 0; t < 2; t++) pthread_join(threads[t], NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("offset %d: %.2f s\n", offset, (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9);
    return 0;
}
