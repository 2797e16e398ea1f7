/// Turns what a user typed into a search box into safe SQL search values.
enum SearchText {
    /// InnoDB's `innodb_ft_min_token_size`: shorter words are not in a full-text index.
    static let minimumWordLength = 3

    /// A boolean-mode full-text query requiring every word as a prefix (`+acme* +2024*`), or nil
    /// when no word is long enough to be in the index. Operators typed by the user are dropped.
    static func fullTextQuery(_ text: String) -> String? {
        let words = words(of: text).filter { $0.count >= minimumWordLength }
        return words.isEmpty ? nil : words.map { "+\($0)*" }.joined(separator: " ")
    }

    /// A `LIKE` pattern matching `text` anywhere, with `%`, `_` and `\` escaped.
    static func containsPattern(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%\(escaped)%"
    }

    /// The letter-and-digit runs of `text`, as InnoDB's full-text parser splits words.
    static func words(of text: String) -> [String] {
        text.split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }
}
