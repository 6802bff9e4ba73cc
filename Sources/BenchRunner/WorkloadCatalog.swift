import BenchKit
import BenchResults
import Foundation

/// A workload and the executable whose worker runs it, or a program.
public struct PlannedWorkload: Equatable, Sendable {
    public let info: WorkloadInfo
    /// `bench` itself for built-in workloads, a plugin executable, or a program's command.
    public let executable: String
    /// Whether it comes from a `--plugin` or a `--program`: it runs without a `--filter`.
    public let isPlugin: Bool
    /// The program a program cell runs; nil for a Swift workload, which a worker runs.
    public var program: Program? = nil
    /// Why a built-in program cannot run here (its package is not installed); nil when it can.
    public var unavailableReason: String? = nil

    /// Whether cells of this workload run on `allocator`. A program's malloc is the same under
    /// `go` and `go-gc` (which differ only in bench's explicit allocation interface), so programs
    /// run on `go` alone.
    public func runs(on allocator: AllocatorName) -> Bool {
        program == nil || !allocator.isExplicitInterfaceMode
    }
}

/// Every workload `bench` can run: the built-in suites plus those of `--plugin` executables.
public struct WorkloadCatalog: Sendable {
    public let workloads: [PlannedWorkload]

    /// Collects the workloads; a plugin is asked for its list through the worker protocol.
    public static func load(builtins: [WorkloadInfo], benchExecutable: String, plugins: [String],
                            programs: ProgramCatalog = ProgramCatalog(programs: []),
                            scratchDirectory: String) throws(InputError) -> WorkloadCatalog {
        var workloads = builtins.map { PlannedWorkload(info: $0, executable: benchExecutable, isPlugin: false) }
        for (program, reason) in programs.programs {
            workloads.append(PlannedWorkload(info: program.info, executable: program.command[0],
                                             isPlugin: program.declaredIn == nil, program: program, unavailableReason: reason))
        }
        for plugin in plugins {
            let path = URL(fileURLWithPath: plugin).standardizedFileURL.path
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw InputError("--plugin \(plugin): no executable file there; build the plugin first (swift build) and pass its path")
            }
            // The listing's output goes to a file of a folder made for it alone (mkdtemp): no fixed
            // name in a shared temp folder that a symlink could redirect or another run share.
            var template = Array("\(scratchDirectory)/allocbench-list-XXXXXX".utf8CString)
            guard let folder = mkdtemp(&template).map({ String(cString: $0) }) else {
                throw InputError("--plugin \(plugin): cannot make a folder in \(scratchDirectory) for its output: \(String(cString: strerror(errno)))")
            }
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let listing = WorkerProcess(executable: path, arguments: WorkerProtocol.workerArguments,
                                        preload: [], logPath: "\(folder)/list.log")
            switch listing.exchange(.listWorkloads, timeoutNs: 30_000_000_000, limit: "listing a plugin's workloads may take 30 s") {
            case .success(.workloads(let infos)):
                for info in infos {
                    if let clash = workloads.first(where: { $0.info.fullName == info.fullName }) {
                        throw InputError("--plugin \(plugin): workload \(info.fullName) is also provided by \(clash.executable); rename one of them")
                    }
                    workloads.append(PlannedWorkload(info: info, executable: path, isPlugin: true))
                }
            case .success:
                throw InputError("--plugin \(plugin): answered the workload list request with something else")
            case .failure(let failure):
                throw InputError("--plugin \(plugin): is not a working AllocBench plugin (\(failure.message)); it must call BenchPlugin.main(workloads:)")
            }
        }
        return WorkloadCatalog(workloads: workloads)
    }
}
