import Engage

/// The fields of an `application/x-www-form-urlencoded` body.
public struct FormData: Sendable, Equatable {
    private var fields: [String: String] = [:]

    /// Parses a body; a repeated field keeps its first value, undecodable escapes are kept as text.
    public init(urlEncoded body: String) {
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            if fields[name] == nil {
                fields[name] = parts.count > 1 ? Self.decode(parts[1]) : ""
            }
        }
    }

    /// Every field except the CSRF token, as typed (to show a refused form again).
    var values: [String: String] {
        fields.filter { $0.key != "csrf_token" }
    }

    /// Every field except the CSRF token, as `Input` for a service.
    var input: Input {
        Input(form: values)
    }

    /// The field's value, "" when absent.
    public subscript(_ name: String) -> String {
        fields[name] ?? ""
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
