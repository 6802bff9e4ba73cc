import Testing
@testable import AllocatorStress
@testable import BenchKit

/// Every stress test checks what it wrote: on a correct allocator it reports nothing, and on an
/// allocator that hands out a block twice it reports the corruption (and survives it).
@Suite struct CorruptionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let threads: Int
        let operations: Int
        let run: @Sendable (_ memory: any BlockAllocator, _ report: CollectedReports) -> Void

        var testDescription: String { name }
    }

    /// Each test on `threads` threads for `operations` ops, on the allocator given.
    static func test<Test: StressTest>(_ type: Test.Type, threads: Int = 2, operations: Int = 3000) -> Case
    where Test.Memory == AnyBlockAllocator {
        Case(name: "\(Test.self)", threads: threads, operations: operations) { memory, report in
            Stress.execute(Test.self, StressSetup(memory: AnyBlockAllocator(memory), threads: threads,
                                                  operations: operations, report: report))
        }
    }

    static let cases: [Case] = [
        test(Larson<AnyBlockAllocator>.self, operations: 10000),
        test(ProducerConsumer<AnyBlockAllocator>.self),
        test(CacheScratch<AnyBlockAllocator>.self),
        test(ParetoMix<AnyBlockAllocator>.self),
        test(GlibcSimple<AnyBlockAllocator>.self),
        test(LargeBlocks<AnyBlockAllocator>.self, threads: 1, operations: 4),
        test(ThreadChurn<AnyBlockAllocator>.self),
        test(BinaryTrees<AnyBlockAllocator>.self, operations: 4),
    ]

    @Test(arguments: cases)
    func aCorrectAllocatorPassesEveryCheck(_ test: Case) {
        let report = CollectedReports()
        test.run(Allocator(for: .system), report)
        #expect(report.messages.isEmpty, "\(report.messages.first ?? "")")
    }

    @Test(arguments: cases)
    func aBlockHandedOutTwiceIsReported(_ test: Case) {
        let report = CollectedReports()
        let broken = DuplicatingAllocator(from: 2)
        test.run(broken, report)
        #expect(broken.shared != nil, "the broken allocator found a live block to hand out again")
        #expect(!report.messages.isEmpty, "\(test.name) did not notice a block handed out twice")
        #expect(report.messages.allSatisfy { $0.hasPrefix(test.name.prefix { $0 != "<" }) })
    }

    @Test func sharesCoverEveryOperationOnce() {
        for threads in 1...5 {
            for operations in [0, 1, 7, 4096, 10_001] {
                let setup = StressSetup(memory: Allocator(for: .system), threads: threads, operations: operations,
                                        report: CollectedReports())
                let shares = (0..<threads).map(setup.share)
                #expect(shares.reduce(0, +) == operations)
                #expect(shares.max()! - shares.min()! <= 1)
                let rounds = setup.rounds(perRound: 100)
                let done = (0..<threads).map { thread in
                    (0..<rounds).map { setup.ops(thread, round: $0, perRound: 100) }.reduce(0, +)
                }
                #expect(done == shares)
            }
        }
    }
}

/// Lets the tests run one specialisation of each stress test with either allocator.
struct AnyBlockAllocator: BlockAllocator {
    let base: any BlockAllocator

    init(_ base: any BlockAllocator) {
        self.base = base
    }

    func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer {
        base.allocate(byteCount: byteCount, alignment: alignment)
    }

    func deallocate(_ block: UnsafeMutableRawPointer, byteCount: Int, alignment: Int) {
        base.deallocate(block, byteCount: byteCount, alignment: alignment)
    }
}

/// Stamps check out for every size, including those whose tail word starts a page.
@Suite struct StampTests {
    @Test(arguments: [false, true])
    func everySizeChecksOutAndEveryStampedWordIsChecked(everyPage: Bool) {
        let sizes = Array(8...300) + (1...3).flatMap { pages in (Stamp.page * pages - 16)...(Stamp.page * pages + 24) }
        let block = UnsafeMutableRawPointer.allocate(byteCount: 4 * Stamp.page, alignment: 16)
        defer { block.deallocate() }
        for size in sizes {
            let tag = Stamp.tag(1, size)
            Stamp.write(block, size: size, tag: tag, everyPage: everyPage)
            #expect(Stamp.check(block, size: size, tag: tag, everyPage: everyPage), "size \(size)")
            var offsets = [0, Stamp.tailOffset(size)]
            if everyPage { offsets += (1..<Stamp.stampedPages(size)).map { $0 * Stamp.page } }
            for offset in offsets {
                let word = block.load(fromByteOffset: offset, as: UInt64.self)
                block.storeBytes(of: word ^ 0x80, toByteOffset: offset, as: UInt64.self)
                #expect(Stamp.damage(block, size: size, tag: tag, everyPage: everyPage)?.offset == offset, "size \(size)")
                block.storeBytes(of: word, toByteOffset: offset, as: UInt64.self)
            }
        }
    }
}
