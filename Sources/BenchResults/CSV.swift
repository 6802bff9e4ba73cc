import BenchKit
import Foundation

/// RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled.
public enum CSV {
    public static func line(_ fields: [String]) -> String {
        fields.map(quoted).joined(separator: ",") + "\n"
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Parses a whole document into records (quoted fields may span lines).
    public static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var inQuotes = false
        var iterator = text.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if character == "\"" {
                    if let following = iterator.next() {
                        if following == "\"" { field.append("\"") } else { inQuotes = false; pending = following }
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"": inQuotes = true
            case ",": record.append(field); field = ""
            case "\n", "\r\n":
                record.append(field)
                records.append(record)
                record = []
                field = ""
            default: field.append(character)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }

    /// Formats a number for a CSV cell: integers without a fraction, others in Swift's shortest
    /// round-trip form, nil as an empty cell.
    public static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        if value == value.rounded(), abs(value) < 9.0e15 { return String(Int64(value)) }
        return String(value)
    }

    /// How a numeric column is written, the same way in every file, so that data tools give it one
    /// type in every run (pandas reads `91` as an integer and `91.0` as a float).
    public enum NumberKind: Sendable {
        /// Counts and sizes: digits only, however large (`1795428366414062080`, never `1.79e+18`).
        case integer
        /// Measurements: always with a decimal point or an exponent (`91.0`, `8.353`, `3.1e-08`).
        case real
    }

    /// `value` as a column of `kind` writes it; empty when absent.
    public static func number(_ value: Double?, as kind: NumberKind) -> String {
        guard let value, value.isFinite else { return "" }
        switch kind {
        case .integer where value == value.rounded() && abs(value) < 1.8e19:
            return value < 0 ? String(Int64(value)) : String(UInt64(value))
        case .integer, .real:
            return String(value)
        }
    }

    public static func number<I: BinaryInteger>(_ value: I?) -> String {
        value.map { String($0) } ?? ""
    }

    /// A parsed CSV file: its header and its records, which can be written back unchanged (every
    /// field, even columns this version does not know) and concatenated with a file of the same
    /// columns.
    public struct Document: Equatable, Sendable {
        public var header: [String]
        public var records: [[String]]

        public init(header: [String], records: [[String]] = []) {
            self.header = header
            self.records = records
        }

        /// Parses `text`; blank lines are skipped.
        public init(parsing text: String) {
            let all = CSV.parse(text)
            header = all.first ?? []
            records = all.dropFirst().filter { $0 != [""] }
        }

        public var text: String {
            CSV.line(header) + records.map(CSV.line).joined()
        }

        /// The records of `documents` under one header: every column of every document, in the
        /// order the columns first appear (so files of an older version, with fewer columns, merge
        /// with newer ones); a record lacking a column gets an empty field.
        public static func concatenating(_ documents: [Document]) -> Document {
            var header: [String] = []
            for column in documents.flatMap(\.header) where !header.contains(column) { header.append(column) }
            var merged = Document(header: header)
            for document in documents {
                let index = document.positions
                merged.records += document.records.map { record in
                    header.map { document.field(record, $0, index: index) }
                }
            }
            return merged
        }

        /// Each record made into a row by `make`, which reads fields by column name (empty when the
        /// column is absent) and gets the record's line number for its errors; the `required`
        /// columns must be there, and `file` names the file in the error when one is not.
        func rows<Row>(requiring required: [String], file: String,
                       _ make: (_ text: (String) -> String, _ line: Int) throws -> Row) throws -> [Row] {
            guard !header.isEmpty else { return [] }
            let index = try columnIndex(requiring: required, file: file)
            return try records.enumerated().map { offset, record in
                try make({ field(record, $0, index: index) }, offset + 2)
            }
        }

        /// The field of `record` in `column`, empty when the record is short or the column absent.
        func field(_ record: [String], _ column: String, index: [String: Int]) -> String {
            guard let i = index[column], i < record.count else { return "" }
            return record[i]
        }

        /// Column name to position (the first, should a name repeat).
        var positions: [String: Int] {
            Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }

        /// ``positions``, after checking that every `required` column is there; `file` names the
        /// file in the error.
        func columnIndex(requiring required: [String], file: String) throws -> [String: Int] {
            let index = positions
            for column in required where index[column] == nil {
                throw ParseError(message: "\(file) lacks the column \(column)")
            }
            return index
        }
    }

    /// A file that does not hold what its schema promises; the message names the file and row.
    public struct ParseError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }
}
