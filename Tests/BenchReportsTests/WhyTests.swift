import BenchKit
import BenchResults
import Testing
@testable import BenchReports

/// `bench why`'s reading of remarks and sources, on text written here; `WhyCommandTests` (end
/// to end) checks it on the real compiler's output for the BigStruct suite and a plugin.
@Suite struct WhyTests {
    @Test func remarksAreReadOncePerLocationAndKind() {
        let output = """
            /src/My:Pkg/A.swift:41:5: remark: heap allocated ref of type 'Box'
              39 | func f() -> Box {
            /src/My:Pkg/A.swift:41:5: remark: heap allocated ref of type 'Box'
            /src/A.swift:7:9: remark: stack allocated ref of type '_ContiguousArrayStorage<Int>'
            /src/A.swift:8:2: remark: release of type 'Box'
            /src/A.swift:8:2: remark: retain of type 'String'
            /src/A.swift:9:2: remark: begin exclusive access to value of type 'Int'
            /src/A.swift:10:2: remark: "f()" inlined into "g()" (cost = 0, benefit = 350)
            /src/A.swift:11:2: warning: heap allocated ref of type 'NotARemark'
            """
        let remarks = CompilerRemark.parse(output)
        #expect(remarks == [
            CompilerRemark(file: "/src/My:Pkg/A.swift", line: 41, column: 5, kind: .heapAllocation, type: "Box"),
            CompilerRemark(file: "/src/A.swift", line: 7, column: 9, kind: .stackAllocation, type: "_ContiguousArrayStorage<Int>"),
            CompilerRemark(file: "/src/A.swift", line: 8, column: 2, kind: .release, type: "Box"),
            CompilerRemark(file: "/src/A.swift", line: 8, column: 2, kind: .retain, type: "String"),
        ])
    }

    @Test func commentsAndStringsHideTheirBracesAndCalls() {
        let text = """
            let a = "{ not(code) \\(inner("}")) }" // trailing { comment(
            /* block { /* nested } */ call( */
            let b = #"raw { "quote" "#
            let c = \"\"\"
                multi { line(
                \"\"\"
            real(1)
            """
        let source = SwiftSourceText(path: "/x.swift", text: text)
        #expect(source.calledNames(on: 1...7) == ["real"])
        #expect(source.lines.count == 7)
        #expect(String(decoding: source.code, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).count == 7)
    }

    static let module = SwiftSourceText(path: "/m/Suite.swift", text: """
        import BenchKit

        let workloads = [
            Workload(suite: "S", name: "Trailing", summary: "a { brace in a summary") { b in
                for _ in 0..<b.n { b.blackHole(outer()) }
            },
            Workload(suite: "S", name: "Labelled", summary: "", body: { b in
                b.blackHole(leaf() + outer().value + leaf())
            }),
            Workload(suite: "S", name: "Named", summary: "", body: Bodies.named),
        ]

        @inline(never)
        func outer() -> Box {
            inner(2)
        }

        func inner(_ x: Int) -> Box {
            Box(x)
        }

        func leaf() -> Int { 1 }

        protocol P {
            func requirement()
        }

        enum Bodies {
            static func named(_ b: B) {
                b.blackHole(leaf())
            }
        }
        """)

    @Test func functionsAreFoundWithTheLinesOfTheirBodies() {
        let functions = Self.module.functions.map { "\($0.name) \($0.lines)" }
        #expect(functions == ["outer 14...16", "inner 18...20", "leaf 22...22", "named 29...31"])
    }

    @Test func aWorkloadsScopeFollowsItsCallsThroughTheModule() throws {
        let trailing = try WorkloadScope.resolve(workload: "S/Trailing", source: SourceLocation(file: "/m/Suite.swift", line: 4),
                                                 files: [Self.module])
        #expect(trailing.regions.map(\.label) == ["body", "func outer", "func inner"])
        #expect(trailing.regions[0].lines == 4...6)
        let labelled = try WorkloadScope.resolve(workload: "S/Labelled", source: SourceLocation(file: "/m/Suite.swift", line: 7),
                                                 files: [Self.module])
        // Breadth first, in the order of the calls.
        #expect(labelled.regions.map(\.label) == ["body", "func leaf", "func outer", "func inner"])
        let named = try WorkloadScope.resolve(workload: "S/Named", source: SourceLocation(file: "/m/Suite.swift", line: 10),
                                              files: [Self.module])
        #expect(named.regions.map(\.label) == ["func named", "func leaf"])
        #expect(throws: InputError.self) {
            try WorkloadScope.resolve(workload: "S/Elsewhere", source: SourceLocation(file: "/other.swift", line: 1), files: [Self.module])
        }
    }

    @Test func theVerdictComparesHeapSitesWithMeasuredAllocations() throws {
        let scope = try WorkloadScope.resolve(workload: "S/Trailing", source: SourceLocation(file: "/m/Suite.swift", line: 4),
                                              files: [Self.module])
        let site = CompilerRemark(file: "/m/Suite.swift", line: 19, column: 5, kind: .heapAllocation, type: "Box")
        let outside = CompilerRemark(file: "/m/Suite.swift", line: 22, column: 1, kind: .heapAllocation, type: "Leaf")
        func measured(_ allocs: Double) -> WhyReport.Measured {
            WhyReport.Measured(allocsPerOp: allocs, bytesPerOp: allocs * 32, repetitions: 1, allocators: ["system"])
        }
        let report = WhyReport(workload: "S/Trailing", scope: scope, remarks: [outside, site], measured: measured(1))
        #expect(report.remarks == [site])
        #expect(report.verdict == .agree)
        #expect(WhyReport(workload: "S/Trailing", scope: scope, remarks: [site], measured: measured(0.01)).verdict == .remarksWithoutAllocations)
        #expect(WhyReport(workload: "S/Trailing", scope: scope, remarks: [], measured: measured(2)).verdict == .allocationsWithoutRemarks)
        #expect(WhyReport(workload: "S/Trailing", scope: scope, remarks: [], measured: measured(0)).verdict == .agree)
        #expect(WhyReport(workload: "S/Trailing", scope: scope, remarks: [site], measured: nil).verdict == .notMeasured)
        let text = WhyReport(workload: "S/Trailing", scope: scope, remarks: [], measured: measured(2))
            .render(sources: ["/m/Suite.swift": Self.module], root: "/m")
        #expect(text.contains("DISAGREES: the run measured 2.00 allocs/op"))
        #expect(text.contains("Suite.swift:4-6 (body)"))
    }
}
