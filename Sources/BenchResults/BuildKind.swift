/// The kind of build a binary comes from: SwiftPM's configurations, the name of their products
/// folder (`.build/<triple>/<kind>`), and `params.json`'s `build` (a run that measured
/// unoptimised code says so, and its numbers are never compared with release numbers).
public enum BuildKind: String, Codable, Sendable, CaseIterable {
    case debug
    case release
}
