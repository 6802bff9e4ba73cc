import BenchResults
import Foundation

/// The call graph of a callgrind profile, for the flame graph of a cell: each function's own
/// instructions (Ir) and, per call edge, the instructions spent in the callee and below
/// (callgrind's inclusive cost of the call).
///
/// Callgrind records edges, not stacks. ``foldedStacks(minimumShare:)`` expands the graph into
/// stacks from its roots, giving each callee the part of its cost that the caller's calls
/// account for (the usual reading of a call graph as a tree: exact where a function has one
/// caller, proportional where it has several).
struct CallgrindGraph {
    /// Function names by callgrind's id.
    private(set) var names: [Int: String] = [:]
    /// Self instructions by function id.
    private(set) var selfCost: [Int: UInt64] = [:]
    /// Inclusive instructions of the calls from a function to another: caller -> callee -> cost.
    private(set) var calls: [Int: [Int: UInt64]] = [:]

    /// Reads the `fn=`, `cfn=`, `calls=` and cost lines of a profile (name compression with
    /// `(id)` understood); the first event column is taken as Ir, as `events: Ir ...` lists it.
    init(profile text: String) {
        var function: Int?
        var callee: Int?
        var costIsCall = false
        var anonymous = 0
        func id(_ spec: Substring) -> Int {
            // `(12) name` defines id 12, `(12)` refers to it; a bare name gets an id of its own.
            let spec = spec.trimmingCharacters(in: .whitespaces)
            if spec.hasPrefix("("), let close = spec.firstIndex(of: ")"), let number = Int(spec[spec.index(after: spec.startIndex)..<close]) {
                let name = spec[spec.index(after: close)...].trimmingCharacters(in: .whitespaces)
                if !name.isEmpty { names[number] = name }
                return number
            }
            anonymous -= 1
            names[anonymous] = spec
            return anonymous
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("fn=") {
                function = id(line.dropFirst(3))
            } else if line.hasPrefix("cfn=") {
                callee = id(line.dropFirst(4))
            } else if line.hasPrefix("calls=") {
                costIsCall = true
            } else if let first = line.first, first.isNumber || first == "+" || first == "-" || first == "*" {
                let fields = line.split(separator: " ")
                let ir = fields.count > 1 ? UInt64(fields[1]) ?? 0 : 0
                guard let function else { continue }
                if costIsCall, let callee {
                    calls[function, default: [:]][callee, default: 0] += ir
                    costIsCall = false
                } else {
                    selfCost[function, default: 0] += ir
                }
            }
        }
    }

    /// Self plus every call's inclusive cost.
    func inclusive(_ function: Int) -> UInt64 {
        (selfCost[function] ?? 0) + (calls[function]?.values.reduce(0, +) ?? 0)
    }

    /// The graph as folded stacks (`root;caller;callee instructions`, one per line, as Brendan
    /// Gregg's flamegraph.pl reads them), with `rename` applied to every name. Stacks under
    /// `minimumShare` of the total are left out, recursion is cut where a function reappears on
    /// its own stack, and depth stops at 64.
    func foldedStacks(minimumShare: Double = 0.001, rename: (String) -> String = { $0 }) -> String {
        let incoming = calls.values.reduce(into: [Int: UInt64]()) { sums, callees in
            for (callee, cost) in callees { sums[callee, default: 0] += cost }
        }
        let functions = Set(selfCost.keys).union(calls.keys)
        // A root is where instructions enter the graph: cost not accounted for by its callers.
        let roots = functions.compactMap { function -> (Int, Double)? in
            let entering = Double(inclusive(function)) - Double(incoming[function] ?? 0)
            return entering > 0 ? (function, entering) : nil
        }
        let total = roots.reduce(0) { $0 + $1.1 }
        guard total > 0 else { return "" }
        var stacks: [String: Double] = [:]
        func expand(_ function: Int, weight: Double, path: [Int], names: [String]) {
            let all = Double(inclusive(function))
            guard all > 0, weight >= total * minimumShare else { return }
            let stack = names + [rename(self.names[function] ?? "fn \(function)")]
            let scale = weight / all
            var kept = Double(selfCost[function] ?? 0) * scale
            for (callee, cost) in calls[function] ?? [:] {
                let share = Double(cost) * scale
                if path.contains(callee) || path.count >= 64 || share < total * minimumShare {
                    kept += share // recursion, depth or a sliver: counted here, not drawn below
                } else {
                    expand(callee, weight: share, path: path + [callee], names: stack)
                }
            }
            if kept >= 0.5 { stacks[stack.joined(separator: ";"), default: 0] += kept }
        }
        for (root, weight) in roots { expand(root, weight: weight, path: [root], names: []) }
        return stacks.sorted { $0.key < $1.key }.map { "\($0.key) \(Int($0.value.rounded()))\n" }.joined()
    }
}

/// Swift names as people read them, from the toolchain's `swift-demangle`; names it does not
/// know stay as they are, and without the tool every name does.
enum Demangler {
    static func demangle(_ names: [String]) -> [String: String] {
        let mangled = Array(Set(names.map(Self.base).filter { $0.hasPrefix("$s") || $0.hasPrefix("_$s") }))
        guard !mangled.isEmpty, let tool = Toolchain.tool("swift-demangle"),
              let text = Toolchain.filter(tool, ["--simplified", "--compact"], input: mangled.joined(separator: "\n") + "\n")
        else { return [:] }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= mangled.count else { return [:] }
        return Dictionary(uniqueKeysWithValues: zip(mangled, lines.prefix(mangled.count)))
    }

    /// A callgrind name without its recursion suffix (`swift_release'2`).
    static func base(_ name: String) -> String {
        name.split(separator: "'", maxSplits: 1).first.map(String.init) ?? name
    }
}

extension CallgrindGraph {
    /// The folded stacks of a profile with Swift names demangled.
    static func folded(profile text: String) -> String {
        let graph = CallgrindGraph(profile: text)
        let readable = Demangler.demangle(Array(graph.names.values))
        return graph.foldedStacks { name in
            let base = Demangler.base(name)
            // Folded stacks separate frames with ';' (the count follows the last space).
            return ((readable[base] ?? base) + String(name.dropFirst(base.count))).replacingOccurrences(of: ";", with: ",")
        }
    }
}
