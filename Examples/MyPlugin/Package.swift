// swift-tools-version: 6.0
// A workload plugin for AllocBench: an executable built against BenchKit.
// In your own project, depend on AllocBench by URL instead of by path:
//     .package(url: "<AllocBench's git URL>", branch: "main")
import PackageDescription

let package = Package(
    name: "MyPlugin",
    dependencies: [
        .package(name: "AllocBench", path: "../.."),
    ],
    targets: [
        .executableTarget(name: "my-plugin", dependencies: [.product(name: "BenchKit", package: "AllocBench")]),
    ]
)
