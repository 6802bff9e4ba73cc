// stress-false-sharing: does the allocator put different threads' small objects on one cache line?
// In the manner of the cache-thrash and cache-scratch tests.
//
//   stress-false-sharing THREADS
//
// Two phases, each with THREADS threads and the same fixed work, OBJECTS objects dealt to the
// threads in turn. For each object a thread allocates OBJECT_SIZE bytes, writes them WRITES times
// (byte by byte, through volatile stores, so every write reaches the cache line), reads them back,
// and frees the object.
//   active:  the threads start with nothing; false sharing happens when the allocator hands out
//            neighbouring objects to different threads.
//   passive: the main thread first allocates one object per thread, one after another (so they
//            likely share cache lines), and hands object t to thread t, which frees it before its
//            own first allocation; false sharing happens when the allocator then hands that freed
//            object (or its neighbours) back to the thread that freed it.
// On an allocator that keeps threads' objects apart both phases run at the speed of the writes;
// otherwise the writes of two threads fight over one cache line and the run is many times slower.
//
// Each object's bytes are checked after its writes; the values read are summed into a checksum
// that depends only on the objects' indexes, not on THREADS, so the output is the same under every
// allocator and at every thread count. A wrong byte or a failed malloc is reported on stderr and
// the exit status is 1.
//
// Malloc calls: 2 * OBJECTS (= 2 * 8,000,000 = 16,000,000) objects, each written WRITES (500) times,
// plus THREADS handed-over objects.
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../stress.h"

enum {
    OBJECTS = 8000000,
    OBJECT_SIZE = 8,
    WRITES = 500,
    MAX_THREADS = 1024,
};

typedef struct {
    pthread_t thread;
    int index;
    int threads;
    unsigned char *handed; // passive phase: the object the main thread allocated for this thread
    uint64_t checksum;
    uint64_t errors;
} Worker;

static void *work(void *arg) {
    Worker *w = arg;
    if (w->handed != NULL) {
        if (w->handed[0] != (unsigned char)w->index) w->errors++;
        free(w->handed);
        w->handed = NULL;
    }
    for (uint32_t n = (uint32_t)w->index; n < OBJECTS; n += (uint32_t)w->threads) {
        volatile unsigned char *p = malloc(OBJECT_SIZE);
        if (p == NULL) {
            w->errors++;
            continue;
        }
        for (uint32_t k = 0; k < WRITES; k++) p[k % OBJECT_SIZE] = (unsigned char)(n + k);
        // Byte i was last written by the last k < WRITES with k % OBJECT_SIZE == i.
        for (uint32_t i = 0; i < OBJECT_SIZE; i++) {
            uint32_t last = (WRITES - 1) - ((WRITES - 1 - i) % OBJECT_SIZE);
            unsigned char value = p[i];
            if (value != (unsigned char)(n + last)) w->errors++;
            w->checksum += value;
        }
        free((void *)p);
    }
    return NULL;
}

// Runs one phase; returns its checksum and adds its errors to *errors.
static uint64_t phase(int threads, int passive, uint64_t *errors) {
    static Worker workers[MAX_THREADS];
    for (int t = 0; t < threads; t++) {
        workers[t] = (Worker){.index = t, .threads = threads};
        if (passive) {
            workers[t].handed = malloc(OBJECT_SIZE);
            if (workers[t].handed == NULL) {
                (*errors)++;
            } else {
                workers[t].handed[0] = (unsigned char)t;
            }
        }
    }
    for (int t = 0; t < threads; t++) {
        if (pthread_create(&workers[t].thread, NULL, work, &workers[t]) != 0) {
            fprintf(stderr, "stress-false-sharing: pthread_create failed\n");
            exit(1);
        }
    }
    uint64_t checksum = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(workers[t].thread, NULL);
        checksum += workers[t].checksum;
        *errors += workers[t].errors;
    }
    return checksum;
}

int main(int argc, char **argv) {
    int threads = stress_threads(argc, argv, "stress-false-sharing", MAX_THREADS);
    if (threads < 0) return 2;
    uint64_t errors = 0;
    uint64_t active = phase(threads, 0, &errors);
    uint64_t passive = phase(threads, 1, &errors);
    printf("false-sharing: %d objects of %d bytes written %d times in each phase, checksum active %llu passive %llu\n",
           OBJECTS, OBJECT_SIZE, WRITES, (unsigned long long)active, (unsigned long long)passive);
    if (errors != 0) {
        fprintf(stderr, "stress-false-sharing: %llu bad bytes or failed mallocs\n", (unsigned long long)errors);
        return 1;
    }
    return 0;
}
