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
                continue
            case "'": try readSingleQuoted(&characters, into: &word)
            case "\"": try readDoubleQuoted(&characters, into: &word)
            case "\\":
                guard let escaped = characters.next() else { throw InputError("the command ends with a lone backslash") }
                word.append(escaped)
            default: word.append(character)
            }
            inWord = true
        }
        if inWord { words.append(word) }
        return words
    }

    /// The rest of a single-quoted string, up to its closing quote: every character as it is.
    private static func readSingleQuoted(_ characters: inout String.Iterator, into word: inout String) throws(InputError) {
        while true {
            guard let next = characters.next() else { throw InputError("a single quote is not closed") }
            if next == "'" { return }
            word.append(next)
        }
    }

    /// The rest of a double-quoted string, up to its closing quote, with its backslash escapes.
    private static func readDoubleQuoted(_ characters: inout String.Iterator, into word: inout String) throws(InputError) {
        while true {
            guard let next = characters.next() else { throw InputError("a double quote is not closed") }
            if next == "\"" { return }
            guard next == "\\" else {
                word.append(next)
                continue
            }
            guard let escaped = characters.next() else { throw InputError("a double quote is not closed") }
            if !"\"\\$`".contains(escaped) { word.append("\\") }
            word.append(escaped)
        }
    }
}
