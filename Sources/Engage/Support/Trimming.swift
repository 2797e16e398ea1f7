extension String {
    /// The text without leading and trailing white space and line breaks: exactly what Foundation's
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` trims (Unicode's White_Space and the zero
    /// width space), without its round trip through NSString, the costliest step of reading input.
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !Self.isTrimmed($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !Self.isTrimmed($0) })!
        return String(Substring(scalars[first...last]))
    }

    private static func isTrimmed(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar == "\u{200B}"
    }
}
