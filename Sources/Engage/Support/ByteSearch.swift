import Glibc

extension String {
    /// True when `needle`'s UTF-8 occurs in this string's: an exact match of the bytes, as a
    /// placeholder is looked for. Foundation's `contains` converts both to UTF-16 first (twenty times
    /// slower on an email body, and run for every message the outbox sends).
    func containsBytes(of needle: String) -> Bool {
        var haystack = self
        var needle = needle
        return haystack.withUTF8 { text in
            needle.withUTF8 { wanted in
                guard let first = wanted.first else { return true }
                guard text.count >= wanted.count else { return false }
                for start in 0...(text.count - wanted.count)
                where text[start] == first && memcmp(text.baseAddress! + start, wanted.baseAddress!, wanted.count) == 0 {
                    return true
                }
                return false
            }
        }
    }
}

extension UInt8 {
    /// A–Z, a–z or 0–9: checked on bytes, without the Unicode tables a `Character` consults.
    public var isASCIIAlphanumeric: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}
