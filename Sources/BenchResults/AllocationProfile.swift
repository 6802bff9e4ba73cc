import BenchKit
import Foundation

/// A cell's allocation sites with their frames named (`allocations/<cell>.json`, written by
/// `bench run --memprofile`): every call stack that allocated while the timer ran in the
/// counting pass's last run, what it allocated, and b.N of that run, so that a site's share is
/// allocs/op and B/op like the cell's own. Its folded stacks (``folded``) are written beside it
/// (`allocations/<cell>.folded`) for flame graph tools, and drawn in the report.
public struct AllocationProfile: Codable, Equatable, Sendable {
    /// One frame of a stack: a function, where it is, and the file it was loaded from.
    public struct Frame: Codable, Hashable, Sendable {
        /// Demangled (Swift's simplified form); `module+0x…` when the symbolizer did not know it.
        public var function: String
        /// The source file and line of the call (of the allocation, in the innermost frame), when
        /// the module has line tables.
        public var file: String?
        public var line: Int?
        /// The executable or library (file name only).
        public var module: String
        /// Inlined into the frame that follows it in the stack, so it has no frame of its own.
        public var inlined: Bool

        public init(function: String, file: String?, line: Int?, module: String, inlined: Bool) {
            self.function = function
            self.file = file
            self.line = line
            self.module = module
            self.inlined = inlined
        }

        /// `function (File.swift:41)`, or `function [module]` without a line: one frame of a folded stack.
        public var label: String {
            // Line 0 is DWARF's "no line" (compiler-generated code): the file alone then.
            let place = file.map { name in
                URL(fileURLWithPath: name).lastPathComponent + (line.map { $0 > 0 ? ":\($0)" : "" } ?? "")
            }
            // Folded stacks separate frames with ';' and end with ' count'.
            let text = place.map { "\(function) (\($0))" } ?? "\(function) [\(module)]"
            return text.replacingOccurrences(of: ";", with: ",")
        }
    }

    /// One call stack and what it allocated; its frames innermost first: the allocator's and
    /// the runtime's, then the program's.
    public typealias Site = AllocationStack<Frame>

    public var workload: String
    public var allocator: String
    public var threads: Int
    /// b.N of the recorded run.
    public var n: Int
    /// Most allocations first (then most bytes).
    public var sites: [Site]
    /// Allocations whose stacks found no room in the recorder's table.
    public var dropped: UInt64

    public init(workload: String, allocator: String, threads: Int, n: Int, sites: [Site], dropped: UInt64) {
        self.workload = workload
        self.allocator = allocator
        self.threads = threads
        self.n = n
        self.sites = sites.sorted { ($0.allocations, $0.bytes) > ($1.allocations, $1.bytes) }
        self.dropped = dropped
    }

    public var allocations: UInt64 { sites.reduce(0) { $0 + $1.allocations } + dropped }

    /// One line per stack, outermost frame first, weighted by allocations: the format of
    /// Brendan Gregg's flamegraph.pl, speedscope and the report's flame graph.
    public var folded: String {
        var stacks: [String: UInt64] = [:]
        for site in sites {
            stacks[site.frames.reversed().map(\.label).joined(separator: ";"), default: 0] += site.allocations
        }
        return stacks.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)\n" }.joined()
    }

    /// An allocating line of the program and what it allocated per op.
    public struct TopSite: Equatable, Sendable {
        /// The innermost frame in the program's own code (not the Swift runtime, libc or the allocator).
        public var site: Frame
        /// Its callers in its largest stack, innermost first (up to two): how the program got there.
        public var callers: [Frame]
        public var allocations: UInt64
        public var bytes: UInt64
    }

    /// The program's allocating lines, most allocations first: stacks that meet at the same
    /// innermost frame of the program's own code are one site (as `go tool pprof -top -lines`
    /// lists them). A frame is the program's when its module is not a system or toolchain
    /// library (`ownModule`); stacks with no such frame are listed by their innermost frame.
    public func topSites(ownModule: (String) -> Bool) -> [TopSite] {
        var bySite: [Frame: TopSite] = [:]
        var order: [Frame] = []
        for stack in sites {
            let index = stack.frames.firstIndex { ownModule($0.module) } ?? 0
            guard index < stack.frames.count else { continue }
            let site = stack.frames[index]
            if bySite[site] == nil {
                bySite[site] = TopSite(site: site, callers: Array(stack.frames.dropFirst(index + 1).prefix(2)),
                                       allocations: 0, bytes: 0)
                order.append(site)
            }
            bySite[site]!.allocations += stack.allocations
            bySite[site]!.bytes += stack.bytes
        }
        return order.compactMap { bySite[$0] }.sorted { $0.allocations > $1.allocations }
    }

    /// Whether a module (file name) is the system's or the toolchain's rather than the program's:
    /// libc, the Swift runtime and Foundation, the allocators, the counting interposer.
    public static func isSystemModule(_ module: String) -> Bool {
        let system = ["libc.so", "libc-", "ld-linux", "libswift", "libFoundation", "libdispatch", "libBlocksRuntime",
                      "libstdc++", "libgcc_s", "libjemalloc", "libtcmalloc", "libmimalloc", "libgoalloc", "libBenchCount", "?"]
        return system.contains { module.hasPrefix($0) }
    }

    /// The JSON text of the file.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    public init(json text: String) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(text.utf8))
    }
}
