import Foundation
import Testing
@testable import GoAlloc
import CGoAlloc

/// The tables match Go 1.19's, as recorded in Tests/Reference/go-runtime.
@Suite struct SizeClassTests {
    static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Reference/go-runtime")

    func rows(_ file: String) throws -> [[Int]] {
        let text = try String(contentsOf: Self.reference.appendingPathComponent(file), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { line in
            line.split(separator: ",").map { Int($0.replacingOccurrences(of: "%", with: "").split(separator: ".")[0]) ?? -1 }
        }
    }

    /// The thread cache's size in C (the read-only empty cache a thread without one holds) is its
    /// layout in Swift: a header, the class table and each per-class field array.
    @Test func theCacheLayoutFitsTheSizeCKnows() {
        #expect(MCache.classesOffset + CacheClass.fields * 8 * SizeClasses.count == MCache.bytes)
        #expect(MCache.classTableBytes >= 2049 && MCache.classTableBytes % 8 == 0)
        #expect(MCache.bytes == Int(GOALLOC_MCACHE_BYTES))
    }

    @Test func everyClassMatchesTheReference() throws {
        let classes = try rows("sizeclasses.csv")
        #expect(classes.count == 67)
        #expect(SizeClasses.count == 68)
        for row in classes {
            let sizeClass = row[0]
            #expect(SizeClasses.size(sizeClass) == row[1], "class \(sizeClass) size")
            #expect(SizeClasses.npages(sizeClass) * 8192 == row[2], "class \(sizeClass) span bytes")
            #expect(SizeClasses.nelems(sizeClass) == row[3], "class \(sizeClass) objects")
            #expect(SizeClasses.minAlign(sizeClass) == row[6], "class \(sizeClass) alignment")
        }
    }

    @Test func everySizeFrom1To32768MapsAsGoMapsIt() throws {
        let small = try rows("size_to_class8.csv").map { $0[2] }
        let large = try rows("size_to_class128.csv").map { $0[2] }
        for size in 1...32768 {
            let expected = size <= 1016 ? small[(size + 7) / 8] : large[(size - 1024 + 127) / 128]
            let actual = SizeClasses.sizeClass(size)
            if actual != expected {
                Issue.record("size \(size): class \(actual), Go says \(expected)")
                return
            }
            // The class is the smallest that holds the size.
            #expect(SizeClasses.size(actual) >= size)
            #expect(SizeClasses.size(actual - 1) < size)
        }
    }

    /// The fast path's one-load table gives Go's class of the size rounded up to 16, for every size.
    @Test func theSixteenByteTableAgreesWithGosTablesForEverySize() {
        for size in 0...32768 {
            let expected = SizeClasses.sizeClass((max(size, 1) + 15) & ~15)
            if SizeClasses.sizeClass16(size) != expected {
                Issue.record("size \(size): class \(SizeClasses.sizeClass16(size)), Go's tables give \(expected)")
                return
            }
        }
    }

    @Test func divMulDividesEveryOffsetInASpan() {
        for sizeClass in 1..<SizeClasses.count {
            let size = SizeClasses.size(sizeClass)
            let divMul = UInt64(SizeClasses.divMul(sizeClass))
            for index in 0..<SizeClasses.nelems(sizeClass) {
                for offset in [index * size, index * size + size - 1] {
                    #expect((UInt64(offset) * divMul) >> 32 == UInt64(index), "class \(sizeClass) offset \(offset)")
                }
            }
        }
    }

    @Test func alignedRequestsGetTheSmallestClassWhoseObjectsAreAligned() {
        for alignment in [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192] {
            for size in [1, 15, 16, 17, 100, 1000, 3000, 6600, 9000, 20000, 32768] {
                let sizeClass = SizeClasses.sizeClass(size: size, alignment: alignment)
                guard sizeClass != 0 else {
                    // Only when no small class is both big enough and aligned enough.
                    #expect((1..<SizeClasses.count).allSatisfy { SizeClasses.size($0) < size || SizeClasses.minAlign($0) < alignment })
                    continue
                }
                #expect(SizeClasses.size(sizeClass) >= size)
                #expect(SizeClasses.minAlign(sizeClass) >= alignment)
                let smaller = (1..<sizeClass).filter { SizeClasses.size($0) >= size && SizeClasses.minAlign($0) >= alignment }
                #expect(smaller.isEmpty, "size \(size) alignment \(alignment): class \(sizeClass), but \(smaller) would do")
            }
        }
        // 16 bytes is the minimum alignment, as glibc's: 8- and 24-byte classes are never used.
        #expect(SizeClasses.sizeClass(size: 8, alignment: 8) == 2)
        #expect(SizeClasses.sizeClass(size: 24, alignment: 1) == 4)
    }
}
