import Foundation

/// A server's `Retry-After`: how long it asked to be left alone.
enum RetryAfter {
    /// `Retry-After` in seconds or as an HTTP date, from a response's header lines.
    static func parse(headers: String) -> Duration? {
        for line in headers.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "retry-after" else { continue }
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            if let seconds = Int(value), seconds >= 0 { return .seconds(seconds) }
            let format = DateFormatter()
            format.locale = Locale(identifier: "en_US_POSIX")
            format.timeZone = TimeZone(identifier: "GMT")
            format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
            if let date = format.date(from: value) { return .seconds(max(0, date.timeIntervalSinceNow)) }
        }
        return nil
    }
}
