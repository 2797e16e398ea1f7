import Foundation

/// Builds `a=1&b=two%20words` query strings for links.
enum QueryString {
    /// The pairs, percent-encoded, in order.
    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0)=\(escape($0.1))" }.joined(separator: "&")
    }

    /// `path` with the pairs appended, or just `path` when there are none.
    static func url(_ path: String, _ pairs: [(String, String)]) -> String {
        pairs.isEmpty ? path : path + "?" + encode(pairs)
    }

    private static func escape(_ value: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

/// One `<option>` of a `<select>`.
struct SelectOption: Sendable {
    let value: String
    let label: String
    let selected: Bool

    /// An option per value of `choices` (labelled by its raw value), with `selected` chosen.
    static func all<T: RawRepresentable & CaseIterable>(_: T.Type, selected: String?) -> [SelectOption] where T.RawValue == String {
        T.allCases.map { SelectOption(value: $0.rawValue, label: $0.rawValue.replacingOccurrences(of: "_", with: " "), selected: $0.rawValue == selected) }
    }
}
