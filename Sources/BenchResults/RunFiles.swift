/// The names of a run folder's files, written once: the runner that writes them, the reports
/// that read and add to them, and the CLI that points to them all use these.
///
/// | file | written by | what it holds |
/// |---|---|---|
/// | `runs.csv` | the runner, a row per cell as it finishes | ``RunsCSV`` |
/// | `memstats.csv` | the runner, with the first cell that samples | ``MemStatsCSV`` |
/// | `bench.txt` | the runner, after each cell | Go benchmark format (``BenchFormat``) |
/// | `params.json` | the runner, at the start and the end | ``RunParameters`` |
/// | `params/` | a merge (`bench report A B --out C`) | every merged run's `params.json` |
/// | `logs/` | the runner | what each worker printed, when it printed anything |
/// | `profiles/` | the runner, with `--instructions` | each cell's callgrind profile (callgrind_annotate, KCachegrind) and its folded stacks |
/// | `allocations/` | the runner, with `--memprofile` | each cell's allocation sites (``AllocationProfile``) and their folded stacks |
/// | `traces/` | the runner, with `--trace` | each go and go-gc cell's runtime trace, Chrome trace-event JSON (``RuntimeTraceFile``) |
/// | `latency/` | the runner, with `--latency` | each cell's call latencies per repetition: histograms (``LatencyFile``) and HdrHistogram percentile files |
/// | `memstats-changes.md` | `bench run`, when a workload sampled MemStats | the changes in words |
/// | `summary.csv`, `summary.json`, `report.md`, `charts/`, `index.html` | the report | statistics, tables, charts |
public enum RunFiles {
    public static let runs = "runs.csv"
    public static let memStats = "memstats.csv"
    public static let benchFormat = "bench.txt"
    public static let parameters = "params.json"
    /// A merged folder's parameter files: `params/<n>-<run id>.json`.
    public static let mergedParameters = "params"
    public static let logs = "logs"
    /// The instruction pass's callgrind profiles, one per cell (`--instructions`).
    public static let profiles = "profiles"
    /// Allocation sites, one profile per cell (`--memprofile`): `<cell>.json` and `<cell>.folded`.
    public static let allocationSites = "allocations"
    /// Runtime traces, one per go or go-gc cell (`--trace`): `<cell>.json`.
    public static let traces = "traces"
    /// Call latencies, per cell and repetition (`--latency`): see ``LatencyFile``.
    public static let latency = "latency"
    public static let memStatsChanges = "memstats-changes.md"
    public static let summaryCSV = "summary.csv"
    public static let summaryJSON = "summary.json"
    public static let reportMarkdown = "report.md"
    public static let charts = "charts"
    public static let page = "index.html"

    /// What the report writes into a folder, in the order the CLI lists them (charts as a folder).
    public static let report = [summaryCSV, summaryJSON, reportMarkdown, charts + "/", page]

    /// The folded stacks beside a callgrind profile (`profiles/<cell>.folded`), which the report
    /// draws as the cell's flame graph.
    public static func foldedStacks(ofProfile profile: String) -> String {
        (profile.hasSuffix(".callgrind") ? String(profile.dropLast(".callgrind".count)) : profile) + ".folded"
    }

    /// `text` with anything but letters, digits and dashes made `_`: a name safe in any file
    /// system and shell, for the files named after a cell (``CellKey/fileName``) or a run's logs.
    public static func safeName(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
    }

    /// `folder/name`.
    public static func path(_ folder: String, _ name: String) -> String { "\(folder)/\(name)" }
}
