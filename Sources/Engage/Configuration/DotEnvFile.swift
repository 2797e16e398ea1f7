import Foundation

/// Reads `KEY=value` lines from a `.env` file: `#` comments, optional `export `, optional quotes.
enum DotEnvFile {
    /// The variables in the file at `path`; an absent file gives none.
    static func read(_ path: String) throws(ConfigurationError) -> [String: String] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError(variable: path, problem: "cannot be read as UTF-8 text")
        }
        return try parse(text, file: path)
    }

    static func parse(_ text: String, file: String) throws(ConfigurationError) -> [String: String] {
        var values: [String: String] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)) }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigurationError(variable: "\(file) line \(number + 1)", problem: "is not KEY=value")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
                value = String(value.dropFirst().dropLast())
            }
            values[key] = value
        }
        return values
    }
}
