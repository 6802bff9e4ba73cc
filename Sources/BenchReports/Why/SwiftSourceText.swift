/// A Swift source file read just far enough for `bench why` to follow a workload's calls: its
/// code with comments and string literals blanked out (so their braces and parentheses do not
/// count), its `func` declarations with the lines their bodies span, and the names a range of
/// code calls.
///
/// This is a lexical reading, not the compiler's: it matches calls to declarations by name, so
/// overloads and methods of the same name are all followed (more lines, never fewer), and it
/// does not follow initialisers (a class's own allocation is reported where it is constructed).
public struct SwiftSourceText: Sendable {
    /// The file's path, as the compiler names it in remarks.
    public let path: String
    /// The file's lines, for showing the source of a remark.
    public let lines: [Substring]
    /// The bytes of the file with comments and string contents replaced by spaces; newlines kept.
    let code: [UInt8]
    /// The offset in ``code`` where each line starts (line 1 at index 0).
    let lineStarts: [Int]

    /// A function with a body: its name and the lines from `func` to the closing brace.
    public struct Function: Equatable, Sendable {
        public let name: String
        public let lines: ClosedRange<Int>
    }

    public init(path: String, text: String) {
        self.path = path
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        code = Self.blankCommentsAndStrings(Array(text.utf8))
        var starts = [0]
        for (index, byte) in code.enumerated() where byte == UInt8(ascii: "\n") { starts.append(index + 1) }
        lineStarts = starts
    }

    /// The 1-based line of a byte offset.
    func line(of offset: Int) -> Int {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low + 1
    }

    /// Every `func` with a body (protocol requirements have none).
    public var functions: [Function] {
        var result: [Function] = []
        var index = 0
        while let keyword = find("func", from: index) {
            index = keyword + 4
            var nameEnd = index
            while nameEnd < code.count, code[nameEnd] == UInt8(ascii: " ") { nameEnd += 1 }
            let nameStart = nameEnd
            while nameEnd < code.count, Self.isIdentifier(code[nameEnd]) { nameEnd += 1 }
            guard nameEnd > nameStart, let body = bodyStart(after: nameEnd), let end = matchingBrace(body) else { continue }
            let name = String(decoding: code[nameStart..<nameEnd], as: UTF8.self)
            result.append(Function(name: name, lines: line(of: keyword)...line(of: end)))
        }
        return result
    }

    /// The lines of the body of the call that starts on `line` (a `Workload(...)` call): its
    /// trailing closure, or a `body:` closure argument. When `body:` names a function instead,
    /// that name is returned for the caller to follow.
    public func callBody(startingOn line: Int) -> (lines: ClosedRange<Int>?, bodyFunction: String?) {
        guard line >= 1, line <= lineStarts.count else { return (nil, nil) }
        var index = lineStarts[line - 1]
        while index < code.count, code[index] != UInt8(ascii: "(") { index += 1 }
        guard index < code.count, let close = matchingBracket(index, open: "(", close: ")") else { return (nil, nil) }
        var after = close + 1
        while after < code.count, Self.isSpace(code[after]) { after += 1 }
        if after < code.count, code[after] == UInt8(ascii: "{"), let end = matchingBrace(after) {
            return (self.line(of: after)...self.line(of: end), nil)
        }
        guard let label = find("body:", from: index, before: close) else { return (nil, nil) }
        var value = label + 5
        while value < close, Self.isSpace(code[value]) { value += 1 }
        if code[value] == UInt8(ascii: "{"), let end = matchingBrace(value) {
            return (self.line(of: value)...self.line(of: end), nil)
        }
        var end = value
        while end < close, Self.isIdentifier(code[end]) || code[end] == UInt8(ascii: ".") { end += 1 }
        let reference = String(decoding: code[value..<end], as: UTF8.self)
        return (nil, reference.split(separator: ".").last.map(String.init))
    }

    /// The names the code on `lines` calls, once each in the order they first appear:
    /// identifiers followed by `(` or by a trailing `{`.
    public func calledNames(on lines: ClosedRange<Int>) -> [String] {
        let start = lineStarts[max(0, lines.lowerBound - 1)]
        let end = lines.upperBound < lineStarts.count ? lineStarts[lines.upperBound] : code.count
        var names: [String] = []
        var index = start
        while index < end {
            guard Self.isIdentifier(code[index]), index == 0 || !Self.isIdentifier(code[index - 1]) else {
                index += 1
                continue
            }
            var nameEnd = index
            while nameEnd < end, Self.isIdentifier(code[nameEnd]) { nameEnd += 1 }
            var next = nameEnd
            while next < end, code[next] == UInt8(ascii: " ") { next += 1 }
            let name = String(decoding: code[index..<nameEnd], as: UTF8.self)
            if next < end, code[next] == UInt8(ascii: "(") || code[next] == UInt8(ascii: "{"), !names.contains(name) {
                names.append(name)
            }
            index = nameEnd
        }
        return names
    }

