import BenchKit
/// The order reports list allocators in, which also fixes their colours: the allocators `bench`
/// knows in their declared order (system first, so the usual baseline leads), then any other name
/// found in the CSV, sorted. Never the order of a dictionary, nor of the rows (which rotate).
public enum AllocatorOrder {
    public static func sorted<S: Sequence>(_ names: S) -> [String] where S.Element == String {
        let known = AllocatorName.allCases.map(\.rawValue)
        return Set(names).sorted { a, b in
            switch (known.firstIndex(of: a), known.firstIndex(of: b)) {
            case let (i?, j?): i < j
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): a < b
            }
        }
    }
}
