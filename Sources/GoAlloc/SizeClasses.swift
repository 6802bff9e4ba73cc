// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

import CGoAlloc

/// Go 1.19's size classes (runtime/sizeclasses.go): objects up to 32 KiB are rounded up to one of
/// 67 sizes, each carved from spans of a fixed number of 8 KiB pages. Class 0 means "large": an
/// object with a span of its own. The tables are generated into CGoAlloc's GoSizeClasses.h.
enum SizeClasses {
    static let count = Int(GO_NUM_SIZE_CLASSES)
    static let maxSmallSize = Int(GO_MAX_SMALL_SIZE)
    /// The largest request size_to_class8 covers (Go's smallSizeMax - 8).
    static let maxSmallSize8 = Int(GO_SMALL_SIZE_MAX) - 8
    static let pageShift = Int(GO_PAGE_SHIFT)
    static let pageSize = Int(GO_PAGE_SIZE)

    /// The class of a small object (0 < size <= 32768).
    @inline(__always)
    static func sizeClass(_ size: Int) -> Int { Int(goalloc_size_class(size)) }

    /// The class of a request (0...32768 bytes) aligned to 16: Go's class for the size rounded up
    /// to 16, in one table load.
    @inline(__always)
    static func sizeClass16(_ size: Int) -> Int { Int(goalloc_size_class16(size)) }

    /// Go's class of a request of 1...1016 bytes (`smallSizeMax - 8`, size_to_class8's range) in
    /// one table load.
    @inline(__always)
    static func sizeClass8(_ size: Int) -> Int { Int(goalloc_size_class8(size)) }

    @inline(__always)
    static func size(_ sizeClass: Int) -> Int { Int(goalloc_class_size(UInt32(truncatingIfNeeded: sizeClass))) }

    @inline(__always)
    static func npages(_ sizeClass: Int) -> Int { Int(goalloc_class_npages(UInt32(truncatingIfNeeded: sizeClass))) }

    @inline(__always)
    static func nelems(_ sizeClass: Int) -> Int { Int(goalloc_class_nelems(UInt32(truncatingIfNeeded: sizeClass))) }

    @inline(__always)
    static func minAlign(_ sizeClass: Int) -> Int { Int(goalloc_class_min_align(UInt32(truncatingIfNeeded: sizeClass))) }

    @inline(__always)
    static func divMul(_ sizeClass: Int) -> UInt32 { goalloc_class_div_mul(UInt32(truncatingIfNeeded: sizeClass)) }

    /// The class for `size` bytes aligned to `alignment` (a power of two, at most the page size),
    /// or 0 when only a span of its own will do or the request is invalid (the slow path sorts
    /// those out). Every object of a class is aligned to the class's `minAlign` (spans start on a
    /// page), so the search moves up until that alignment suffices. Alignments up to 16 are
    /// served as 16, like glibc's malloc.
    @inline(__always)
    static func sizeClass(size: Int, alignment: Int) -> Int {
        // One compare each: alignment in 1...16 (0 wraps around), size in 0...32768 (negatives wrap).
        if UInt(bitPattern: alignment) &- 1 < 16 && alignment & (alignment &- 1) == 0 {
            return UInt(bitPattern: size) <= UInt(maxSmallSize) ? sizeClass16(size) : 0
        }
        return alignedSizeClass(size: size, alignment: alignment)
    }

    @inline(never)
    static func alignedSizeClass(size: Int, alignment: Int) -> Int {
        guard alignment > 0, alignment & (alignment - 1) == 0, alignment <= pageSize,
              size >= 0, size <= maxSmallSize else { return 0 }
        let rounded = (max(size, 1) + alignment - 1) & ~(alignment - 1)
        guard rounded <= maxSmallSize else { return 0 }
        var candidate = sizeClass(rounded)
        while candidate < count, minAlign(candidate) < alignment { candidate += 1 }
        return candidate < count ? candidate : 0
    }
}

/// A span's class: size class and whether its objects hold no pointers (Go's spanClass; the
/// noscan bit matters once the collector scans objects).
struct SpanClass: Equatable {
    var rawValue: UInt8

    init(sizeClass: Int, noscan: Bool) {
        rawValue = UInt8(truncatingIfNeeded: sizeClass << 1) | (noscan ? 1 : 0)
    }

    var sizeClass: Int { Int(rawValue >> 1) }
    var noscan: Bool { rawValue & 1 != 0 }

    /// Spans of large objects.
    static let large = SpanClass(sizeClass: 0, noscan: false)
}
