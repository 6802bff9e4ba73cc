// A heap growing by calloc, as rptest's first loops grow it: ROUNDS times, BLOCKS blocks of sizes
// from 8 to 16,000 bytes (a fixed sequence), each written as rptest writes its blocks (its size in
// the first 4 bytes, one byte in every 4 KiB page after the first, its last byte), then all freed. The first round takes fresh
// memory; the later ones reuse what the first freed.
//   calloc-growth [BLOCKS [ROUNDS]]   (defaults 4000 and 2)
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long blocks = argc > 1 ? atol(argv[1]) : 4000;
    long rounds = argc > 2 ? atol(argv[2]) : 2;
    char **block = malloc((size_t)blocks * sizeof *block);
    unsigned long sum = 0, state = 1;
    for (long round = 0; round < rounds; round++) {
        for (long i = 0; i < blocks; i++) {
            state = state * 6364136223846793005UL + 1442695040888963407UL;
            size_t size = 8 + (state >> 33) % (16000 - 8 + 1);
            char *p = calloc(1, size);
            if (!p) return 1;
            *(int *)p = (int)size;
            for (size_t page = 1; page < (size - 1) / 4096; page++) p[page * 4096] = 1;
            p[size - 1] = 1;
            sum += (unsigned char)p[size - 1];
            block[i] = p;
        }
        for (long i = 0; i < blocks; i++) free(block[i]);
    }
    printf("%lu\n", sum);
    free(block);
    return 0;
}
