#if canImport(Glibc)
import Glibc
#endif
import CGoAlloc
import GoAlloc

// The aligned members of the malloc family, with glibc 2.36's rules for their arguments:
// posix_memalign checks its alignment strictly and returns the error; memalign and aligned_alloc
// (an alias of memalign in this glibc) round an alignment that is not a power of two up to one;
// valloc and pvalloc align to the system page (and pvalloc rounds the size up to whole pages).
// Alignments up to 16 are malloc's own; larger ones up to GoAlloc.maxAlignment are honoured, and
// beyond that the call fails with ENOMEM (no memory can be had so aligned).

@_cdecl("goalloc_posix_memalign")
func goalloc_posix_memalign(_ result: UnsafeMutablePointer<UnsafeMutableRawPointer?>, _ alignment: Int,
                                   _ size: Int) -> Int32 {
    let pointerSize = MemoryLayout<UnsafeRawPointer>.size
    guard alignment > 0, alignment & (alignment - 1) == 0, alignment % pointerSize == 0 else { return EINVAL }
    // *result is left alone on failure, as POSIX requires.
    guard let block = GoAlloc.allocate(byteCount: size, alignment: alignment) else { return ENOMEM }
    result.pointee = block
    return 0
}

@_cdecl("goalloc_memalign")
func goalloc_memalign(_ alignment: Int, _ size: Int) -> UnsafeMutableRawPointer? {
    // A size_t alignment over half the address space cannot be rounded up to a power of two.
    let requested = UInt(bitPattern: alignment)
    guard requested <= 1 << (UInt.bitWidth - 1) else {
        goalloc_set_errno(EINVAL)
        return nil
    }
    let powerOfTwo: UInt = requested <= 1 ? 1 : 1 << (UInt.bitWidth - (requested - 1).leadingZeroBitCount)
    guard let block = GoAlloc.allocate(byteCount: size, alignment: Int(bitPattern: powerOfTwo)) else { return failed() }
    return block
}

@_cdecl("goalloc_aligned_alloc")
func goalloc_aligned_alloc(_ alignment: Int, _ size: Int) -> UnsafeMutableRawPointer? {
    goalloc_memalign(alignment, size)
}

@_cdecl("goalloc_valloc")
func goalloc_valloc(_ size: Int) -> UnsafeMutableRawPointer? {
    goalloc_memalign(Int(getpagesize()), size)
}

@_cdecl("goalloc_pvalloc")
func goalloc_pvalloc(_ size: Int) -> UnsafeMutableRawPointer? {
    let page = Int(getpagesize())
    // Whole pages (0 stays 0, as in glibc); a size that cannot be rounded up fails.
    let (rounded, overflow) = UInt(bitPattern: size).addingReportingOverflow(UInt(page - 1))
    guard !overflow else { return failed() }
    return goalloc_memalign(page, Int(bitPattern: rounded & ~UInt(page - 1)))
}
