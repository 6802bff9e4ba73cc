import BenchKit
import Foundation

/// What reports are made from: the CSV files and `params.json` of one or more run folders,
/// read back from disk, so an old run can be re-rendered and the folders of several machines
/// (the shards of one plan) merged into one report.
///
/// Rows keep their `host`; statistics never pool two hosts' repetitions (see ``CellKey``).
public struct RunData: Sendable {
    /// `runs.csv` of every folder under one header, every column kept (even ones this version
    /// does not know), for writing a merged folder.
    public var runsDocument: CSV.Document
    /// `memstats.csv` of every folder that has one (time-series workloads such as Sawtooth).
    public var memStatsDocument: CSV.Document?
    public var runs: [RunRow]
    public var memStats: [MemStatsRow]
    /// Each run's `params.json`, as text (what a merged folder keeps) and decoded (nil when this
    /// version cannot read it; the report then shows no configuration for that run).
    public var parameters: [(text: String, decoded: RunParameters?)]
    /// `bench.txt` of every folder, one after another: Go's format allows configuration lines to
    /// change between benchmark lines, so `benchstat` reads the concatenation.
    public var benchText: String
    /// The instruction pass's folded stacks (`profiles/*.folded`), by cell file name, in name order.
    public var foldedStacks: [(cell: String, text: String)] = []
    /// The allocation sites of `--memprofile` (`allocations/*.json`, ``AllocationProfile``), by cell file name.
    public var allocationProfiles: [(cell: String, text: String)] = []
    /// The runtime traces of `--trace` (`traces/*.json`, ``RuntimeTraceFile``), by cell file name.
    public var runtimeTraces: [(cell: String, text: String)] = []
    /// The latency pass's histograms (`latency/*.json`, ``LatencyFile``), by `<cell>-r<rep>`.
    public var latencyHistograms: [(cell: String, text: String)] = []
    /// Things the reader should know that do not stop the report (an unreadable `params.json`).
    public var warnings: [String] = []

    /// Reads `folders`, each written by `bench run` (or by an earlier merge).
    public static func load(_ folders: [String]) throws(InputError) -> RunData {
        guard !folders.isEmpty else { throw InputError("give at least one results folder (one that holds runs.csv)") }
        let resolved = folders.map { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path }
        if let twice = resolved.first(where: { path in resolved.filter { $0 == path }.count > 1 }) {
            throw InputError("\(twice) is given twice; give each results folder once")
        }
        var runDocuments: [CSV.Document] = [], memStatsDocuments: [CSV.Document] = []
        var parameters: [(text: String, decoded: RunParameters?)] = []
        var benchText = "", warnings: [String] = []
        var foldedStacks: [(cell: String, text: String)] = []
        var allocationProfiles: [(cell: String, text: String)] = [], runtimeTraces: [(cell: String, text: String)] = []
        var latencyHistograms: [(cell: String, text: String)] = []
        for folder in folders {
            guard let runs = read(folder, RunFiles.runs) else {
                throw InputError("\(folder) holds no readable \(RunFiles.runs); give a folder that `bench run` wrote")
            }
            runDocuments.append(CSV.Document(parsing: runs))
            if let memStats = read(folder, RunFiles.memStats) { memStatsDocuments.append(CSV.Document(parsing: memStats)) }
            benchText += read(folder, RunFiles.benchFormat) ?? ""
            foldedStacks += cellFiles(in: RunFiles.path(folder, RunFiles.profiles), ending: ".folded")
            allocationProfiles += cellFiles(in: RunFiles.path(folder, RunFiles.allocationSites), ending: ".json")
            runtimeTraces += cellFiles(in: RunFiles.path(folder, RunFiles.traces), ending: ".json")
            latencyHistograms += cellFiles(in: RunFiles.path(folder, RunFiles.latency), ending: LatencyFile.histogramEnding)
                .filter { !$0.cell.hasSuffix(LatencyFile.traceSuffix) }
            for name in parameterFiles(in: folder) {
                guard let text = read(folder, name) else { continue }
                let decoded = try? JSONDecoder().decode(RunParameters.self, from: Data(text.utf8))
                if decoded == nil { warnings.append("\(folder)/\(name) cannot be read; the report leaves out its configuration") }
                parameters.append((text, decoded))
            }
        }
        let runsDocument = CSV.Document.concatenating(runDocuments)
        let memStatsDocument = memStatsDocuments.isEmpty ? nil : CSV.Document.concatenating(memStatsDocuments)
        let data: RunData
        do {
            data = RunData(runsDocument: runsDocument, memStatsDocument: memStatsDocument,
                           runs: try RunsCSV.parse(runsDocument),
                           memStats: try memStatsDocument.map(MemStatsCSV.parse) ?? [],
                           parameters: parameters, benchText: benchText, foldedStacks: foldedStacks,
                           allocationProfiles: allocationProfiles, runtimeTraces: runtimeTraces,
                           latencyHistograms: latencyHistograms, warnings: warnings)
        } catch {
            throw InputError("\(folders.joined(separator: ", ")): \(error); is it a results folder of `bench run`?")
        }
        // The same repetition twice (a folder merged with a copy of itself) would double n unseen.
        var seen = Set<String>()
        for run in data.runs {
            let repetition = "\(run.runID) \(run.fullName) \(run.allocator) threads=\(run.threads) rep=\(run.rep) on \(run.host)"
            guard seen.insert(repetition).inserted else {
                throw InputError("\(folders.joined(separator: ", ")) hold run \(run.runID) twice (\(run.fullName) on \(run.allocator), "
                    + "threads \(run.threads), rep \(run.rep)); give each run's folder once")
            }
        }
        return data
    }

