import BenchKit
import BenchResults

/// The source lines a workload's body reaches: the body of its `Workload(...)` call and, through
/// every call to a function of the same module, those functions' bodies (transitively). Remarks
/// on these lines are the ones `bench why` shows for the workload.
///
/// Calls are matched by name (see ``SwiftSourceText``), so the scope may hold more lines than the
/// body runs, never fewer within the module. Code of other modules (BenchKit, the standard
/// library) is outside it: what it allocates shows in the measurement, not in the remarks, and
/// the report says so when the two disagree.
public struct WorkloadScope: Sendable {
    /// Lines of one file, with what they are.
    public struct Region: Equatable, Sendable {
        public let file: String
        public let lines: ClosedRange<Int>
        /// `body` for the workload's own closure, `func NAME` for a function it reaches.
        public let label: String
    }

    public let regions: [Region]

    /// The scope of the workload defined at `source`, among the module's `files` (read in path
    /// order, so the same sources always give the same regions).
    public static func resolve(workload: String, source: SourceLocation, files: [SwiftSourceText]) throws(InputError) -> WorkloadScope {
        guard let file = files.first(where: { $0.path == source.file }) else {
            throw InputError("\(workload) is defined in \(source.file), which is not among the sources the compiler built")
        }
        let body = file.callBody(startingOn: source.line)
        var regions: [Region] = []
        var pending: [String] = body.bodyFunction.map { [$0] } ?? []
        if let lines = body.lines {
            regions.append(Region(file: file.path, lines: lines, label: "body"))
            pending += file.calledNames(on: lines)
        }
        guard !regions.isEmpty || !pending.isEmpty else {
            throw InputError("\(workload): no Workload(...) call with a body at \(source.file):\(source.line)")
        }
        let functions = files.sorted { $0.path < $1.path }.flatMap { file in file.functions.map { (file, $0) } }
        // Breadth first, in call order, so the regions read from the body outwards.
        var followed = Set<String>()
        while !pending.isEmpty {
            let name = pending.removeFirst()
            guard followed.insert(name).inserted else { continue }
            for (file, function) in functions where function.name == name {
                regions.append(Region(file: file.path, lines: function.lines, label: "func \(name)"))
                pending += file.calledNames(on: function.lines)
            }
        }
        return WorkloadScope(regions: regions)
    }

    /// Whether the remark's line is in the scope.
    public func contains(_ remark: CompilerRemark) -> Bool {
        regions.contains { $0.file == remark.file && $0.lines.contains(remark.line) }
    }

    /// The innermost region holding the line (a function declared inside the body wins).
    public func region(of remark: CompilerRemark) -> Region? {
        regions.filter { $0.file == remark.file && $0.lines.contains(remark.line) }.min { $0.lines.count < $1.lines.count }
    }
}
