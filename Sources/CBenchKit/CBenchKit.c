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

#include <fcntl.h>
#include <unistd.h>

uint64_t benchkit_resident_bytes(void) {
    // statm: "size resident shared text lib data dt", in pages. A stack buffer and plain system
    // calls: nothing here allocates, so a sample does not disturb the heap it measures.
    char text[128];
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t length = read(fd, text, sizeof text - 1);
    close(fd);
    if (length <= 0) return 0;
    text[length] = 0;
    const char *field = text;
    while (*field && *field != ' ') field++;
    uint64_t pages = 0;
    while (*field == ' ') field++;
    while (*field >= '0' && *field <= '9') pages = pages * 10 + (uint64_t)(*field++ - '0');
    return pages * (uint64_t)sysconf(_SC_PAGESIZE);
}
