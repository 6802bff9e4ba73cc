import CBenchKit
#if canImport(Glibc)
import Glibc
#endif

/// The CPU's own counts over the timed part of a run: instructions, cycles, branch misses and
/// last-level cache misses, from the kernel's perf events (user space only, every thread of the
/// worker), read around the same timer as ns/op, at no cost to the run. Where the kernel offers no
/// hardware events (most VMs: perf_event_open fails with ENOENT), the reading says why instead.
public struct HardwareCounters {
    /// A counter to open: the perf event's type and config.
    struct Event: Sendable {
        let name: String
        let type: UInt32
        let config: UInt64

        static let instructions = Event(name: "instructions", type: UInt32(PERF_TYPE_HARDWARE.rawValue),
                                        config: UInt64(PERF_COUNT_HW_INSTRUCTIONS.rawValue))
        static let cycles = Event(name: "cycles", type: UInt32(PERF_TYPE_HARDWARE.rawValue),
                                  config: UInt64(PERF_COUNT_HW_CPU_CYCLES.rawValue))
        static let branchMisses = Event(name: "branch-misses", type: UInt32(PERF_TYPE_HARDWARE.rawValue),
                                        config: UInt64(PERF_COUNT_HW_BRANCH_MISSES.rawValue))
        static let cacheMisses = Event(name: "cache-misses", type: UInt32(PERF_TYPE_HARDWARE.rawValue),
                                       config: UInt64(PERF_COUNT_HW_CACHE_MISSES.rawValue))
        /// The four counters of a reading, in ``HardwareCounters/eventNames`` order.
        static let hardware = [instructions, cycles, branchMisses, cacheMisses]
    }

    /// The events of ``Reading/counts(_:)``, in order.
    public static var eventNames: [String] { Event.hardware.map(\.name) }

    /// What a run's counters read, or why there is nothing to read.
    public enum Reading: Codable, Equatable, Sendable {
        /// Totals over the timed part of the run, in ``HardwareCounters/eventNames`` order.
        case counts([UInt64])
        case unavailable(reason: String)
    }

    /// Opens a counter: a descriptor, or -errno (``benchkit_perf_open`` unless a test fakes it).
    typealias Opener = (Event) -> Int32

    private let descriptors: [Int32]
    private var totals: [UInt64]

    private init(descriptors: [Int32]) {
        self.descriptors = descriptors
        totals = Array(repeating: 0, count: descriptors.count)
    }

    /// Opens every event, or explains the first that cannot be opened (closing the others).
    static func open(_ events: [Event] = Event.hardware,
                     opener: Opener = { benchkit_perf_open($0.type, $0.config) }) -> Result<HardwareCounters, Failure> {
        var descriptors: [Int32] = []
        for event in events {
            let fd = opener(event)
            guard fd >= 0 else {
                descriptors.forEach { _ = Glibc.close($0) }
                return .failure(Failure(event: event.name, errno: -fd))
            }
            descriptors.append(fd)
        }
        return .success(HardwareCounters(descriptors: descriptors))
    }

    /// Why the counters could not be opened, in words for `params.json` and the report.
    struct Failure: Error, Equatable {
        let event: String
        let errno: Int32

        var reason: String {
            let text = String(cString: strerror(errno))
            let hint = switch errno {
            case ENOENT, EOPNOTSUPP: "the kernel offers no hardware counters here (usual in VMs)"
            case EACCES, EPERM: "not permitted: see /proc/sys/kernel/perf_event_paranoid"
            case ENOSYS: "the kernel has no perf events"
            default: "perf_event_open failed"
            }
            return "perf_event_open(\(event)): \(text); \(hint)"
        }
    }

    mutating func start() {
        for fd in descriptors {
            _ = benchkit_perf_ioctl(fd, benchkit_perf_reset())
            _ = benchkit_perf_ioctl(fd, benchkit_perf_enable())
        }
    }

    mutating func stop() {
        for (index, fd) in descriptors.enumerated() {
            _ = benchkit_perf_ioctl(fd, benchkit_perf_disable())
            var value: UInt64 = 0
            if read(fd, &value, MemoryLayout<UInt64>.size) == MemoryLayout<UInt64>.size { totals[index] &+= value }
        }
    }

    mutating func reset() {
        totals = Array(repeating: 0, count: descriptors.count)
        for fd in descriptors { _ = benchkit_perf_ioctl(fd, benchkit_perf_reset()) }
    }

    var reading: Reading { .counts(totals) }

    func close() {
        descriptors.forEach { _ = Glibc.close($0) }
    }
}
