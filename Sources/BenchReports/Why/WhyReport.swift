import BenchKit
import BenchResults
import Foundation

/// `bench why`'s answer for one workload: the compiler's remarks on the lines the workload
/// reaches, next to the allocations a run measured, and whether the two agree.
public struct WhyReport: Sendable {
    /// What a run folder measured for the workload: medians over its ok repetitions.
    public struct Measured: Equatable, Sendable {
        public let allocsPerOp: Double
        public let bytesPerOp: Double
        public let repetitions: Int
        public let allocators: [String]
        /// The run measured a debug build, whose unoptimised code may allocate where the
        /// optimised code the remarks describe does not.
        public var debugBuild = false

        /// The medians of the workload's ok rows, or nil when the run holds none with counts.
        public static func from(_ data: RunData, workload: String) -> Measured? {
            let rows = data.runs.filter { $0.cell.fullName == workload && $0.status == .ok && $0.allocsPerOp != nil }
            guard let allocs = Statistics.median(rows.compactMap(\.allocsPerOp)),
                  let bytes = Statistics.median(rows.compactMap(\.bytesPerOp)) else { return nil }
            return Measured(allocsPerOp: allocs, bytesPerOp: bytes, repetitions: rows.count,
                            allocators: AllocatorOrder.sorted(rows.map(\.cell.allocator)), debugBuild: data.parameters.contains { $0.decoded?.build == .debug })
        }
    }

    /// Whether the remarks and the measurement tell the same story about heap allocation.
    public enum Verdict: Equatable, Sendable {
        /// Both say the workload allocates, or both say it does not.
        case agree
        /// The compiler reports heap allocations on the path, the run measured none.
        case remarksWithoutAllocations
        /// The run measured allocations the compiler's remarks do not show.
        case allocationsWithoutRemarks
        /// No run folder, or no measured row for the workload.
        case notMeasured
    }

    public let workload: String
    public let scope: WorkloadScope
    /// The remarks in the scope, in file and line order.
    public let remarks: [CompilerRemark]
    public let measured: Measured?

    public init(workload: String, scope: WorkloadScope, remarks: [CompilerRemark], measured: Measured?) {
        self.workload = workload
        self.scope = scope
        self.remarks = remarks.filter(scope.contains).sorted { ($0.file, $0.line, $0.column) < ($1.file, $1.line, $1.column) }
        self.measured = measured
    }

    /// The remarks of one kind.
    public func remarks(_ kind: CompilerRemark.Kind) -> [CompilerRemark] { remarks.filter { $0.kind == kind } }

    /// A measured allocs/op under one half is zero: a workload that allocates once per run
    /// (not per op) shows a fraction, not an allocation per operation.
    public var verdict: Verdict {
        guard let measured else { return .notMeasured }
        let compilerAllocates = !remarks(.heapAllocation).isEmpty
        let measuredAllocates = measured.allocsPerOp >= 0.5
        switch (compilerAllocates, measuredAllocates) {
        case (true, false): return .remarksWithoutAllocations
        case (false, true): return .allocationsWithoutRemarks
        default: return .agree
        }
    }

    /// The report as text: the measurement, every remark under its source line, the counts and
    /// the verdict. Paths are shown relative to `root` when under it.
    public func render(sources: [String: SwiftSourceText], root: String) -> String {
        func shortPath(_ path: String) -> String {
            path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
        }
        var out = "\(workload)\n"
        if let measured {
            out += "  measured: \(NumberFormat.fixed(measured.allocsPerOp, 2)) allocs/op, "
                + "\(NumberFormat.fixed(measured.bytesPerOp, 1)) B/op (median of \(measured.repetitions) repetitions on "
                + "\(measured.allocators.joined(separator: ", ")))\n"
            if measured.debugBuild {
                out += "  note: the run measured a debug build; the remarks describe the optimised code\n"
            }
        } else {
            out += "  measured: nothing (give --results a folder of a run that measured it)\n"
        }
        out += "  lines read: " + scope.regions.map { "\(shortPath($0.file)):\($0.lines.lowerBound)-\($0.lines.upperBound) (\($0.label))" }
            .joined(separator: ", ") + "\n"
        var lastLine: (String, Int)?
        for remark in remarks {
            if lastLine.map({ $0 != (remark.file, remark.line) }) ?? true {
                let text = sources[remark.file].flatMap { remark.line <= $0.lines.count ? $0.lines[remark.line - 1] : nil }
                let label = scope.region(of: remark).map { " [\($0.label)]" } ?? ""
                out += "  \(shortPath(remark.file)):\(remark.line)\(label)  \(text.map { $0.trimmingCharacters(in: .whitespaces) } ?? "")\n"
                lastLine = (remark.file, remark.line)
            }
            out += "      \(remark.kind.rawValue) '\(remark.type)'\n"
        }
        let heap = remarks(.heapAllocation).count, stack = remarks(.stackAllocation).count
        out += "  compiler: \(Self.count(heap, "heap allocation site")), \(stack) promoted to the stack, "
            + "\(Self.count(remarks(.retain).count, "retain")), \(Self.count(remarks(.release).count, "release")) left after optimisation\n"
        switch verdict {
        case .agree where heap == 0:
            out += "  agrees: no heap allocation on the workload's lines, and none measured\n"
        case .agree:
            out += "  agrees: the compiler allocates on the heap at the lines above, and the run measured "
                + "\(NumberFormat.fixed(measured?.allocsPerOp ?? 0, 2)) allocs/op\n"
        case .remarksWithoutAllocations:
            out += "  DISAGREES: the compiler reports \(Self.count(heap, "heap allocation site")) but the run measured "
                + "\(NumberFormat.fixed(measured?.allocsPerOp ?? 0, 2)) allocs/op (a site outside the timed loop, "
                + "or on a path the run does not take)\n"
        case .allocationsWithoutRemarks:
            out += "  DISAGREES: the run measured \(NumberFormat.fixed(measured?.allocsPerOp ?? 0, 2)) allocs/op but the "
                + "compiler reports no heap allocation on the workload's lines (the allocations are in another module: the "
                + "standard library's array or string storage, BenchKit, a C library)\n"
        case .notMeasured:
            break
        }
        return out
    }

    /// `1 release`, `2 releases`.
    static func count(_ value: Int, _ noun: String) -> String { "\(value) \(noun)\(value == 1 ? "" : "s")" }
}
