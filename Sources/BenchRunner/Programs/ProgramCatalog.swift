import BenchKit
import BenchResults
import Foundation

/// The programs `bench` can run as cells: the built-in suite's files (`Benchmarks/Programs/*.json`)
/// and those given with `--program`.
///
/// A built-in program whose Debian package is not installed is kept, with the reason, so that a
/// run that selects it skips it with a warning (as it skips an allocator that is not installed);
/// a `--program` whose command is missing, or any program whose input is missing, stops the run
/// before any work.
public struct ProgramCatalog: Sendable {
    /// Each program, and why it cannot run here (nil when it can).
    public let programs: [(program: Program, unavailableReason: String?)]

    /// Reads every `*.json` in `folder` (none when it does not exist) and every `--program` argument.
    public static func load(folder: String?, adHoc: [String], products: String) throws(InputError) -> ProgramCatalog {
        var programs: [(Program, String?)] = []
        let files = folder.flatMap { try? FileManager.default.contentsOfDirectory(atPath: $0) }?
            .filter { $0.hasSuffix(".json") }.sorted() ?? []
        for file in files {
            let program = try Program.load(file: "\(folder!)/\(file)", products: products)
            programs.append((program, try unavailableReason(program, optional: program.package != nil)))
        }
        for argument in adHoc {
            let program = try Program.adHoc(argument, products: products)
            if let clash = programs.first(where: { $0.0.name == program.name }) {
                throw InputError("--program \(program.name): a program of that name is declared in \(clash.0.declaredIn ?? "another --program"); choose another name")
            }
            _ = try unavailableReason(program, optional: false)
            programs.append((program, nil))
        }
        return ProgramCatalog(programs: programs)
    }

    public init(programs: [(program: Program, unavailableReason: String?)]) {
        self.programs = programs
    }

    /// Why `program` cannot run here, or nil. A missing input throws; so does a missing command
    /// unless the program is `optional` (from a Debian package that setup may have skipped).
    static func unavailableReason(_ program: Program, optional: Bool) throws(InputError) -> String? {
        let origin = program.declaredIn.map { "program \(Program.suite)/\(program.name) (\($0))" } ?? "--program \(program.name)"
        for input in program.inputs + (program.source.map { [$0] } ?? []) where !FileManager.default.isReadableFile(atPath: input) {
            throw InputError("\(origin): input \(input) is missing or unreadable")
        }
        // A program compiled from its source is built when a run is prepared.
        guard let executable = ((program.source == nil ? [program.command[0]] : []) + program.requires)
            .first(where: { !FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let install = program.package.map { " (install it: apt-get install \($0), or run make setup)" }
            ?? (executable.contains("/") ? " (no executable file there)" : " (it is not on PATH)")
        let reason = "\(executable) not found\(install)"
        guard optional else { throw InputError("\(origin): \(reason)") }
        return reason
    }
}
