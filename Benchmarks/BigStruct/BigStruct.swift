import BenchKit

/// The value at the heart of the copy-vs-pointer study: three Ints, three Strings, three Bools
/// (75 bytes of payload, like the Go struct it mirrors).
public struct BigStruct: Sendable {
    public var a, b, c: Int
    public var d, e, f: String
    public var g, h, i: Bool

    /// The values every workload of the suite builds.
    @inline(__always)
    public static func sample() -> BigStruct {
        BigStruct(a: 123, b: 456, c: 789, d: "ABC", e: "DEF", f: "HIJ", g: true, h: true, i: true)
    }
}

/// The same data behind a reference: Swift's counterpart of Go's `*BigStruct`, one heap block
/// (16-byte object header + 75 bytes) with a reference count.
public final class BigStructObject {
    public var value: BigStruct

    @inline(__always)
    public init(_ value: BigStruct) {
        self.value = value
    }
}

// `@inline(never)` plays the part of Go's `//go:noinline`: the call really happens, so the
// struct really crosses a stack frame (CopyIt) or the object really escapes to the heap
// (PointerIt) instead of being optimised into the caller.

/// Returns the struct by value: it is built in the caller's stack frame, no allocation.
@inline(never)
public func copyIt() -> BigStruct {
    BigStruct.sample()
}

/// Returns the data in a class instance: one malloc here, one free when the caller drops it.
@inline(never)
public func pointerIt() -> BigStructObject {
    BigStructObject(BigStruct.sample())
}

/// Allocates the struct through the explicit allocator interface and initialises it there: one
/// block of `MemoryLayout<BigStruct>.stride` bytes, no reference count. The caller frees it by hand.
@inline(never)
public func pointerItManual(_ allocator: Allocator) -> UnsafeMutablePointer<BigStruct> {
    let pointer = allocator.allocate(BigStruct.self)
    pointer.initialize(to: BigStruct.sample())
    return pointer
}
