// stress-large-blocks: blocks of 64 KiB to 8 MiB, many live at once, touched page by page, some
// grown with realloc.
//
//   stress-large-blocks THREADS
//
// The work is split into LANES lanes of SLOTS slots each (so LANES * SLOTS = 64 blocks live at
// once, about 110 MiB), the lanes dealt to THREADS threads in turn. OPS times per lane, a thread
// picks a random slot and checks the block there; then one time in four it grows the block with
// realloc (by half again, at most to 8 MiB) and checks that realloc kept its contents, and
// otherwise it frees the block and allocates one of a new size, 64 KiB to 8 MiB (each power-of-two
// band from 64 KiB equally likely). Every page of a new block, and every new page of a grown one,
// gets a stamp written in it, so the allocator's handling of fresh memory (mmap, page faults,
// returning memory to the system and getting it back) is what the run measures.
//
// The stamps (one 8-byte word at the start of each 4 KiB page, and the last word of the block) are
// checked before a block is freed or after it is grown, and summed into a checksum that depends only on the lanes'
// fixed random sequences, not on THREADS, so the output is the same under every allocator and at
// every thread count. A wrong stamp or a failed malloc or realloc is reported on stderr and the exit
// status is 1.
//
// Malloc and realloc calls: LANES * SLOTS + LANES * OPS = 64 + 32 * 600 = 19,264.
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../stress.h"

enum {
    LANES = 32,
    SLOTS = 2,
    OPS = 600,
    PAGE = 4096,
    MAX_THREADS = 1024,
};

#define MIN_SIZE ((size_t)64 << 10)
#define MAX_SIZE ((size_t)8 << 20)

typedef struct {
    pthread_t thread;
    int index;
    int threads;
} Worker;

typedef struct {
    uint64_t rng;
    uint64_t serial;
    uint64_t checksum;
    uint64_t errors;
    uint64_t grown;
    unsigned char *block[SLOTS];
    size_t size[SLOTS];
    uint64_t stamp[SLOTS];
} Lane;

static Lane lanes[LANES];

static uint64_t page_stamp(uint64_t stamp, size_t page) {
    return stamp ^ (page * 0x100000001b3ull);
}

// The pages that carry a stamp: those whose first 8 bytes lie clear of the block's last 8.
static size_t stamped_pages(size_t size) { return (size - 16) / PAGE + 1; }

// Writes the stamps of pages [from, stamped_pages(size)) and the block's last word.
static void put_stamps(unsigned char *p, size_t size, uint64_t stamp, size_t from) {
    for (size_t page = from; page < stamped_pages(size); page++) {
        uint64_t value = page_stamp(stamp, page);
        memcpy(p + page * PAGE, &value, 8);
    }
    uint64_t last = ~stamp;
    memcpy(p + size - 8, &last, 8);
}

// Checks all the stamps of a block of this size; returns their sum.
static uint64_t check_stamps(Lane *lane, const unsigned char *p, size_t size, uint64_t stamp) {
    uint64_t sum = 0;
    for (size_t page = 0; page < stamped_pages(size); page++) {
        uint64_t value;
        memcpy(&value, p + page * PAGE, 8);
        if (value != page_stamp(stamp, page)) lane->errors++;
        sum += value;
    }
    uint64_t last;
    memcpy(&last, p + size - 8, 8);
    if (last != ~stamp) lane->errors++;
    return sum + last;
}

static size_t random_size(Lane *lane) {
    uint64_t r = splitmix(&lane->rng);
    size_t band = MIN_SIZE << (r % 7); // 64 KiB ... 4 MiB
    return band + (size_t)((r >> 8) % band); // 64 KiB ... 8 MiB
}

static void fill(Lane *lane, int lane_index, int slot) {
    size_t size = random_size(lane);
    unsigned char *p = malloc(size);
    lane->block[slot] = p;
    if (p == NULL) {
        lane->errors++;
        return;
    }
    uint64_t stamp = ((uint64_t)lane_index << 56) ^ (++lane->serial * 0x9e3779b97f4a7c15ull);
    put_stamps(p, size, stamp, 0);
    lane->size[slot] = size;
    lane->stamp[slot] = stamp;
}

static void release(Lane *lane, int slot) {
    unsigned char *p = lane->block[slot];
    if (p == NULL) return;
    size_t size = lane->size[slot];
    lane->checksum += check_stamps(lane, p, size, lane->stamp[slot]);
    free(p);
    lane->block[slot] = NULL;
}

static void grow(Lane *lane, int slot) {
    unsigned char *p = lane->block[slot];
    size_t size = lane->size[slot];
    size_t bigger = size + size / 2;
    if (bigger > MAX_SIZE) bigger = MAX_SIZE;
    unsigned char *q = realloc(p, bigger);
    if (q == NULL) {
        lane->errors++;
        return; // p is still the lane's, unchanged
    }
    // The old contents, stamps included, must have come along; then the new part gets its stamps.
    lane->checksum += check_stamps(lane, q, size, lane->stamp[slot]);
    put_stamps(q, bigger, lane->stamp[slot], stamped_pages(size));
    lane->block[slot] = q;
    lane->size[slot] = bigger;
    lane->grown++;
}

static void *work(void *arg) {
    const Worker *w = arg;
    for (int l = w->index; l < LANES; l += w->threads) {
        Lane *lane = &lanes[l];
        for (int op = 0; op < OPS; op++) {
            uint64_t r = splitmix(&lane->rng);
            int slot = (int)(r % SLOTS);
            if (lane->block[slot] != NULL && (r >> 32) % 4 == 0 && lane->size[slot] < MAX_SIZE) {
                grow(lane, slot);
            } else {
                release(lane, slot);
                fill(lane, l, slot);
            }
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    int threads = stress_threads(argc, argv, "stress-large-blocks", MAX_THREADS);
    if (threads < 0) return 2;
    static Worker workers[MAX_THREADS];
    for (int l = 0; l < LANES; l++) {
        lanes[l].rng = 0xabcdefull + (uint64_t)l * 0x1000193ull;
        for (int s = 0; s < SLOTS; s++) fill(&lanes[l], l, s);
    }
    for (int t = 0; t < threads; t++) {
        workers[t] = (Worker){.index = t, .threads = threads};
        if (pthread_create(&workers[t].thread, NULL, work, &workers[t]) != 0) {
            fprintf(stderr, "stress-large-blocks: pthread_create failed\n");
            return 1;
        }
    }
    for (int t = 0; t < threads; t++) pthread_join(workers[t].thread, NULL);
    uint64_t checksum = 0, errors = 0, made = 0, grown = 0;
    for (int l = 0; l < LANES; l++) {
        for (int s = 0; s < SLOTS; s++) release(&lanes[l], s);
        checksum = checksum * 31 + lanes[l].checksum;
        errors += lanes[l].errors;
        made += lanes[l].serial;
        grown += lanes[l].grown;
    }
    printf("large-blocks: %d lanes x %d slots, %d ops a lane, %llu blocks made, %llu grown, checksum %016llx\n",
           LANES, SLOTS, OPS, (unsigned long long)made, (unsigned long long)grown,
           (unsigned long long)checksum);
    if (errors != 0) {
        fprintf(stderr, "stress-large-blocks: %llu bad stamps or failed mallocs\n", (unsigned long long)errors);
        return 1;
    }
    return 0;
}
