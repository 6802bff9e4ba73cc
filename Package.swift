// swift-tools-version: 6.0
//
// AllocBench: what does an allocation really cost, and which allocator should I use?
// See README.md for the two commands (`make bench`, `make test`) and docs/architecture.md for the
// modules below and why their dependencies run the way they do.

import PackageDescription

let package = Package(
    name: "AllocBench",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "bench", targets: ["bench"]),
        .library(name: "BenchKit", targets: ["BenchKit"]),
        .library(name: "GoAlloc", targets: ["GoAlloc"]),
        // The allocation-counting interposer, preloaded into the counting pass of each cell
        // (never into the timed pass). `bench` looks for it next to its own executable.
        .library(name: "BenchCount", type: .dynamic, targets: ["CBenchCount"]),
        // GoAlloc as the process's malloc (libgoalloc.so), preloaded into workers of allocator `go`
        // like jemalloc's library into theirs. `bench` looks for it next to its own executable.
        .library(name: "goalloc", type: .dynamic, targets: ["GoAllocMalloc", "CGoAllocMalloc"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: The harness, one module per side; dependencies run one way (docs/architecture.md)

        // The CLI: composes the runner and the reports, and links the built-in suites.
        .executableTarget(
            name: "bench",
            dependencies: [
                "BenchRunner",
                "BenchReports",
                "BigStruct",
                "Harness",
                "ExplicitAlloc",
                "MemStatsTour",
                "Sawtooth",
                "AllocatorStress",
                "Fragmentation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The runner: run flags, configuration, plan, worker processes, catalogs, shards.
        .target(
            name: "BenchRunner",
            dependencies: ["BenchResults", "CBenchRunner", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            // C programs the runner compiles itself with clang (CProgram.swift says why).
            exclude: ["Programs/bench-launch.c"]
        ),
        // The runner's signal handler (forwarding its termination to the workers), in C.
        .target(name: "CBenchRunner"),
        // The reports: statistics, tables, charts, compare, summary files, the HTML page.
        .target(name: "BenchReports", dependencies: ["BenchResults"]),
        // The run folder's files: cell identity, rows and their columns, params.json, bench.txt, reading folders back.
        .target(name: "BenchResults", dependencies: ["BenchKit"]),
        // The plugin API, and all a plugin links: Workload, B, Allocator, measurement, the worker and its protocol.
        .target(name: "BenchKit", dependencies: ["CBenchKit", "CGoAllocABI"]),
        .target(name: "CBenchKit"),
        .target(name: "CBenchCount", dependencies: ["CBenchKit"]),

        // MARK: GoAlloc: Go's allocator design in Swift

        .target(name: "GoAlloc", dependencies: ["CGoAlloc"], swiftSettings: alwaysOptimized),
        .target(name: "CGoAlloc", dependencies: ["CGoAllocABI"]),
        // GoAlloc's exported C ABI (the MemStats struct, the exports' types), header only: shared by
        // BenchKit, libgoalloc.so and the conformance fixture, so no GoAlloc code or state reaches a plugin.
        .target(name: "CGoAllocABI"),
        .target(name: "GoAllocMalloc", dependencies: ["GoAlloc", "CGoAlloc", "CGoAllocABI"], swiftSettings: alwaysOptimized),
        // Without frame pointers, so that each exported name is one jump (see exports.c).
        .target(name: "CGoAllocMalloc", dependencies: ["CGoAllocABI"], cSettings: [.unsafeFlags(["-Xclang", "-mframe-pointer=none"])]),

        // MARK: Built-in workload suites (Benchmarks/<Suite>/)

        .target(name: "BigStruct", dependencies: ["BenchKit"], path: "Benchmarks/BigStruct"),
        .target(name: "Harness", dependencies: ["BenchKit"], path: "Benchmarks/Harness"),
        .target(name: "ExplicitAlloc", dependencies: ["BenchKit"], path: "Benchmarks/ExplicitAlloc"),
        .target(name: "MemStatsTour", dependencies: ["BenchKit", "CBenchKit"], path: "Benchmarks/MemStatsTour"),
        .target(name: "Sawtooth", dependencies: ["BenchKit"], path: "Benchmarks/Sawtooth"),
        .target(name: "AllocatorStress", dependencies: ["BenchKit", "CBenchKit"], path: "Benchmarks/AllocatorStress"),
        .target(name: "Fragmentation", dependencies: ["BenchKit", "CBenchKit"], path: "Benchmarks/Fragmentation"),
        // The same BigStruct code timed by a plain loop, to show what the harness adds (nothing, we hope).
        .executableTarget(name: "handloop", dependencies: ["BenchKit", "BigStruct", "CBenchKit"], path: "Benchmarks/HandLoop"),

        // MARK: Tests

        // A plugin executable with workloads that crash, hang or fail, for the end-to-end tests.
        .executableTarget(name: "bench-fixtures", dependencies: ["BenchKit"], path: "Tests/Fixtures/BenchFixtures"),
        // The malloc family's edge cases in C, run on glibc and with libgoalloc.so preloaded.
        .executableTarget(name: "malloc-conformance", dependencies: ["CGoAllocABI"], path: "Tests/Fixtures/MallocConformance"),
        .testTarget(name: "BenchKitTests", dependencies: ["BenchKit"]),
        .testTarget(name: "BenchResultsTests", dependencies: ["BenchResults"]),
        .testTarget(name: "BenchRunnerTests", dependencies: ["BenchRunner"]),
        .testTarget(name: "BenchReportsTests", dependencies: ["BenchReports"]),
        .testTarget(name: "GoAllocTests", dependencies: ["GoAlloc", "CGoAlloc"]),
        .testTarget(name: "EndToEndTests", dependencies: ["BenchRunner", "BenchReports"]),
        .testTarget(name: "AllocatorStressTests", dependencies: ["AllocatorStress", "BenchKit"]),
    ]
)

/// GoAlloc is compiled optimised in debug builds too. Unoptimised Swift instantiates generic
/// metadata at run time (even `UnsafeMutablePointer<MHeap>`), and the runtime allocates to do it:
/// as the process's malloc, a debug build would call itself until it deadlocks. Optimised, the
/// allocator's code needs nothing from the runtime (scripts/check-malloc-paths.sh verifies it).
/// These are unsafe flags: a package that depends on AllocBench must do so by path or by branch.
///
/// And without frame pointers (the build asks clang for them, and Swift takes the setting from
/// clang's; this cc1 flag overrides it): malloc's and free's fast paths tail-call their slow paths,
/// which makes them non-leaf functions, and setting up a frame cost 3 of their instructions.
/// Debuggers and perf's DWARF unwinding still walk through them.
///
/// And without the modules Swift imports into every file unasked (Concurrency, StringProcessing):
/// GoAlloc uses neither, and a library that imports them is linked with them, so every program
/// that preloads libgoalloc.so would map libswift_Concurrency, libdispatch, libBlocksRuntime,
/// libswift_StringProcessing and libswift_RegexParser and fault in their pages: 1.9 MiB of an idle
/// C program's 7.2 MiB resident set (5.3 MiB without them; 1.2 MiB on glibc alone).
var alwaysOptimized: [SwiftSetting] {
    [.unsafeFlags(["-O"], .when(configuration: .debug)),
     .unsafeFlags(["-Xcc", "-Xclang", "-Xcc", "-mframe-pointer=none"]),
     .unsafeFlags(["-Xfrontend", "-disable-implicit-concurrency-module-import",
                   "-Xfrontend", "-disable-implicit-string-processing-module-import"])]
}


