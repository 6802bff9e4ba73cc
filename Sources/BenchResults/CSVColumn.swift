import BenchKit

/// One column of a CSV file of the run folder: its name, how a row writes its field, and how a
/// row reads the field back. A file's columns are one ``CSVSchema``, from which its header, its
/// writer and its parser all follow, so each column is written down once.
public struct CSVColumn<Row>: Sendable {
    public let name: String
    let write: @Sendable (Row) -> String
    /// Sets the row's field from the column's text; false when the text is not a valid value.
    let read: @Sendable (inout Row, String) -> Bool
    /// The quantity this column holds, when reports summarise and compare it.
    public let metric: Metric.Description?
    /// A number column's value in a row.
    let number: (@Sendable (Row) -> Double?)?

    init(_ name: String, metric: Metric.Description? = nil, number: (@Sendable (Row) -> Double?)? = nil,
         write: @escaping @Sendable (Row) -> String, read: @escaping @Sendable (inout Row, String) -> Bool) {
        self.name = name
        self.metric = metric
        self.number = number
        self.write = write
        self.read = read
    }

    /// Text, written as is; `valid` says which texts a file may hold.
    static func text(_ name: String, _ get: @escaping @Sendable (Row) -> String,
                     _ set: @escaping @Sendable (inout Row, String) -> Void,
                     valid: @escaping @Sendable (String) -> Bool = { _ in true }) -> CSVColumn {
        CSVColumn(name, write: get, read: { row, text in
            guard valid(text) else { return false }
            set(&row, text)
            return true
        })
    }

    /// A value of a type that reads and writes itself as text (an integer, a status); the column
    /// is required to hold one.
    static func value<Value: LosslessStringConvertible>(
        _ name: String, _ get: @escaping @Sendable (Row) -> Value, _ set: @escaping @Sendable (inout Row, Value) -> Void
    ) -> CSVColumn {
        CSVColumn(name, write: { String(get($0)) }, read: { row, text in
            guard let value = Value(text) else { return false }
            set(&row, value)
            return true
        })
    }

    /// An optional number: empty when absent (never a made-up zero), otherwise written as `kind`
    /// says (``CSV/NumberKind``). Text that is not a finite number (`abc`, `inf`, `nan`, `1e400`)
    /// is a bad value.
    static func number(_ name: String, _ kind: CSV.NumberKind, metric: Metric.Description? = nil,
                       _ get: @escaping @Sendable (Row) -> Double?, _ set: @escaping @Sendable (inout Row, Double) -> Void) -> CSVColumn {
        CSVColumn(name, metric: metric, number: get, write: { CSV.number(get($0), as: kind) }, read: { row, text in
            guard !text.isEmpty else { return true }
            guard let value = Double(text), value.isFinite else { return false }
            set(&row, value)
            return true
        })
    }

    /// A MemStats field of the row's snapshot: a count exactly as Go's uint64 holds it
    /// (``MemStatsSnapshot/subscript(exactly:)``), GCCPUFraction as a float; empty when absent.
    static func memStats(_ field: MemStatsField, metric: Metric.Description? = nil,
                         _ snapshot: WritableKeyPath<Row, MemStatsSnapshot> & Sendable) -> CSVColumn {
        CSVColumn(field.rawValue, metric: metric, number: { $0[keyPath: snapshot][field] }, write: { row in
            row[keyPath: snapshot][exactly: field].map(String.init) ?? CSV.number(row[keyPath: snapshot][field], as: field.numberKind)
        }, read: { row, text in
            guard !text.isEmpty else { return true }
            if let count = UInt64(text) {
                row[keyPath: snapshot][exactly: field] = count
            } else if let value = Double(text), value.isFinite {
                row[keyPath: snapshot][field] = value
            } else {
                return false
            }
            return true
        })
    }

    /// A count that must be at least 1 (threads, repetitions).
    static func positive(_ name: String, _ get: @escaping @Sendable (Row) -> Int,
                         _ set: @escaping @Sendable (inout Row, Int) -> Void) -> CSVColumn {
        CSVColumn(name, write: { String(get($0)) }, read: { row, text in
            guard let value = Int(text), value >= 1 else { return false }
            set(&row, value)
            return true
        })
    }
}

/// The columns of one CSV file and what follows from them: the header, a row's line, and the
/// rows read back from a file (by column name, so files with extra columns still read).
public struct CSVSchema<Row>: Sendable {
    /// The file's name, for errors.
    public let file: String
    public let columns: [CSVColumn<Row>]
    /// The columns a file must have for its rows to be read.
    let required: [String]
    /// A row before any column is read into it.
    let blank: @Sendable () -> Row

    public var names: [String] { columns.map(\.name) }
    public var header: String { CSV.line(names) }

    public func line(_ row: Row) -> String {
        CSV.line(columns.map { $0.write(row) })
    }

    /// Reads the rows of `document`; a required column that is missing, or a value a column
    /// cannot read, is an error that names the file, the line and the column.
    public func parse(_ document: CSV.Document) throws -> [Row] {
        try document.rows(requiring: required, file: file) { text, line in
            var row = blank()
            for column in columns where !column.read(&row, text(column.name)) {
                throw CSV.ParseError(message: "\(file) line \(line) has a bad \(column.name): '\(text(column.name))'")
            }
            return row
        }
    }

    public func parse(_ text: String) throws -> [Row] {
        try parse(CSV.Document(parsing: text))
    }
}
