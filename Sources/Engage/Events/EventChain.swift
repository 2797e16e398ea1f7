import Crypto
import Foundation

/// The hash chain over a document's events: each link is the SHA-256 of the previous link and the
/// event's fields, each written with its length so that no two different rows hash alike.
public enum EventChain {
    /// The fields of one event as stored (times as `YYYY-MM-DD HH:MM:SS.ffffff` UTC, details as their JSON text).
    public struct Fields: Sendable, Equatable {
        let documentID: Int64
        let eventType: String
        let linkID: Int64?
        let userID: Int64?
        let ipAddress: String?
        let userAgent: String?
        let deviceType: String?
        let details: String?
        let createdAt: String
    }

    /// The link that follows `previous` (nil for a document's first event).
    static func link(after previous: Data?, _ fields: Fields) -> Data {
        var hasher = SHA256()
        hasher.update(data: Data("oui-engage-event-v1".utf8))
        hasher.update(data: previous ?? Data(count: 32))
        for part in [
            String(fields.documentID), fields.eventType, fields.linkID.map(String.init), fields.userID.map(String.init),
            fields.ipAddress, fields.userAgent, fields.deviceType, fields.details, fields.createdAt,
        ] {
            // A missing value and an empty one must differ: "-" marks absence, "<length>:" a value.
            let encoded = part.map { "\($0.utf8.count):\($0)" } ?? "-"
            hasher.update(data: Data(encoded.utf8))
            hasher.update(data: Data([0]))
        }
        return Data(hasher.finalize())
    }

    /// `date` as MariaDB's DATETIME(6) text, to the microsecond, the form that is hashed and stored.
    static func timestamp(_ date: Date) -> String {
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        var seconds = time_t(microseconds / 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%06lld", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec, microseconds % 1_000_000)
    }
}
