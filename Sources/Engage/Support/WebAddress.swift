/// The one check of the http(s) addresses staff store (websites, PDF and payment links), written
/// once as a regular expression so that OpenAPI states exactly what the server accepts.
///
/// ASCII only, as RFC 3986 has it (other characters percent-encoded): a stored address goes
/// unchanged into a `Location` header and an `href`.
public enum WebAddress {
    /// A host name (letters, digits, dots, hyphens), an optional port, then path, query and fragment
    /// in RFC 3986's characters, `%` only before two hex digits.
    public static let pattern = #"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})*)?(\?(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*)?(#(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*)?$"#

    nonisolated(unsafe) private static let expression = try! Regex(pattern)

    /// True when `address` is an http or https address in this form.
    static func isValid(_ address: String) -> Bool {
        (try? expression.wholeMatch(in: address)) != nil
    }
}
