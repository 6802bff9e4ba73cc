import BenchKit
import BenchResults

/// The report's "Allocation sites" table (`bench run --memprofile`): per cell, the program's
/// lines that allocated while the timer ran, most first, with allocs/op and B/op as the cell's
/// own columns count them, and how the program got there (Go's `pprof -top -lines` over a
/// `-memprofile`). A cell that allocated nothing says so.
enum AllocationSitesTable {
    /// The sites shown per cell; the rest are summed in a last row.
    static let limit = 5

    static func table(_ files: [(cell: String, text: String)]) -> ReportTable? {
        let profiles = files.compactMap { file in (try? AllocationProfile(json: file.text)).map { (file.cell, $0) } }
        guard !profiles.isEmpty else { return nil }
        var rows: [[String]] = []
        for (cell, profile) in profiles {
            let n = Double(max(profile.n, 1))
            let total = profile.allocations
            let sites = profile.topSites(ownModule: { !AllocationProfile.isSystemModule($0) })
            if sites.isEmpty {
                rows.append([cell, "no allocation while the timer ran", "", "0", "0", ""])
                continue
            }
            func row(_ site: String, _ path: String, _ allocations: UInt64, _ bytes: UInt64) -> [String] {
                [cell, site, path, NumberFormat.goStyle(Double(allocations) / n), NumberFormat.goStyle(Double(bytes) / n),
                 NumberFormat.fixed(100 * Double(allocations) / Double(max(total, 1)), 1) + "%"]
            }
            for site in sites.prefix(limit) {
                rows.append(row(site.site.label, site.callers.map(\.label).joined(separator: " ← "), site.allocations, site.bytes))
            }
            let rest = sites.dropFirst(limit)
            if !rest.isEmpty {
                rows.append(row("\(rest.count) more sites", "", rest.reduce(0) { $0 + $1.allocations }, rest.reduce(0) { $0 + $1.bytes }))
            }
            if profile.dropped > 0 {
                rows.append([cell, "\(profile.dropped) allocations whose stacks found no room in the recorder", "",
                             NumberFormat.goStyle(Double(profile.dropped) / n), "", ""])
            }
        }
        return ReportTable(columns: [.init("cell"), .init("allocating line"), .init("called from"), .init("allocs/op", numeric: true),
                                     .init("B/op", numeric: true), .init("share", numeric: true)],
                           rows: rows,
                           footnotes: ["Every allocation while the timer ran in the counting pass's last run, by the innermost "
                                       + "frame of the program's own code (the Swift runtime, libc and the allocator left out); "
                                       + "the full stacks are in allocations/<cell>.folded and the flame graphs."])
    }
}
