import BenchKit
import BenchResults
/// The leading columns that name a cell in every table: workload, allocator, threads, and the
/// host when the rows come from more than one machine (merged shards).
struct CellColumns {
    let showHost: Bool

    init(_ runs: [RunRow]) {
        showHost = Set(runs.map(\.host)).count > 1
    }

    var columns: [ReportTable.Column] {
        [.init("workload"), .init("allocator"), .init("threads", numeric: true)] + (showHost ? [.init("host")] : [])
    }

    func cells(_ cell: CellKey) -> [String] {
        [cell.fullName, cell.allocator, String(cell.threads)] + (showHost ? [cell.host] : [])
    }
}
