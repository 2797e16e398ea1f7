/// The one email syntax check of the product (a pragmatic subset of RFC 5321, not a regex zoo).
enum EmailAddress {
    /// True for `local@domain.tld` without spaces or control characters, at most 254 code points.
    static func isValid(_ address: String) -> Bool {
        // Code points, not characters: "." followed by a combining mark or an emoji modifier is one Character.
        let scalars = Array(address.unicodeScalars)
        guard scalars.count <= 254, !scalars.contains(where: isBlankOrControl) else { return false }
        let parts = scalars.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return false }
        let domain = parts[1]
        return domain.contains(".") && domain.first != "." && domain.last != "."
    }

    /// White space, control characters and the byte-order mark: what `[\s\x00-\x1f\x7f-\x9f]` matches in OpenAPI's patterns.
    private static func isBlankOrControl(_ scalar: Unicode.Scalar) -> Bool {
        // Printable ASCII needs no look-up in Unicode's tables.
        if (0x21...0x7E).contains(scalar.value) { return false }
        return scalar.properties.isWhitespace || scalar.properties.generalCategory == .control || scalar == "\u{FEFF}"
    }
}
