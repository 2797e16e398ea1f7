@testable import Engage
@testable import EngageWeb
import Foundation
import HTTPTypes
import Logging
import TestSupport
import Testing

/// `expires_at` on a document and the worker's sweeper, against a real MariaDB.
@Suite("Document expiry")
struct DocumentExpiryTests {
    private let path = "/api/v1/document-engagements"

    @Test("expires_at is set on create and update, in the future only, every problem at once; cleared with null")
    func field() async throws {
        try await APIHarness.run { api in
            let created = try await api.call(.post, path, json: #"{"document_type": "custom", "title": "Lease", "expires_at": "2099-01-31T17:00:00+01:00"}"#)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.data["expires_at"] as? String == "2099-01-31T16:00:00Z")
            let id = try #require(created.data["id"] as? Int)
            let bad = try await api.call(.put, "\(path)/\(id)", json: #"{"expires_at": "2020-01-01T00:00:00Z", "title": "x"}"#)
            #expect(bad.status == .badRequest)
            #expect(Set(bad.errorFields) == ["expires_at", "title"], "\(bad.text)")
            #expect(bad.errorMessage?.isEmpty == false)
            let unreadable = try await api.call(.put, "\(path)/\(id)", json: #"{"expires_at": "next week"}"#)
            #expect(unreadable.details.first?["code"] as? String == "VALIDATION_INVALID_FORMAT")
            let cleared = try await api.call(.put, "\(path)/\(id)", json: #"{"expires_at": null}"#)
            #expect(cleared.data["expires_at"] is NSNull, "\(cleared.text)")
        }
    }

    @Test("two sweepers at once expire an overdue document once: status, links revoked, one event, one notice to the owner; others are left alone")
    func sweepOnce() async throws {
        try await APIHarness.run { api in
            func document(_ title: String) async throws -> Int64 {
                try await api.createDocument(#"{"document_type": "custom", "title": "\#(title)", "expires_at": "2099-01-01T00:00:00Z"}"#)
            }
            let overdue = try await document("Overdue lease")
            let signed = try await document("Signed lease")
            let later = try await document("Later lease")
            for id in [overdue, signed, later] {
                _ = try await api.call(.post, "\(path)/\(id)/tokens", json: "{}")
                _ = try await api.call(.put, "\(path)/\(id)", json: #"{"status": "sent"}"#)
            }
            _ = try await api.call(.put, "\(path)/\(signed)", json: #"{"status": "signed"}"#)
            try await api.sql("UPDATE documents SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE WHERE id IN (?, ?)", [overdue, signed])

            let sender = try MessageServices(configuration: api.configuration, database: api.database).sender
            let sweepers = (0..<2).map { _ in DocumentExpiry(database: api.database, sender: sender, logger: Logger(label: "test.expiry")) }
            async let first = sweepers[0].sweep()
            async let second = sweepers[1].sweep()
            let swept = try await first + second
            #expect(swept == [overdue], "once, by one sweeper; a signed document does not expire")
            #expect(try await sweepers[0].sweep().isEmpty, "nothing left to sweep")

            let shown = try await api.call(.get, "\(path)/\(overdue)")
            #expect(shown.data["status"] as? String == "expired")
            #expect(shown.data["expired_at"] is String)
            let changes = try await api.call(.get, "\(path)/\(overdue)/events?event_type=status_changed").items
            #expect(changes.filter { ($0["details"] as? [String: Any])?["reason"] as? String == "expires_at" }.count == 1)
            #expect(try await api.call(.get, "\(path)/\(overdue)/events?event_type=token_revoked").items.count == 1)
            #expect(try await api.call(.get, "\(path)/\(overdue)/tokens").items.allSatisfy { $0["revoked_at"] is String })
            let notices = try await api.call(.get, "/api/v1/outbox?per_page=50").items.filter { $0["template"] as? String == "staff_notice" }
            #expect(notices.count == 1)
            #expect(notices.first?["recipient"] as? String == "admin@example.com", "made with an API key: every active admin")
            #expect(try await api.call(.get, "\(path)/\(signed)").data["status"] as? String == "signed")
            #expect(try await api.call(.get, "\(path)/\(later)").data["status"] as? String == "sent")
        }
    }
}
