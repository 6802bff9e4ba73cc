import BenchKit
import BenchResults
import Foundation

/// Names the frames of a counting pass's allocation sites (`bench run --memprofile`) with the
/// toolchain's `llvm-symbolizer`, which reads Swift's DWARF (functions, inlined calls, lines),
/// and `swift-demangle`, and writes the cell's `allocations/<cell>.json` and `.folded`.
public struct AllocationSiteProfiler: Sendable {
    let symbolizer: String

    /// Nil when the toolchain's llvm-symbolizer cannot be found.
    public init?() {
        guard let symbolizer = Toolchain.tool("llvm-symbolizer") else { return nil }
        self.symbolizer = symbolizer
    }

    /// The profile of `sites`, recorded for `cell`.
    func profile(_ sites: AllocationSites, cell: CellKey) -> AllocationProfile {
        // A return address is the instruction after the call: the call's line is one byte back.
        var named: [AllocationSites.Frame: [AllocationProfile.Frame]] = [:]
        for (module, path) in sites.modules.enumerated() {
            let frames = Array(Set(sites.sites.flatMap(\.frames).filter { $0.module == module }))
            let symbolized = symbolize(path, offsets: frames.map { $0.offset &- 1 })
            for (frame, names) in zip(frames, symbolized) { named[frame] = names }
        }
        let readable = Demangler.demangle(named.values.flatMap { $0.map(\.function) })
        let stacks = sites.sites.map { site in
            AllocationProfile.Site(allocations: site.allocations, bytes: site.bytes, frames: site.frames.flatMap { frame in
                (named[frame] ?? []).map { name in
                    var name = name
                    name.function = readable[name.function] ?? name.function
                    return name
                }
            }, truncated: site.truncated)
        }
        return AllocationProfile(workload: cell.fullName, allocator: cell.allocator, threads: cell.threads,
                                 n: sites.n, sites: stacks, dropped: sites.dropped)
    }

    /// Each offset's frames, innermost (inlined) first; an unknown one as `module+0x…`.
    private func symbolize(_ path: String, offsets: [UInt64]) -> [[AllocationProfile.Frame]] {
        let module = URL(fileURLWithPath: path).lastPathComponent
        func unknown(_ offset: UInt64) -> [AllocationProfile.Frame] {
            [.init(function: "\(module)+0x\(String(offset + 1, radix: 16))", file: nil, line: nil, module: module, inlined: false)]
        }
        let input = offsets.map { "0x" + String($0, radix: 16) }.joined(separator: "\n") + "\n"
        guard let output = Toolchain.filter(symbolizer, ["--obj=\(path)", "--inlines", "--output-style=JSON", "--no-demangle"],
                                            input: input) else { return offsets.map(unknown) }
        let lines = output.split(separator: "\n")
        return offsets.enumerated().map { index, offset in
            guard index < lines.count,
                  let object = try? JSONSerialization.jsonObject(with: Data(lines[index].utf8)) as? [String: Any],
                  let symbols = object["Symbol"] as? [[String: Any]] else { return unknown(offset) }
            let frames = symbols.enumerated().compactMap { position, symbol -> AllocationProfile.Frame? in
                guard let function = symbol["FunctionName"] as? String, !function.isEmpty else { return nil }
                let file = (symbol["FileName"] as? String).flatMap { $0.isEmpty ? nil : $0 }
                let line = (symbol["Line"] as? Int).flatMap { $0 > 0 ? $0 : nil }
                return .init(function: function, file: file, line: line, module: module, inlined: position < symbols.count - 1)
            }
            return frames.isEmpty ? unknown(offset) : frames
        }
    }
}
