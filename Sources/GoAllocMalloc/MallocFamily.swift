#if canImport(Glibc)
import Glibc
#endif
import CGoAlloc
import GoAlloc

// libgoalloc.so: GoAlloc as the process's malloc.
//
// Preloaded (LD_PRELOAD=libgoalloc.so), the library's definitions come before glibc's in the
// dynamic linker's search order, so every malloc-family call of the program, of the C libraries
// it uses and of the Swift runtime lands in GoAlloc. Every member of the family is exported (see
// AlignedAllocation.swift too): a block from one allocator that reached another's free would
// corrupt both. The exported names themselves are defined in C (CGoAllocMalloc/exports.c), each
// a jump to the goalloc_ function here, or, for malloc and free, to GoAlloc's (Malloc.swift), so
// that their fast paths are compiled into them: a call into another module is not inlined.
//
// Each function follows glibc 2.36's documented behaviour, which is what programs on this
// system were written against: malloc(0) returns a unique block, realloc(p, 0) frees p and
// returns NULL, failures set errno to ENOMEM (posix_memalign returns its error instead), and
// calloc and reallocarray refuse products that overflow. The conformance fixture
// (Tests/Fixtures/MallocConformance) checks each of these on glibc itself and on this library.
//
// Nothing here may allocate, take a lock of its own, or need the Swift runtime: these functions
// run before the runtime is set up, and inside it (the runtime's own allocations call malloc).
// GoAlloc's paths keep to that (see Sources/GoAlloc/Malloc.swift); these wrappers add only
// arithmetic and errno.

@_cdecl("goalloc_calloc")
func goalloc_calloc(_ count: Int, _ size: Int) -> UnsafeMutableRawPointer? {
    guard let bytes = product(count, size), let block = GoAlloc.allocateZeroed(byteCount: bytes) else { return failed() }
    return block
}

@_cdecl("goalloc_realloc")
func goalloc_realloc(_ block: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer? {
    if let block, size == 0 {
        // glibc's choice (C leaves it to the implementation): free, and return NULL.
        GoAlloc.deallocate(block)
        return nil
    }
    // On failure the old block stays allocated and untouched, as C requires.
    guard let resized = GoAlloc.reallocate(block, byteCount: size) else { return failed() }
    return resized
}

@_cdecl("goalloc_reallocarray")
func goalloc_reallocarray(_ block: UnsafeMutableRawPointer?, _ count: Int, _ size: Int) -> UnsafeMutableRawPointer? {
    guard let bytes = product(count, size) else { return failed() }
    return goalloc_realloc(block, bytes)
}

@_cdecl("goalloc_malloc_usable_size")
func goalloc_malloc_usable_size(_ block: UnsafeMutableRawPointer?) -> Int {
    guard let block else { return 0 }
    return GoAlloc.usableSize(of: block)
}

/// `count * size` for calloc and reallocarray, or nil when the product does not fit a size_t.
/// The arguments are size_t values in Int registers, so they are multiplied unsigned.
@inline(__always)
func product(_ count: Int, _ size: Int) -> Int? {
    let (bytes, overflow) = UInt(bitPattern: count).multipliedReportingOverflow(by: UInt(bitPattern: size))
    return overflow ? nil : Int(bitPattern: bytes)
}

/// Sets errno to ENOMEM and returns NULL: how the allocating calls report failure. (errno is set
/// in C: the Swift overlay's setter would be a call into another Swift library.)
@inline(__always)
func failed() -> UnsafeMutableRawPointer? {
    goalloc_set_errno(ENOMEM)
    return nil
}
