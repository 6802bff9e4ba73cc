// The shims are static inline functions in include/CBenchKit.h, except those that need
// _GNU_SOURCE, which must come before the first system header of a file.
#define _GNU_SOURCE
#include <dlfcn.h>

#include "CBenchKit.h"

int benchkit_module_of(const void *address, const char **path, uintptr_t *base) {
    Dl_info info;
    if (!dladdr(address, &info) || !info.dli_fname) return 0;
    *path = info.dli_fname;
    *base = (uintptr_t)info.dli_fbase;
    return 1;
}
