/// The one email syntax check of the product (a pragmatic subset of RFC 5321, not a regex zoo).
enum EmailAddress {
    /// True for `local@domain.tld` without spaces, at most 254 characters.
    static func isValid(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return address.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".") && !address.contains(where: \.isWhitespace)
    }
}
