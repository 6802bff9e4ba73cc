import BenchKit
import BenchResults
/// The rows of one cell, in file order.
public struct CellGroup: Sendable {
    public let cell: CellKey
    public let runs: [RunRow]

    /// Groups rows by cell, in the order the cells first appear.
    public static func of(_ runs: [RunRow]) -> [CellGroup] {
        var order: [CellKey] = []
        var groups: [CellKey: [RunRow]] = [:]
        for run in runs {
            let key = run.cell
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(run)
        }
        return order.map { CellGroup(cell: $0, runs: groups[$0]!) }
    }
}

extension CellGroup {
    /// Groups rows by cell in the order reports list them: workloads as they first appear, then
    /// thread counts rising, then allocators in ``AllocatorOrder``, then hosts by name. Rows of
    /// a run rotate the allocator order from repetition to repetition; tables must not.
    public static func inReportOrder(_ runs: [RunRow]) -> [CellGroup] {
        var workloadRank: [String: Int] = [:]
        for run in runs where workloadRank[run.fullName] == nil { workloadRank[run.fullName] = workloadRank.count }
        let allocatorRank = Dictionary(uniqueKeysWithValues: AllocatorOrder.sorted(runs.map(\.allocator)).enumerated().map { ($1, $0) })
        return of(runs).sorted { a, b in
            let x = a.cell, y = b.cell
            return (workloadRank[x.fullName]!, x.threads, allocatorRank[x.allocator]!, x.host)
                < (workloadRank[y.fullName]!, y.threads, allocatorRank[y.allocator]!, y.host)
        }
    }
}
