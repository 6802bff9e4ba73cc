import Foundation

/// What a run was measured on, for `params.json` and the configuration lines of `bench.txt`.
public struct MachineInfo: Codable, Equatable, Sendable {
    public var host: String
    public var os: String
    public var arch: String
    public var cpu: String
    public var cores: Int
    public var kernel: String
    /// The project's git commit (with `-dirty` when the tree has changes), or `unknown`.
    public var commit: String

    public init(host: String, os: String, arch: String, cpu: String, cores: Int, kernel: String, commit: String) {
        self.host = host
        self.os = os
        self.arch = arch
        self.cpu = cpu
        self.cores = cores
        self.kernel = kernel
        self.commit = commit
    }
}