    // MARK: Scanning

    /// The `{` that opens the body of a declaration whose signature starts at `index`, or nil
    /// when a `}` (the end of a protocol) comes first.
    private func bodyStart(after index: Int) -> Int? {
        var depth = 0
        for position in index..<code.count {
            switch code[position] {
            case UInt8(ascii: "("), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: "{") where depth == 0: return position
            case UInt8(ascii: "}") where depth == 0: return nil
            default: break
            }
        }
        return nil
    }

    private func matchingBrace(_ open: Int) -> Int? { matchingBracket(open, open: "{", close: "}") }

    private func matchingBracket(_ open: Int, open opening: Unicode.Scalar, close closing: Unicode.Scalar) -> Int? {
        var depth = 0
        for position in open..<code.count {
            if code[position] == UInt8(ascii: opening) { depth += 1 }
            if code[position] == UInt8(ascii: closing) {
                depth -= 1
                if depth == 0 { return position }
            }
        }
        return nil
    }

    /// The offset of `word` as a whole word at or after `index` (and before `limit`).
    private func find(_ word: String, from index: Int, before limit: Int? = nil) -> Int? {
        let pattern = Array(word.utf8)
        let end = min(limit ?? code.count, code.count) - pattern.count
        guard index <= end else { return nil }
        for position in index...end where code[position..<position + pattern.count].elementsEqual(pattern) {
            let before = position == 0 || !Self.isIdentifier(code[position - 1])
            let afterIndex = position + pattern.count
            let after = afterIndex >= code.count || !Self.isIdentifier(code[afterIndex]) || pattern.last == UInt8(ascii: ":")
            if before && after { return position }
        }
        return nil
    }

    static func isIdentifier(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    /// `source` with the contents of comments (`//`, nested `/* */`) and string literals (`"`,
    /// `"""`, raw `#"..."#`) replaced by spaces, newlines kept so that offsets keep their lines.
    /// Interpolations are blanked with their string: calls made inside them are not followed.
    static func blankCommentsAndStrings(_ source: [UInt8]) -> [UInt8] {
        var code = source
        func blank(_ range: Range<Int>) {
            for index in range where code[index] != UInt8(ascii: "\n") { code[index] = UInt8(ascii: " ") }
        }
        func starts(_ text: String, at index: Int) -> Bool {
            let bytes = Array(text.utf8)
            return index + bytes.count <= source.count && source[index..<index + bytes.count].elementsEqual(bytes)
        }
        /// The offset after the `)` that closes an interpolation whose code starts at `start`,
        /// stepping over the string literals inside it.
        func interpolationEnd(from start: Int) -> Int {
            var depth = 1, end = start
            while end < source.count, depth > 0 {
                switch source[end] {
                case UInt8(ascii: "\""):
                    end += 1
                    while end < source.count, source[end] != UInt8(ascii: "\""), source[end] != UInt8(ascii: "\n") {
                        end += source[end] == UInt8(ascii: "\\") ? 2 : 1
                    }
                case UInt8(ascii: "("): depth += 1
                case UInt8(ascii: ")"): depth -= 1
                default: break
                }
                end += 1
            }
            return end
        }
        var index = 0
        while index < source.count {
            if starts("//", at: index) {
                var end = index
                while end < source.count, source[end] != UInt8(ascii: "\n") { end += 1 }
                blank(index..<end)
                index = end
            } else if starts("/*", at: index) {
                var depth = 0, end = index
                repeat {
                    if starts("/*", at: end) { depth += 1; end += 2 } else if starts("*/", at: end) { depth -= 1; end += 2 } else { end += 1 }
                } while depth > 0 && end < source.count
                blank(index..<end)
                index = end
            } else if source[index] == UInt8(ascii: "\"") || (source[index] == UInt8(ascii: "#") && index + 1 < source.count
                                                                && (source[index + 1] == UInt8(ascii: "\"") || source[index + 1] == UInt8(ascii: "#"))) {
                var hashes = 0
                var start = index
                while start < source.count, source[start] == UInt8(ascii: "#") { hashes += 1; start += 1 }
                guard start < source.count, source[start] == UInt8(ascii: "\"") else { index = start; continue }
                let multiline = starts("\"\"\"", at: start)
                let delimiter = (multiline ? "\"\"\"" : "\"") + String(repeating: "#", count: hashes)
                var end = start + (multiline ? 3 : 1)
                while end < source.count, !starts(delimiter, at: end) {
                    if hashes == 0, starts("\\(", at: end) {
                        end = interpolationEnd(from: end + 2)
                        continue
                    }
                    if hashes == 0, source[end] == UInt8(ascii: "\\") { end += 1 }
                    if !multiline, source[end] == UInt8(ascii: "\n") { break }
                    end += 1
                }
                end = min(source.count, end + delimiter.utf8.count)
                blank(index..<end)
                index = end
            } else {
                index += 1
            }
        }
        return code
    }
}
