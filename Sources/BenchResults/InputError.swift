/// Input that cannot be used: a flag value, a folder that is not a run, a baseline the run does
/// not have. One line that says what was wrong and what is valid; the CLI prints it as
/// `error: <message>` and exits with status 2, before any work starts or with nothing written.
public struct InputError: Error, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
