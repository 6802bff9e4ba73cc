// swift-tools-version: 6.0
//
// AllocBench: what does an allocation really cost, and which allocator should I use?
// See README.md for the two commands (`make bench`, `make test`) and ../shared/design/ARCHITECTURE.md
// for how the parts fit together.

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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: The harness

        .executableTarget(
            name: "bench",
            dependencies: [
                "BenchKit",
                "BigStruct",
                "Harness",
                "ExplicitAlloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "BenchKit", dependencies: ["CBenchKit", "GoAlloc"]),
        .target(name: "CBenchKit"),
        .target(name: "CBenchCount", dependencies: ["CBenchKit"]),

        // MARK: GoAlloc: Go's allocator design in Swift

        .target(name: "GoAlloc", dependencies: ["CGoAlloc"]),
        .target(name: "CGoAlloc"),

        // MARK: Built-in workload suites (Benchmarks/<Suite>/)

        .target(name: "BigStruct", dependencies: ["BenchKit"], path: "Benchmarks/BigStruct"),
        .target(name: "Harness", dependencies: ["BenchKit"], path: "Benchmarks/Harness"),
        .target(name: "ExplicitAlloc", dependencies: ["BenchKit"], path: "Benchmarks/ExplicitAlloc"),
        // The same BigStruct code timed by a plain loop, to show what the harness adds (nothing, we hope).
        .executableTarget(name: "handloop", dependencies: ["BenchKit", "BigStruct", "CBenchKit"], path: "Benchmarks/HandLoop"),

        // MARK: Tests

        // A plugin executable with workloads that crash, hang or fail, for the end-to-end tests.
        .executableTarget(name: "bench-fixtures", dependencies: ["BenchKit"], path: "Tests/Fixtures/BenchFixtures"),
        .testTarget(name: "BenchKitTests", dependencies: ["BenchKit"]),
        .testTarget(name: "GoAllocTests", dependencies: ["GoAlloc", "CGoAlloc"]),
        .testTarget(name: "EndToEndTests", dependencies: ["BenchKit"]),
    ]
)
