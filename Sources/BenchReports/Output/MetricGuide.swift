import BenchKit
import BenchResults
/// A few lines on each figure and mark a report shows, for `report.md` and `index.html`; the
/// README has the long version (how each is measured, for every allocator).
enum MetricGuide {
    static let entries: [(term: String, meaning: String)] = [
        ("ns/op", "Wall time of the measured run divided by its iterations (Go's ns/op), in a process of its own. Lower is faster."),
        ("± x%", "Half-width of the 95% confidence interval of the median (order statistics, distribution-free, as benchstat); "
            + "± ∞ below 6 repetitions."),
        ("min, max, dots", "Every repetition is a fresh process. Dots on a bar are the repetitions: outliers are shown, never dropped."),
        ("unstable", "The slowest repetition is over 1.25x the fastest: the repetitions split into modes (process layout can move "
            + "a workload by 2x). Compare such cells with care, or run more repetitions."),
        ("B/op, allocs/op", "Bytes requested from and calls into the allocator per op while the timer ran (a separate counting "
            + "pass, so counting costs the timed run nothing)."),
        ("peak RSS", "The worker's high-water mark of resident memory during the measured run."),
        ("x / baseline", "Median ns/op over the baseline allocator's on the same workload and machine; below 1 is faster."),
        ("~, p", "Two-sided Mann-Whitney U test of the repetitions; ~ when p ≥ 0.05: no difference shown."),
        ("HeapAlloc, HeapInuse, HeapSys, HeapReleased", "Go's MemStats: bytes of live objects, of spans in use, of heap memory "
            + "from the OS, and of the part of it returned to the OS. GC marks a tick where NumGC moved."),
    ]

    static var table: ReportTable {
        ReportTable(columns: [.init("term"), .init("meaning")], rows: entries.map { [$0.term, $0.meaning] })
    }
}