    /// Writes the merged run into `folder`, which must not hold a run yet: `runs.csv`,
    /// `memstats.csv`, `bench.txt`, and every run's parameters as `params/<n>-<run id>.json`. The
    /// folder can then be reported on (or merged) again like any other.
    public func writeMerged(to folder: String) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: RunFiles.path(folder, RunFiles.runs)) {
            throw InputError("--out \(folder) already holds a run (runs.csv); choose a new folder so nothing is overwritten")
        }
        let parameterFolder = RunFiles.path(folder, RunFiles.mergedParameters)
        try manager.createDirectory(atPath: parameterFolder, withIntermediateDirectories: true)
        try write(runsDocument.text, to: RunFiles.path(folder, RunFiles.runs))
        if let memStatsDocument { try write(memStatsDocument.text, to: RunFiles.path(folder, RunFiles.memStats)) }
        try write(benchText, to: RunFiles.path(folder, RunFiles.benchFormat))
        for (subfolder, ending, files) in [(RunFiles.profiles, ".folded", foldedStacks),
                                           (RunFiles.allocationSites, ".json", allocationProfiles),
                                           (RunFiles.traces, ".json", runtimeTraces),
                                           (RunFiles.latency, LatencyFile.histogramEnding, latencyHistograms)] where !files.isEmpty {
            let path = RunFiles.path(folder, subfolder)
            try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
            for file in files { try write(file.text, to: RunFiles.path(path, file.cell + ending)) }
        }
        for (index, parameters) in self.parameters.enumerated() {
            let number = String(format: "%03d", index + 1) // names sort in merge order
            let name = parameters.decoded.map { "\(number)-\($0.runID.replacingOccurrences(of: ":", with: "-"))" } ?? number
            try write(parameters.text, to: RunFiles.path(parameterFolder, "\(name).json"))
        }
    }

    /// The allocators of the rows in report order.
    public var allocators: [String] { AllocatorOrder.sorted(runs.map(\.allocator)) }

    /// `params.json`, then a merged folder's `params/*.json` in name order.
    static func parameterFiles(in folder: String) -> [String] {
        let merged = (try? FileManager.default.contentsOfDirectory(atPath: RunFiles.path(folder, RunFiles.mergedParameters))) ?? []
        return [RunFiles.parameters] + merged.filter { $0.hasSuffix(".json") }.sorted().map { RunFiles.path(RunFiles.mergedParameters, $0) }
    }

    /// The files of a per-cell folder (`profiles/`, `allocations/`, `traces/`) whose names end in
    /// `ending`, by cell file name, in name order.
    static func cellFiles(in folder: String, ending: String) -> [(cell: String, text: String)] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().filter { $0.hasSuffix(ending) }
            .compactMap { name in read(folder, name).map { (String(name.dropLast(ending.count)), $0) } }
    }

    static func read(_ folder: String, _ name: String) -> String? {
        try? String(contentsOfFile: RunFiles.path(folder, name), encoding: .utf8)
    }

    private func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
