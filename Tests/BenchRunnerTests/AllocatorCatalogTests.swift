import Foundation
import Testing
@testable import BenchKit
@testable import BenchRunner

@Suite struct AllocatorCatalogTests {
    @Test func readsTheLinkerCache() {
        let output = """
        1234 libs found in cache `/etc/ld.so.cache'
        \tlibjemalloc.so.2 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libjemalloc.so.2
        \tlibjemalloc.so.2 (libc6) => /usr/lib/i386-linux-gnu/libjemalloc.so.2
        \tlibc.so.6 (libc6,x86-64, OS ABI: Linux 3.2.0) => /lib/x86_64-linux-gnu/libc.so.6
        """
        let cache = AllocatorCatalog.parseLinkerCache(output)
        #expect(cache["libjemalloc.so.2"] == "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2")
        #expect(cache["libc.so.6"] == "/lib/x86_64-linux-gnu/libc.so.6")
    }

    @Test func aMissingLibraryIsUnavailableWithTheReasonAndTheFix() {
        let missing = AllocatorCatalog.availability(of: .mimalloc, cache: [:], folders: ["/nonexistent"])
        #expect(!missing.isAvailable)
        #expect(missing.unavailableReason == "libmimalloc.so.2 not found (install it: apt-get install libmimalloc-dev, or run make setup)")
        #expect(AllocatorCatalog.availability(of: .system, cache: [:], folders: []).isAvailable)
    }

    @Test func goIsAvailableOnceItsLibraryIsBuiltNextToBench() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("allocbench-products-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let unbuilt = AllocatorCatalog.builtAvailability(of: .go, products: folder)
        #expect(unbuilt.unavailableReason == "libgoalloc.so is not built (run make build, or swift build -c release --product goalloc)")
        #expect(!AllocatorCatalog.builtAvailability(of: .go, products: nil).isAvailable)
        #expect(FileManager.default.createFile(atPath: folder + "/libgoalloc.so", contents: Data()))
        let built = AllocatorCatalog.builtAvailability(of: .go, products: folder)
        #expect(built.isAvailable)
        #expect(built.library == folder + "/libgoalloc.so")
    }

    /// The build without the Swift runtime wins while it is at least as new as SwiftPM's; a later
    /// SwiftPM build (sources changed since) wins over it.
    @Test func goPrefersTheEmbeddedBuildUnlessSwiftPMsIsNewer() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("allocbench-products-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder + "/embedded", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let swiftPM = folder + "/libgoalloc.so", embedded = folder + "/embedded/libgoalloc.so"
        #expect(FileManager.default.createFile(atPath: embedded, contents: Data()))
        #expect(AllocatorCatalog.builtAvailability(of: .go, products: folder).library == embedded, "only the embedded one")
        #expect(FileManager.default.createFile(atPath: swiftPM, contents: Data()))
        let now = Date()
        try FileManager.default.setAttributes([.modificationDate: now], ofItemAtPath: swiftPM)
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(1)], ofItemAtPath: embedded)
        #expect(AllocatorCatalog.builtAvailability(of: .goGC, products: folder).library == embedded, "built after SwiftPM's")
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(2)], ofItemAtPath: swiftPM)
        #expect(AllocatorCatalog.builtAvailability(of: .go, products: folder).library == swiftPM, "SwiftPM's is newer")
    }

    @Test func findsJemallocOnThisMachine() {
        // make test installs jemalloc first (scripts/setup.sh); this is the real lookup.
        #expect(AllocatorCatalog.discover(products: nil)[.jemalloc].isAvailable)
    }
}
