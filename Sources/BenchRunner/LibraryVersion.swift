#if canImport(Glibc)
import Glibc
#endif
import BenchKit
import Foundation

/// What an allocator library is, named from outside the process that loads it: the Debian package
/// that installed the file and its version (`libtbbmalloc2 2021.8.0-2+deb12u1`), or the file's own
/// name when no package owns it (a library the user built). Program cells and a user's
/// `--allocators name=/path/lib.so` have no worker that could ask the allocator itself.
enum LibraryVersion {
    static func of(_ allocator: AllocatorAvailability) -> String {
        switch allocator.name {
        case .system: return glibcVersion()
        // What the worker says of libgoalloc.so (BenchKit's NativeStats), so both kinds of cell agree.
        case .go, .goGC: return "GoAlloc (Go 1.19 design)"
        default: return allocator.library.map(of(library:)) ?? ""
        }
    }

    /// `glibc 2.36`, as the C library names itself (confstr's _CS_GNU_LIBC_VERSION).
    static func glibcVersion() -> String {
        var buffer = [UInt8](repeating: 0, count: 64)
        let length = buffer.withUnsafeMutableBytes { confstr(Int32(_CS_GNU_LIBC_VERSION), $0.baseAddress, $0.count) }
        return length > 1 ? String(decoding: buffer.prefix(length - 1), as: UTF8.self) : "glibc"
    }

    static func of(library path: String) -> String {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        for candidate in [path, resolved] + mergedUsrAlternatives(resolved) {
            let owner = Subprocess.run(["/usr/bin/dpkg-query", "-S", candidate])
            guard owner.succeeded, let package = owner.text.split(separator: "\n").first?.split(separator: ":").first.map(String.init)
            else { continue }
            let version = Subprocess.run(["/usr/bin/dpkg-query", "-W", "-f", "${Version}", package])
            guard version.succeeded, !version.text.isEmpty else { continue }
            return "\(package) \(version.text)"
        }
        return URL(fileURLWithPath: resolved).lastPathComponent
    }

    /// Debian installs libraries under /lib or /usr/lib and links the one to the other: dpkg
    /// knows each file under the name its package gave it.
    private static func mergedUsrAlternatives(_ path: String) -> [String] {
        if path.hasPrefix("/usr/lib/") { return [String(path.dropFirst(4))] }
        if path.hasPrefix("/lib/") { return ["/usr" + path] }
        return []
    }
}
