#if canImport(Glibc)
import Glibc
#endif

/// A stack painted from its low end up to just under the frame that painted it, so that the
/// deepest byte used since can be found: the stack high-water mark of what ran in between.
struct StackPaint {
    static let paintByte: UInt8 = 0xA5
    /// Bytes left unpainted under the painting frame, so that painting cannot paint over its own
    /// call: the resolution of the mark.
    static let unpaintedBytes = 128

    /// About the caller's stack pointer: marks are measured down from here.
    private let top: UnsafeMutableRawPointer
    private let low: UnsafeMutableRawPointer
    private let paintEnd: UnsafeMutableRawPointer

    /// Paints the stack from `low` (its lowest usable byte) up to just under the caller's frame.
    @inline(never)
    init(low: UnsafeMutableRawPointer) {
        top = Self.stackPointerEstimate()
        self.low = low
        paintEnd = low + ((top - Self.unpaintedBytes - low) & ~7)
        memset(low, Int32(Self.paintByte), paintEnd - low)
    }

    /// Bytes of stack below the painting frame that were used since it painted.
    var highWaterMark: Int {
        top - Self.deepestTouched(from: low, to: paintEnd)
    }

    /// The address of a local in a frame just below the caller's: the caller's stack pointer, give
    /// or take that frame.
    @inline(never)
    private static func stackPointerEstimate() -> UnsafeMutableRawPointer {
        var local = 0
        return withUnsafeMutablePointer(to: &local) { UnsafeMutableRawPointer($0) }
    }

    /// The lowest address in `low..<high` (8-byte aligned) that no longer holds the paint, or `high`.
    static func deepestTouched(from low: UnsafeMutableRawPointer, to high: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        let paintWord = UInt64(paintByte) &* 0x0101_0101_0101_0101
        var word = low
        while word < high {
            let value = word.load(as: UInt64.self)
            if value != paintWord {
                // Little-endian: the lowest address is the least significant byte.
                return word + ((value ^ paintWord).trailingZeroBitCount / 8)
            }
            word += 8
        }
        return high
    }
}
