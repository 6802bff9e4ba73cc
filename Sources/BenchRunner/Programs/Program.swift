import BenchKit
import BenchResults
import Foundation

/// A program cell's workload: a command line run once per repetition under each allocator,
/// declared in a JSON file under `Benchmarks/Programs/` or with `bench run --program` (docs/programs.md).
///
///     {
///       "name": "SQLite",
///       "summary": "sqlite3 runs a SQL script in an in-memory database; an op is one inserted row",
///       "command": ["sqlite3", ":memory:"],
///       "stdin": "inputs/sqlite.sql",
///       "ops": 200000,
///       "package": "sqlite3"
///     }
///
/// In `command` and `environment`, `{dir}` is the declaring file's folder, `{products}` the build
/// products folder (where `bench` is), `{threads}` the cell's thread count (a program that uses it
/// runs at every `--threads` value) and `{scratch}` an empty folder made for the run and removed
/// after it. A program declared with a C `source` (the suite's stress programs) is compiled by
/// bench (``CProgram``) and its command starts with `{built}`.
public struct Program: Equatable, Sendable {
    /// The suite every program belongs to: `--filter '^Programs/'` selects them.
    public static let suite = "Programs"

    /// What to compare of the program's standard output across allocators.
    public enum OutputCheck: Equatable, Sendable {
        /// All of it.
        case stdout
        /// The lines that match the regular expression (for output that also holds timings).
        case lines(matching: String)
        /// Nothing (the output varies from run to run).
        case none
    }

    public var name: String
    public var summary: String
    /// The command line as declared, placeholders and all; `command[0]` resolved to a path.
    public var command: [String]
    /// A file on standard input (absolute), or nil for /dev/null.
    public var standardInput: String?
    /// Every file the command reads that must exist before any work (absolute).
    public var inputs: [String]
    /// Operations one run performs: ns/op is the run's wall time over these. Nil: one run is one op.
    public var ops: Int?
    /// The limit of one run; nil takes `--timeout`.
    public var timeout: Timeout?
    public var check: OutputCheck
    /// The Debian package that provides `command[0]` (or ``requires``), for the message when it is missing.
    public var package: String?
    /// Further executables the command runs (a driver script's programs), as paths when found on PATH.
    public var requires: [String]
    /// The C source `command[0]` is compiled from (absolute), by ``RunConfiguration/prepare()``.
    public var source: String?
    public var environment: [String: String]
    /// The file that declares it, or nil for `--program`.
    public var declaredIn: String?
    /// The folder `{dir}` names.
    public var folder: String

    /// Whether the command takes the thread count (`{threads}`), and so runs at every `--threads` value.
    public var isParallel: Bool { (command + environment.values).contains { $0.contains(Placeholder.threads) } }

    /// The workload as plans, rows and reports see it.
    public var info: WorkloadInfo {
        WorkloadInfo(suite: Self.suite, name: name, summary: summary, threading: isParallel ? .parallel : .single,
                     source: declaredIn.map { SourceLocation(file: $0, line: 1) })
    }

    /// The placeholders `command` and `environment` may hold.
    public enum Placeholder {
        public static let dir = "{dir}", products = "{products}", threads = "{threads}", scratch = "{scratch}"
        /// The binary compiled from the declaration's `source` (``CProgram``).
        public static let built = "{built}"
    }

    /// `text` with every placeholder replaced.
    func expand(_ text: String, products: String, threads: Int, scratch: String) -> String {
        text.replacingOccurrences(of: Placeholder.dir, with: folder)
            .replacingOccurrences(of: Placeholder.products, with: products)
            .replacingOccurrences(of: Placeholder.threads, with: String(threads))
            .replacingOccurrences(of: Placeholder.scratch, with: scratch)
    }

    /// The output the check compares: all of it, the matching lines, or nothing.
    func checkedOutput(_ output: String) -> String? {
        switch check {
        case .stdout: return output
        case .none: return nil
        case .lines(let pattern):
            guard let regex = try? Regex(pattern) else { return output }
            return output.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { $0.contains(regex) }.joined(separator: "\n")
        }
    }
}

/// A program file as it is written (``Program`` is what it means once checked).
struct ProgramDeclaration: Decodable {
    var name: String
    var summary: String?
    var command: [String]
    var stdin: String?
    var inputs: [String]?
    var ops: Int?
    var timeout: String?
    var compare: String?
    var compareLines: String?
    var package: String?
    var source: String?
    var requires: [String]?
    var environment: [String: String]?

    static let keys: Set<String> = ["name", "summary", "command", "stdin", "inputs", "ops", "timeout", "compare",
                                    "compareLines", "package", "source", "requires", "environment"]
}

