/// One optimisation remark of the Swift compiler's "assembly vision" pass, which reports what
/// the optimised code still does at a source line: allocate an object on the heap, keep it on the
/// stack, retain or release it. It is how `bench why` answers Go's `-gcflags -m` question ("moved
/// to heap", "does not escape") for Swift.
///
/// The compiler writes them as diagnostics when a module is built with the flags of
/// `RemarkBuild` (checked with Swift 6.3):
///
///     /path/BigStruct.swift:41:5: remark: heap allocated ref of type 'BigStructObject'
public struct CompilerRemark: Equatable, Sendable {
    /// What the optimised code does at the line.
    public enum Kind: String, CaseIterable, Sendable {
        /// `heap allocated ref of type 'T'`: a class instance (or box) allocated with malloc.
        case heapAllocation = "heap allocated ref of type"
        /// `stack allocated ref of type 'T'`: an object the optimiser promoted to the stack.
        case stackAllocation = "stack allocated ref of type"
        /// `retain of type 'T'`: a reference count increment left after optimisation.
        case retain = "retain of type"
        /// `release of type 'T'`: a reference count decrement (and, at zero, a free).
        case release = "release of type"
    }

    public let file: String
    public let line: Int
    public let column: Int
    public let kind: Kind
    /// The type named between quotes: `BigStructObject`, `_ContiguousArrayStorage<Int>`.
    public let type: String

    public init(file: String, line: Int, column: Int, kind: Kind, type: String) {
        self.file = file
        self.line = line
        self.column = column
        self.kind = kind
        self.type = type
    }

    /// The remarks of the kinds above in a build's output, once each (the compiler repeats a
    /// remark when it reaches a line through two specialisations); the other remarks (inlining,
    /// exclusivity) and the source excerpts it prints under each are skipped.
    public static func parse(_ output: String) -> [CompilerRemark] {
        var seen = Set<String>()
        var remarks: [CompilerRemark] = []
        for line in output.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let remark = parseLine(line), seen.insert("\(remark.file):\(remark.line):\(remark.column):\(remark.kind):\(remark.type)").inserted
            else { continue }
            remarks.append(remark)
        }
        return remarks
    }

    /// `FILE:LINE:COLUMN: remark: KIND 'TYPE'`, or nil.
    static func parseLine(_ line: Substring) -> CompilerRemark? {
        guard let marker = line.range(of: ": remark: ") else { return nil }
        let message = line[marker.upperBound...]
        guard let kind = Kind.allCases.first(where: { message.hasPrefix($0.rawValue + " '") }),
              message.hasSuffix("'") else { return nil }
        let type = message.dropFirst(kind.rawValue.count + 2).dropLast()
        // The location ends in ":LINE:COLUMN"; the path itself may hold colons.
        let location = line[..<marker.lowerBound].split(separator: ":", omittingEmptySubsequences: false)
        guard location.count >= 3, let column = Int(location[location.count - 1]),
              let lineNumber = Int(location[location.count - 2]) else { return nil }
        let file = location.dropLast(2).joined(separator: ":")
        return CompilerRemark(file: file, line: lineNumber, column: column, kind: kind, type: String(type))
    }
}
