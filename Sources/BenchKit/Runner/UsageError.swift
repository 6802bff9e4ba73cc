/// Bad input to `bench`: one line that says what was wrong and what is valid. The CLI prints it
/// as `error: <message>` and exits with status 2 before any work starts.
public struct UsageError: Error, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
