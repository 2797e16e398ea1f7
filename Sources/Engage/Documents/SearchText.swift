/// Turns what a user typed into a search box into safe SQL search values.
enum SearchText {
    /// The longest word kept in `document_words`; longer ones are cut there and in searches alike.
    static let maximumWordLength = 64
    /// What separates words (a regular expression for MariaDB): anything but letters and digits.
    static let separators = "[^\\p{L}\\p{N}]+"
    /// InnoDB's `innodb_ft_min_token_size`: shorter words are not in a full-text index.
    static let minimumFullTextWordLength = 3

    /// The words of `text`, lower-cased, as `document_words` holds them (at most eight are used).
    static func words(of text: String) -> [String] {
        Array(text.lowercased().split { !($0.isLetter || $0.isNumber) }.prefix(8).map { String($0.prefix(maximumWordLength)) })
    }

    /// A boolean-mode full-text query requiring every word as a prefix (`+acme* +2024*`), or nil
    /// when no word is long enough to be in the index (organizations and contacts).
    static func fullTextQuery(_ text: String) -> String? {
        let words = words(of: text).filter { $0.count >= minimumFullTextWordLength }
        return words.isEmpty ? nil : words.map { "+\($0)*" }.joined(separator: " ")
    }

    /// A `LIKE` pattern matching `text` anywhere, with `%`, `_` and `\` escaped.
    static func containsPattern(_ text: String) -> String {
        "%\(escaped(text))%"
    }

    /// A `LIKE` pattern matching words that start with `word`.
    static func prefixPattern(_ word: String) -> String {
        "\(escaped(word))%"
    }

    private static func escaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
