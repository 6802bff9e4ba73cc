import CBenchKit
import Glibc
import Testing
@testable import BenchKit

/// The hardware counters open, or explain why not; the columns stay empty then.
@Suite struct HardwareCountersTests {
    @Test func aKernelWithoutHardwareEventsIsExplained() {
        let result = HardwareCounters.open(opener: { _ in -ENOENT })
        guard case .failure(let failure) = result else {
            Issue.record("a failing opener gave counters")
            return
        }
        #expect(failure.reason == "perf_event_open(instructions): No such file or directory; "
            + "the kernel offers no hardware counters here (usual in VMs)")
    }

    @Test func theCountersOpenedBeforeAFailureAreClosed() {
        var opened: [Int32] = []
        let result = HardwareCounters.open(opener: { event in
            guard event.name == "instructions" else { return -EACCES }
            let fd = open("/dev/null", O_RDONLY)
            opened.append(fd)
            return fd
        })
        guard case .failure(let failure) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.reason.hasPrefix("perf_event_open(cycles): Permission denied; not permitted"))
        #expect(opened.count == 1 && fcntl(opened[0], F_GETFD) == -1, "the first counter was left open")
    }

    /// The reading path on real perf events: software ones, which every Linux kernel has (the
    /// hardware ones are missing on most VMs, this one included).
    @Test func softwareEventsCountTheTimedRegion() throws {
        let taskClock = HardwareCounters.Event(name: "task-clock", type: UInt32(PERF_TYPE_SOFTWARE.rawValue),
                                               config: UInt64(PERF_COUNT_SW_TASK_CLOCK.rawValue))
        guard case .success(var counters) = HardwareCounters.open([taskClock]) else {
            Issue.record("perf_event_open refused even the task clock")
            return
        }
        defer { counters.close() }
        counters.start()
        var x: UInt64 = 1
        for i in 0..<5_000_000 { x = x &* 6_364_136_223_846_793_005 &+ UInt64(i) }
        counters.stop()
        #expect(x != 0)
        guard case .counts(let totals) = counters.reading else {
            Issue.record("no counts")
            return
        }
        #expect(totals.count == 1 && totals[0] > 100_000, "task clock: \(totals) ns")
        counters.reset()
        guard case .counts(let zeroed) = counters.reading else { return }
        #expect(zeroed == [0])
    }

    /// On this machine: either the hardware counters open, or the reading says why not.
    @Test func theHardwareCountersOpenOrSayWhy() {
        switch HardwareCounters.open() {
        case .success(var counters):
            defer { counters.close() }
            counters.start()
            var x: UInt64 = 1
            for i in 0..<1_000_000 { x = x &* 6_364_136_223_846_793_005 &+ UInt64(i) }
            counters.stop()
            #expect(x != 0)
            guard case .counts(let totals) = counters.reading else {
                Issue.record("the hardware counters opened but read nothing")
                return
            }
            #expect(totals.count == 4 && totals[0] > 1_000_000, "a million multiply-adds: \(totals) instructions, cycles, ...")
        case .failure(let failure): #expect(failure.reason.hasPrefix("perf_event_open(instructions): "))
        }
    }
}
