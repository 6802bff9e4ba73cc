import BenchKit
import BenchResults
/// Each allocator's median ns/op divided by the baseline allocator's, per workload: bars grow
/// left of 1 (faster than the baseline) or right of it (slower), and a bar whose allocator the
/// U test cannot tell from the baseline says `~`.
enum RatioBars {
    /// The chart for `suite`; nil without the baseline or without another allocator to compare.
    static func chart(suite: String, baseline: String, context: ChartContext) -> Chart? {
        let series = context.series(in: suite).filter { $0.name != baseline }
        guard context.allocators.contains(baseline), !series.isEmpty else { return nil }
        var categories: [BarChart.Category] = []
        var anyUnstable = false
        for (label, cells) in context.categories(of: suite) {
            // Without the baseline's time there is nothing to divide by.
            guard let base = cells.first(where: { $0.cell.allocator == baseline }),
                  context.summary[base.cell]?["ns_per_op"] != nil else { continue }
            var category = BarChart.Category(label: label, bars: [])
            for group in cells where group.cell.allocator != baseline {
                let index = series.firstIndex { $0.name == group.cell.allocator }!
                guard let ratio = BaselineRatio(group, baseline: base, summary: context.summary) else {
                    category.missing.append((index, ChartContext.missingReason(group)))
                    continue
                }
                anyUnstable = anyUnstable || ratio.unstable
                category.bars.append(BarChart.Bar(series: index, value: ratio.ratio, interval: nil, points: ratio.points,
                                                  note: ratio.notes.isEmpty ? nil : ratio.notes.joined(separator: ", ")))
            }
            categories.append(category)
        }
        guard categories.contains(where: { !$0.bars.isEmpty }) else { return nil }

        let legend = series.map { ChartFrame.LegendEntry(mark: .swatch($0.colour), name: $0.name) }
            + [.init(mark: .dot, name: "one repetition / \(baseline)'s median")] // the rule is labelled in the plot
        var subtitle = "Median ns/op of each allocator divided by \(baseline)'s, on the same workload and machine: "
            + "left of 1 is faster than \(baseline), right of it slower. " + BaselineRatio.footnote(baseline)
        if anyUnstable { subtitle += " unstable: repetitions split into modes." }
        let title = "\(suite): ns/op relative to \(baseline)"
        let chart = BarChart(
            frame: ChartFrame(title: title, subtitle: subtitle, legend: legend, footer: context.footer, width: ChartContext.width),
            series: series, categories: categories, axisTitle: "ns/op ÷ \(baseline)'s ns/op", origin: 1,
            reference: (1, "\(baseline) = 1"), format: { NumberFormat.fixed($0, 2) + "x" })
        return Chart(fileName: ChartContext.fileName([suite, "ratio-to", baseline]), title: title, svg: chart.render())
    }
}
