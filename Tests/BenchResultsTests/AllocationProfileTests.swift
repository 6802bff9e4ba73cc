import Testing
import BenchResults

/// An allocation profile's folded stacks and top sites, from stacks written by hand.
@Suite struct AllocationProfileTests {
    static func frame(_ function: String, _ file: String? = nil, _ line: Int? = nil, module: String = "bench") -> AllocationProfile.Frame {
        .init(function: function, file: file, line: line, module: module, inlined: false)
    }

    static let malloc = frame("swift_slowAlloc", module: "libswiftCore.so")
    static let profile = AllocationProfile(
        workload: "BigStruct/PointerIt", allocator: "go", threads: 1, n: 100,
        sites: [
            .init(allocations: 100, bytes: 9_100, frames: [malloc, frame("Box.init", "/src/A.swift", 3),
                                                          frame("pointerIt()", "/src/A.swift", 41), frame("main", "/src/main.swift", 0)],
                  truncated: false),
            .init(allocations: 100, bytes: 2_400, frames: [malloc, frame("Box.init", "/src/A.swift", 3),
                                                          frame("other()", "/src/A.swift", 50), frame("main", "/src/main.swift", 0)],
                  truncated: false),
            .init(allocations: 300, bytes: 300, frames: [frame("strdup", module: "libc.so.6"), frame("f;g", "/src/B.swift", 9)],
                  truncated: false),
        ],
        dropped: 2)

    @Test func foldedStacksRunFromTheRootWithLinesAndCounts() {
        let lines = Self.profile.folded.split(separator: "\n").map(String.init)
        #expect(lines == [
            "f,g (B.swift:9);strdup [libc.so.6] 300",
            "main (main.swift);other() (A.swift:50);Box.init (A.swift:3);swift_slowAlloc [libswiftCore.so] 100",
            "main (main.swift);pointerIt() (A.swift:41);Box.init (A.swift:3);swift_slowAlloc [libswiftCore.so] 100",
        ])
        #expect(Self.profile.allocations == 502)
    }

    @Test func topSitesMeetAtTheProgramsInnermostFrame() {
        let sites = Self.profile.topSites(ownModule: { !AllocationProfile.isSystemModule($0) })
        #expect(sites.map(\.site.label) == ["f,g (B.swift:9)", "Box.init (A.swift:3)"])
        #expect(sites.map(\.allocations) == [300, 200])
        #expect(sites[1].bytes == 11_500)
        #expect(sites[1].callers.map(\.label) == ["pointerIt() (A.swift:41)", "main (main.swift)"])
    }

    @Test func theFileRoundTrips() throws {
        #expect(try AllocationProfile(json: Self.profile.json()) == Self.profile)
    }
}
