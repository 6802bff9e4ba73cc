// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

/// A growable array of words in memory mapped from the OS, never from the heap it serves: the
/// collector's mark stack (Go's gcWork buffers) and the table of registered roots. Growing maps
/// a region twice the size and copies; the old one goes back to the OS. `sys` is charged to GCSys.
///
/// Not synchronised: the heap lock guards both users.
struct OffHeapWords {
    static let initialCapacity = 4096

    private(set) var words: UnsafeMutablePointer<UInt>?
    private(set) var count = 0
    private var capacity = 0
    /// Bytes mapped.
    private(set) var sys: UInt64 = 0

    @inline(__always)
    mutating func push(_ word: UInt) {
        if count == capacity { grow() }
        words.unsafelyUnwrapped[count] = word
        count &+= 1 // under capacity
    }

    /// Pushes the grey object of `bytes` at `object` as the mark's (start, end) pair.
    @inline(__always)
    mutating func pushBounds(_ object: UInt, _ bytes: UInt) {
        push(object)
        push(object &+ bytes)
    }

    @inline(__always)
    mutating func pop() -> UInt? {
        guard count > 0 else { return nil }
        count &-= 1
        return words.unsafelyUnwrapped[count]
    }

    /// Moves the first `length` words to the top of `other`, and the rest down in their place.
    mutating func moveBottom(_ length: Int, to other: inout OffHeapWords) {
        guard let words, length > 0 else { return }
        other.append(words, length)
        count &-= length
        UnsafeMutableRawPointer(words).copyMemory(from: words + length, byteCount: count &* MemoryLayout<UInt>.stride)
    }

    /// Moves the last `length` words to the top of `other`.
    mutating func moveTop(_ length: Int, to other: inout OffHeapWords) {
        guard let words, length > 0 else { return }
        count &-= length
        other.append(words + count, length)
    }

    private mutating func append(_ source: UnsafeMutablePointer<UInt>, _ length: Int) {
        while count &+ length > capacity { grow() }
        (words.unsafelyUnwrapped + count).update(from: source, count: length)
        count &+= length
    }

    /// Forgets every word (the mapping stays).
    mutating func removeAll() { count = 0 }

    /// Removes the `length` words at `index`, moving the last `length` words into their place.
    mutating func removeSwapping(at index: Int, length: Int) {
        count -= length
        guard let words, index < count else { return }
        (words + index).update(from: words + count, count: length)
    }

    private mutating func grow() {
        let newCapacity = capacity == 0 ? Self.initialCapacity : capacity * 2
        let bytes = newCapacity * MemoryLayout<UInt>.stride
        let fresh = OSMemory.sysAlloc(bytes, charging: &sys).bindMemory(to: UInt.self, capacity: newCapacity)
        if let words {
            fresh.update(from: words, count: count)
            OSMemory.sysFree(UInt(bitPattern: words), capacity * MemoryLayout<UInt>.stride)
            sys -= UInt64(capacity * MemoryLayout<UInt>.stride)
        }
        words = fresh
        capacity = newCapacity
    }
}
