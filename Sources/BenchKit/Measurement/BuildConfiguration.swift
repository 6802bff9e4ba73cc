import CBenchKit

/// How the code of this process was compiled. A benchmark of a debug build measures unoptimised
/// code (10x slower than release for simple loops, and not in the same proportions on every
/// allocator), so `bench` never reports one without saying so.
public enum BuildConfiguration {
    /// Whether this process runs under Valgrind (the instruction pass runs workers under callgrind).
    public static var isUnderValgrind: Bool { benchkit_running_on_valgrind() != 0 }

    /// Whether this module was compiled without optimisation (SwiftPM defines DEBUG for `-c debug`).
    public static var isDebug: Bool {
        #if DEBUG
        true
        #else
        false
        #endif
    }
}
