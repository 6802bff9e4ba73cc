// stress-larson: a server simulation in the manner of Larson & Krishnan's allocator benchmark.
//
//   stress-larson THREADS
//
// The work is split into LANES lanes, each a set of SLOTS slots holding blocks of 8-1000 bytes.
// The main thread fills every slot first. Then, ROUNDS times, THREADS fresh threads are started
// and each one works the lanes dealt to it: OPS times per lane it picks a random slot, checks the
// block there, frees it, and allocates a block of a new random size in its place. The lanes are
// dealt to the threads differently each round, so most blocks are freed by a thread other than
// the one that allocated them (by a thread started after that one ended), as in a server whose
// connections pass from one worker thread to the next. At the end the main thread frees what is
// left.
//
// Every block carries a stamp (in its first and its last 8 bytes), checked before it is freed; the
// stamps are summed into a checksum that depends only on the lanes' fixed random sequences, not
// on THREADS or the order the threads ran in, so the output is the same under every allocator and
// at every thread count. A wrong stamp or a failed malloc is reported on stderr and the exit status
// is 1.
//
// Malloc calls: LANES * SLOTS + ROUNDS * LANES * OPS = 64,000 + 76,800,000 = 76,864,000.
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../stress.h"

enum {
    LANES = 64,
    SLOTS = 1000,
    ROUNDS = 40,
    OPS = 30000,
    MIN_SIZE = 8,
    MAX_SIZE = 1000,
    MAX_THREADS = 1024,
};

typedef struct {
    uint64_t rng;
    uint64_t serial;   // blocks this lane has made
    uint64_t checksum; // sum of the stamps checked
    uint64_t errors;
    unsigned char *block[SLOTS];
    uint32_t size[SLOTS];
    uint64_t stamp[SLOTS];
} Lane;

typedef struct {
    pthread_t thread;
    int index;
    int threads;
    int round;
} Worker;

static Lane lanes[LANES];

// The stamp goes in the first 8 bytes, and again in the last 8 when they do not overlap those.
static void put_stamp(unsigned char *p, uint32_t size, uint64_t stamp) {
    memcpy(p, &stamp, 8);
    if (size >= 16) memcpy(p + size - 8, &stamp, 8);
}

static int stamp_ok(const unsigned char *p, uint32_t size, uint64_t stamp) {
    uint64_t first, last = stamp;
    memcpy(&first, p, 8);
    if (size >= 16) memcpy(&last, p + size - 8, 8);
    return first == stamp && last == stamp;
}

static void fill_slot(Lane *lane, int lane_index, int slot) {
    uint32_t size = MIN_SIZE + (uint32_t)(splitmix(&lane->rng) % (MAX_SIZE - MIN_SIZE + 1));
    unsigned char *p = malloc(size);
    if (p == NULL) {
        lane->errors++;
        lane->block[slot] = NULL;
        return;
    }
    uint64_t stamp = ((uint64_t)lane_index << 48) ^ (++lane->serial * 0x9e3779b97f4a7c15ull) ^ size;
    put_stamp(p, size, stamp);
    lane->block[slot] = p;
    lane->size[slot] = size;
    lane->stamp[slot] = stamp;
}

static void empty_slot(Lane *lane, int slot) {
    unsigned char *p = lane->block[slot];
    if (p == NULL) return;
    if (stamp_ok(p, lane->size[slot], lane->stamp[slot])) {
        lane->checksum += lane->stamp[slot];
    } else {
        lane->errors++;
    }
    free(p);
    lane->block[slot] = NULL;
}

static void *work(void *arg) {
    const Worker *w = arg;
    for (int l = 0; l < LANES; l++) {
        if ((l + w->round) % w->threads != w->index) continue;
        Lane *lane = &lanes[l];
        for (int op = 0; op < OPS; op++) {
            int slot = (int)(splitmix(&lane->rng) % SLOTS);
            empty_slot(lane, slot);
            fill_slot(lane, l, slot);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    int threads = stress_threads(argc, argv, "stress-larson", MAX_THREADS);
    if (threads < 0) return 2;
    static Worker workers[MAX_THREADS];

    for (int l = 0; l < LANES; l++) {
        lanes[l].rng = 0x1234567ull + (uint64_t)l * 0x1000193ull;
        for (int s = 0; s < SLOTS; s++) fill_slot(&lanes[l], l, s);
    }
    for (int round = 0; round < ROUNDS; round++) {
        for (int t = 0; t < threads; t++) {
            workers[t] = (Worker){.index = t, .threads = threads, .round = round};
            if (pthread_create(&workers[t].thread, NULL, work, &workers[t]) != 0) {
                fprintf(stderr, "stress-larson: pthread_create failed\n");
                return 1;
            }
        }
        for (int t = 0; t < threads; t++) pthread_join(workers[t].thread, NULL);
    }
    uint64_t checksum = 0, errors = 0, made = 0;
    for (int l = 0; l < LANES; l++) {
        for (int s = 0; s < SLOTS; s++) empty_slot(&lanes[l], s);
        checksum = checksum * 31 + lanes[l].checksum;
        errors += lanes[l].errors;
        made += lanes[l].serial;
    }
    printf("larson: %d lanes x %d slots, %d rounds x %d ops a lane, %llu blocks, checksum %016llx\n",
           LANES, SLOTS, ROUNDS, OPS, (unsigned long long)made, (unsigned long long)checksum);
    if (errors != 0) {
        fprintf(stderr, "stress-larson: %llu bad blocks (stamp overwritten or malloc failed)\n",
                (unsigned long long)errors);
        return 1;
    }
    return 0;
}
