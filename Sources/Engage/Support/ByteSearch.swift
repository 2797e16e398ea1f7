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
