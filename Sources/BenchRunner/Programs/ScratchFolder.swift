#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// An empty folder of its own in the temporary folder (mkdtemp: no name another process could
/// guess or share), removed with everything in it when the last reference goes. A program cell
/// gets one per run (`{scratch}`), and one for each set of files its processes write at exit.
final class ScratchFolder {
    let path: String

    init() {
        var template = Array("\(FileManager.default.temporaryDirectory.path)/allocbench-XXXXXX".utf8CString)
        // mkdtemp fails only when the temporary folder cannot be written, and then so would every
        // run; the path is still unique, and the run's failure names it.
        path = mkdtemp(&template).map { String(cString: $0) } ?? "\(FileManager.default.temporaryDirectory.path)/allocbench-\(UUID())"
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
