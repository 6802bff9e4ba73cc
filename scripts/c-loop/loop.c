// The plain C loop of scripts/c-loop-instructions.sh: malloc and free of 80-byte blocks with
// nothing else around them, as any C program calls them.
//
//     loop pairs N   N times: p = malloc(80), free(p)
//     loop batch N   N times: 1000 mallocs of 80 bytes, then the 1000 frees (in allocation order)
//
// Compiled with -fno-builtin so that the compiler neither removes a malloc/free pair nor turns
// the calls into anything else; the blocks go through a volatile pointer so each is used.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { batch = 1000, size = 80 };

int main(int argc, char **argv) {
    if (argc != 3 || (strcmp(argv[1], "pairs") != 0 && strcmp(argv[1], "batch") != 0)) {
        fprintf(stderr, "usage: loop pairs|batch N\n");
        return 2;
    }
    long n = atol(argv[2]);
    static void *blocks[batch];
    void *volatile sink;
    if (strcmp(argv[1], "pairs") == 0) {
        for (long i = 0; i < n; i++) {
            void *p = malloc(size);
            sink = p;
            free(p);
        }
    } else {
        for (long i = 0; i < n; i++) {
            for (int j = 0; j < batch; j++) blocks[j] = malloc(size);
            sink = blocks[batch - 1];
            for (int j = 0; j < batch; j++) free(blocks[j]);
        }
    }
    (void)sink;
    return 0;
}
