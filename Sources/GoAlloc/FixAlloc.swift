// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

/// A free-list allocator for fixed-size metadata objects (Go's `fixalloc`, runtime/mfixalloc.go).
///
/// Span structures and thread caches come from here, never from the heap they describe. Memory
/// is taken from the OS in 16 KiB chunks and never returned; freed objects go on a free list and
/// are handed out again, zeroed. `inuse` and `sys` are the allocator's MemStats pair
/// (MSpanInuse/MSpanSys, MCacheInuse/MCacheSys).
///
/// Not synchronised: the heap lock guards every FixAlloc (as in Go).
struct FixAlloc {
    static let chunkBytes = 16 * 1024

    /// Object size in bytes (a multiple of 16).
    private(set) var size: Int
    private var list: UnsafeMutableRawPointer?
    private var chunk: UnsafeMutableRawPointer?
    private var chunkLeft = 0
    /// Bytes of objects handed out and not freed.
    private(set) var inuse: UInt64 = 0
    /// Bytes mapped for this allocator.
    var sys: UInt64 = 0

    init(size: Int) {
        self.size = (size + 15) & ~15
    }

    /// A zeroed object.
    mutating func alloc() -> UnsafeMutableRawPointer {
        inuse += UInt64(size)
        if let object = list {
            list = object.load(as: UnsafeMutableRawPointer?.self)
            object.initializeMemory(as: UInt8.self, repeating: 0, count: size)
            return object
        }
        if chunkLeft < size {
            chunk = OSMemory.sysAlloc(Self.chunkBytes, charging: &sys)
            chunkLeft = Self.chunkBytes
        }
        let object = chunk!
        chunk = object + size
        chunkLeft -= size
        return object // fresh from mmap: already zero
    }

    mutating func free(_ object: UnsafeMutableRawPointer) {
        inuse -= UInt64(size)
        object.storeBytes(of: list, as: UnsafeMutableRawPointer?.self)
        list = object
    }
}
