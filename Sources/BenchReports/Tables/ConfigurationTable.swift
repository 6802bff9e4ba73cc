import BenchKit
import BenchResults
/// What each run of a report was measured on and asked for (from `params.json`): one line per
/// setting, one column per run (several after a merge).
enum ConfigurationTable {
    /// Nil when no run has a readable `params.json`.
    static func table(_ parameters: [RunParameters]) -> ReportTable? {
        guard !parameters.isEmpty else { return nil }
        let settings: [(String, (RunParameters) -> String)] = [
            ("host", \.machine.host),
            ("CPU", { "\($0.machine.cpu), \($0.machine.cores) cores" }),
            ("OS", { "\($0.machine.os)/\($0.machine.arch), kernel \($0.machine.kernel)" }),
            ("commit", \.machine.commit),
            ("run", \.runID),
            ("started, finished", { "\($0.startedAt), \($0.finishedAt ?? "unfinished")" }),
            ("command", { $0.commandLine.joined(separator: " ") }),
            ("benchtime, count", { "\($0.benchtime), \($0.count) repetitions" }),
            ("threads", { $0.threads.map(String.init).joined(separator: ", ") }),
            ("timeout", \.timeout),
            ("filter", { $0.filter ?? "default suites" }),
            ("shard", { $0.shard ?? "whole plan" }),
            ("plugins", { $0.plugins.isEmpty ? "none" : $0.plugins.joined(separator: ", ") }),
            ("cells, failed", { "\($0.cells), \($0.failedCells.map(String.init) ?? "?")" }),
        ]
        let allocatorNames = unique(parameters.flatMap { $0.allocators.map(\.name) })
        let allocatorRows = allocatorNames.map { name -> (String, (RunParameters) -> String) in
            ("allocator \(name)", { run in
                guard let allocator = run.allocators.first(where: { $0.name == name }) else { return "not run" }
                return (allocator.version ?? "version unknown") + (allocator.library.map { " (\($0))" } ?? " (nothing preloaded)")
            })
        }
        let columns = [ReportTable.Column("setting")] + parameters.indices.map { index in
            ReportTable.Column(parameters.count == 1 ? "value" : "run \(index + 1)")
        }
        let rows = (settings + allocatorRows).map { name, value in [name] + parameters.map(value) }
        return ReportTable(columns: columns, rows: rows)
    }
}
