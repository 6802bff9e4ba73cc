#include "CGoAlloc.h"

__thread void *goalloc_tls_cache __attribute__((tls_model("initial-exec"))) = NULL;
__thread _Bool goalloc_tls_exited __attribute__((tls_model("initial-exec"))) = 0;
void *goalloc_root = NULL;
void **goalloc_arena_index = NULL;
pthread_mutex_t goalloc_init_lock = PTHREAD_MUTEX_INITIALIZER;