extension Program {
    /// Reads and checks the program file at `path`. Every error names the file and what to change.
    static func load(file path: String, products: String) throws(InputError) -> Program {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InputError("program file \(path) cannot be read: \(RunConfiguration.describe(error))")
        }
        let declaration: ProgramDeclaration
        do {
            // A misspelt key would be ignored by the decoder, and its setting silently lost.
            if let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] {
                let unknown = Set(object.keys).subtracting(ProgramDeclaration.keys).sorted()
                if !unknown.isEmpty {
                    throw InputError("program file \(path): unknown key \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")); "
                        + "the keys are \(ProgramDeclaration.keys.sorted().joined(separator: ", "))")
                }
            }
            declaration = try JSONDecoder().decode(ProgramDeclaration.self, from: data)
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError("program file \(path) is not a program declaration (\(Self.describe(decodingError: error))); docs/programs.md shows the format")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path
        return try Program(declaration, folder: folder, declaredIn: path, products: products)
    }

    /// A program from `--program 'name=command line'`: the command split as a shell splits words
    /// (``ShellWords``), run from the current folder, its whole output compared.
    static func adHoc(_ argument: String, products: String) throws(InputError) -> Program {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
            throw InputError("--program '\(argument)': use name=command, like --program 'gzip=gzip -9 -c big.tar'")
        }
        let words: [String]
        do {
            words = try ShellWords.split(String(argument[argument.index(after: equals)...]))
        } catch {
            throw InputError("--program '\(argument)': \(error.message)")
        }
        let declaration = ProgramDeclaration(name: String(argument[..<equals]), command: words)
        return try Program(declaration, folder: FileManager.default.currentDirectoryPath, declaredIn: nil, products: products)
    }

    init(_ declaration: ProgramDeclaration, folder: String, declaredIn: String?, products: String) throws(InputError) {
        let origin = declaredIn.map { "program file \($0)" } ?? "--program \(declaration.name)"
        guard AllocatorName(rawValue: declaration.name) != nil, !declaration.name.contains(".") else {
            throw InputError("\(origin): name '\(declaration.name)' must be letters, digits, _ and - (it names the cell's files)")
        }
        guard let executable = declaration.command.first, !executable.isEmpty else {
            throw InputError("\(origin): command is empty; give the program and its arguments, like [\"sqlite3\", \":memory:\"]")
        }
        if let ops = declaration.ops, ops <= 0 {
            throw InputError("\(origin): ops must be a positive count of operations per run (got \(ops))")
        }
        var timeout: Timeout?
        if let text = declaration.timeout {
            do { timeout = try Timeout(parsing: text) } catch { throw InputError("\(origin): timeout '\(text)': \(error.message)") }
        }
        let check = try Self.outputCheck(compare: declaration.compare, compareLines: declaration.compareLines, origin: origin)
        func absolute(_ file: String) -> String {
            file.hasPrefix("/") ? file : URL(fileURLWithPath: folder).appendingPathComponent(file).standardizedFileURL.path
        }
        name = declaration.name
        summary = declaration.summary ?? declaration.command.joined(separator: " ")
        command = declaration.command
        standardInput = declaration.stdin.map(absolute)
        inputs = (declaration.inputs ?? []).map(absolute) + (standardInput.map { [$0] } ?? [])
        ops = declaration.ops
        self.timeout = timeout
        self.check = check
        package = declaration.package
        requires = (declaration.requires ?? []).map { Self.resolve($0, folder: folder, products: products) }
        environment = declaration.environment ?? [:]
        self.declaredIn = declaredIn
        self.folder = folder
        source = declaration.source.map(absolute)
        guard (source != nil) == (executable == Placeholder.built) else {
            throw InputError("\(origin): a program with a source runs the binary built from it, and only it: "
                + "its command starts with \(Placeholder.built) when it has a source")
        }
        command[0] = source == nil ? Self.resolve(executable, folder: folder, products: products)
            : CProgram.path(named: name.lowercased(), products: products)
    }

    /// What `compare` and `compareLines` ask to compare of the output.
    static func outputCheck(compare: String?, compareLines: String?, origin: String) throws(InputError) -> OutputCheck {
        switch (compare ?? "stdout", compareLines) {
        case ("none", nil): return .none
        case ("stdout", nil): return .stdout
        case ("stdout", let pattern?):
            do {
                _ = try Regex(pattern)
            } catch {
                throw InputError("\(origin): compareLines '\(pattern)' is not a valid regular expression: \(error)")
            }
            return .lines(matching: pattern)
        case ("none", _?): throw InputError("\(origin): compareLines has no effect with compare \"none\"; drop one of them")
        case (let other, _): throw InputError("\(origin): compare '\(other)' is not \"stdout\" or \"none\"")
        }
    }

    /// `command[0]` as a path: placeholders expanded (`{products}/stress-larson`), or found on PATH
    /// when it has no slash. A name not found stays as it is, for ``ProgramCatalog`` to report.
    static func resolve(_ executable: String, folder: String, products: String) -> String {
        let expanded = executable.replacingOccurrences(of: Placeholder.dir, with: folder)
            .replacingOccurrences(of: Placeholder.products, with: products)
        guard !expanded.contains("/") else {
            return expanded.hasPrefix("/") ? expanded : URL(fileURLWithPath: folder).appendingPathComponent(expanded).standardizedFileURL.path
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(expanded)" }.first(where: FileManager.default.isExecutableFile(atPath:))
            ?? expanded
    }

    /// JSONDecoder's errors, in one line a person can act on.
    static func describe(decodingError error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "the key \"\(key.stringValue)\" is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context): context.debugDescription + ((context.underlyingError as NSError?).map { " \($0.localizedDescription)" } ?? "")
        default: "\(error)"
        }
    }
}

extension ProgramDeclaration {
    init(name: String, command: [String]) {
        self.name = name
        self.command = command
    }
}
