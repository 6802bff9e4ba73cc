#include <stdlib.h>
#include <stdio.h>
// calloc and free of one small block, N times: the steady state (a list pop and a push).
int main(int argc, char **argv) {
    size_t size = argc > 1 ? (size_t)atol(argv[1]) : 32;
    long n = argc > 2 ? atol(argv[2]) : 1000000;
    unsigned long sum = 0;
    for (long i = 0; i < n; i++) { unsigned char *p = calloc(1, size); sum += p[size - 1]; p[0] = 1; free(p); }
    printf("%lu\n", sum);
    return 0;
}
