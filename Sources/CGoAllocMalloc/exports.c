// The exported names of libgoalloc.so, each a jump to its Swift definition in GoAllocMalloc.
//
// Why C: Swift reserves the names malloc and free for its runtime and warns (soon refuses) when
// @_cdecl gives them to a Swift function; and a public Swift function gets protected visibility,
// which glibc's loader warns about when a program takes the address of free (checked: gcc's
// output in scripts/preload-check.sh changed). The Swift definitions carry goalloc_ names instead
// (malloc's and free's are GoAlloc's own, Malloc.swift); they are declared hidden here, so each call below is a direct jump inside the library (no PLT, no exported duplicate),
// which the compiler turns into a tail call. Compiled without frame pointers (Package.swift): the
// jump is the whole function, one instruction.
#include <stddef.h>

#define HIDDEN __attribute__((visibility("hidden")))

// malloc and free go straight to their Swift functions (GoAlloc's Malloc.swift), which carry
// fixed names (@_silgen_name) and Swift's calling convention, declared here as clang declares a
// Swift function: no @_cdecl entry point in between, one jump fewer on every call.
HIDDEN __attribute__((swiftcall)) void *goalloc_swift_malloc(size_t size);
HIDDEN __attribute__((swiftcall)) void goalloc_swift_free(void *block);
HIDDEN void *goalloc_calloc(size_t count, size_t size);
HIDDEN void *goalloc_realloc(void *block, size_t size);
HIDDEN void *goalloc_reallocarray(void *block, size_t count, size_t size);
HIDDEN size_t goalloc_malloc_usable_size(void *block);
HIDDEN int goalloc_posix_memalign(void **result, size_t alignment, size_t size);
HIDDEN void *goalloc_memalign(size_t alignment, size_t size);
HIDDEN void *goalloc_aligned_alloc(size_t alignment, size_t size);
HIDDEN void *goalloc_valloc(size_t size);
HIDDEN void *goalloc_pvalloc(size_t size);

void *malloc(size_t size) { return goalloc_swift_malloc(size); }
void free(void *block) { goalloc_swift_free(block); }
void *calloc(size_t count, size_t size) { return goalloc_calloc(count, size); }
void *realloc(void *block, size_t size) { return goalloc_realloc(block, size); }
void *reallocarray(void *block, size_t count, size_t size) { return goalloc_reallocarray(block, count, size); }
size_t malloc_usable_size(void *block) { return goalloc_malloc_usable_size(block); }
int posix_memalign(void **result, size_t alignment, size_t size) { return goalloc_posix_memalign(result, alignment, size); }
void *memalign(size_t alignment, size_t size) { return goalloc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { return goalloc_aligned_alloc(alignment, size); }
void *valloc(size_t size) { return goalloc_valloc(size); }
void *pvalloc(size_t size) { return goalloc_pvalloc(size); }
