import Foundation

/// Every sentence the product shows people, one table per language, read from
/// `Templates/messages/<language>.txt` at start-up: lines `camelCaseKey = text`, `#` comments, blank lines.
/// A text may name values in braces (`{count} documents`), filled by `text(_:_:)`.
public struct MessageCatalogue: Sendable {
    private let tables: [Language: [String: String]]

    /// Reads every language's file under `templatesDirectory`; a missing file, a malformed line,
    /// a repeated key or a key one language lacks stops start-up.
    public init(templatesDirectory: String) throws {
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let path = "\(templatesDirectory)/messages/\(language.rawValue).txt"
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CatalogueError(file: path, line: nil, problem: "the file is missing")
            }
            tables[language] = try Self.parse(String(decoding: data, as: UTF8.self), file: path)
        }
        let keys = Set(tables.values.flatMap(\.keys))
        for (language, table) in tables.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let missing = keys.subtracting(table.keys).sorted()
            if !missing.isEmpty {
                throw CatalogueError(file: "messages/\(language.rawValue).txt", line: nil, problem: "no text for \(missing.joined(separator: ", "))")
            }
        }
        self.tables = tables
    }

    /// Every key, the same in each language.
    public var keys: Set<String> { Set(table(.en).keys) }

    /// The texts of `language` by key, for templates (`{{t.key}}`).
    public func table(_ language: Language) -> [String: String] {
        tables[language] ?? [:]
    }

    private static func parse(_ text: String, file: String) throws -> [String: String] {
        var table: [String: String] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(line).trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw CatalogueError(file: file, line: number + 1, problem: "expected key = text")
            }
            let key = String(line[..<equals]).trimmingWhitespace()
            guard let first = key.first, first.isASCII, first.isLetter, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw CatalogueError(file: file, line: number + 1, problem: "a key is ASCII letters and digits (camelCase), starting with a letter")
            }
            guard table[key] == nil else { throw CatalogueError(file: file, line: number + 1, problem: "\(key) is given twice") }
            table[key] = String(line[line.index(after: equals)...]).trimmingWhitespace()
        }
        return table
    }
}

extension [String: String] {
    /// The text of `key` with each `{name}` replaced by its value; the key itself when it has no
    /// text, so that a slip shows on the page instead of hiding.
    public func text(_ key: String, _ values: [String: String] = [:]) -> String {
        guard var text = self[key] else { return key }
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }
}

/// A message file that cannot be used.
public struct CatalogueError: Error, CustomStringConvertible {
    let file: String
    let line: Int?
    let problem: String
    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(problem)" }
}
