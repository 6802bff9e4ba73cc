#include "CGoAlloc.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

// 64-byte aligned as a FixAlloc block is, so that the cache's entries sit on cache lines alike.
const char goalloc_empty_cache[GOALLOC_MCACHE_BYTES] __attribute__((aligned(64))) = {0};
__thread void *goalloc_tls_cache __attribute__((tls_model("initial-exec"))) = (void *)goalloc_empty_cache;
__thread _Bool goalloc_tls_exited __attribute__((tls_model("initial-exec"))) = 0;
__thread uint16_t goalloc_tls_held_ranks[GOALLOC_LOCK_RANKS] __attribute__((tls_model("initial-exec")));
void *goalloc_root = NULL;
void *goalloc_arena_index[GOALLOC_ARENA_INDEX_ENTRIES];
pthread_mutex_t goalloc_init_lock = PTHREAD_MUTEX_INITIALIZER;

int goalloc_only_background_thread_left(void) {
    char text[1024];
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t length = read(fd, text, sizeof text - 1);
    close(fd);
    if (length <= 0) return 0;
    text[length] = 0;
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields count from the
    // last ')'. Field 3 is the state, field 20 num_threads.
    char *field = strrchr(text, ')');
    if (!field || field[1] != ' ') return 0;
    field += 2;
    char state = field[0];
    for (int number = 3; number < 20; number++) {
        field = strchr(field, ' ');
        if (!field) return 0;
        field++;
    }
    long threads = 0;
    while (*field >= '0' && *field <= '9') threads = threads * 10 + (*field++ - '0');
    return state == 'Z' && threads == 2;
}
