import BenchResults

/// Splits a command line into words as a POSIX shell does for `--program 'name=command'`: blanks
/// separate words, single quotes keep everything literally, double quotes keep blanks (a
/// backslash there escapes `"`, `\`, `$` and a backtick), and a backslash outside quotes
/// escapes the next character. No expansion, globbing, pipes or redirections: for those, run
/// `sh -c '...'` as the program.
enum ShellWords {
    static func split(_ line: String) throws(InputError) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var characters = line.makeIterator()
        while let character = characters.next() {
            switch character {
            case " ", "\t", "\n":
                if inWord { words.append(word) }
                word = ""
                inWord = false
            case "'":
                inWord = true
                while true {
                    guard let next = characters.next() else { throw InputError("a single quote is not closed") }
                    if next == "'" { break }
                    word.append(next)
                }
            case "\"":
                inWord = true
                while true {
                    guard let next = characters.next() else { throw InputError("a double quote is not closed") }
                    if next == "\"" { break }
                    if next == "\\" {
                        guard let escaped = characters.next() else { throw InputError("a double quote is not closed") }
                        if !"\"\\$`".contains(escaped) { word.append("\\") }
                        word.append(escaped)
                    } else {
                        word.append(next)
                    }
                }
            case "\\":
                guard let escaped = characters.next() else { throw InputError("the command ends with a lone backslash") }
                word.append(escaped)
                inWord = true
            default:
                word.append(character)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }
}
