import Engage
@testable import EngageWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// `Idempotency-Key` on API POSTs.
@Suite("Idempotency keys")
struct IdempotencyTests {
    static let key = HTTPField.Name("Idempotency-Key")!

    @Test("a retry with the same key and body gets the first answer without doing the work again; another body is refused; errors replay too")
    func replay() async throws {
        try await APIHarness.run { api in
            let body = #"{"fullname": "Ann Lee", "email": "ann@example.com"}"#
            let first = try await api.call(.post, "/api/v1/contacts", json: body, headers: [Self.key: "create-ann-1"])
            #expect(first.status == .created)
            let again = try await api.call(.post, "/api/v1/contacts", json: body, headers: [Self.key: "create-ann-1"])
            #expect(again.status == .created)
            #expect(again.text == first.text)
            #expect(again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(again.headers[.location] == first.headers[.location])
            #expect(try await api.call(.get, "/api/v1/contacts").items.count == 1, "created once")

            let other = try await api.call(.post, "/api/v1/contacts", json: #"{"fullname": "Bo Li", "email": "bo@example.com"}"#, headers: [Self.key: "create-ann-1"])
            #expect(other.status == .unprocessableContent)
            #expect(other.errorCode == "IDEMPOTENCY_KEY_REUSED")

            let invalid = #"{"fullname": ""}"#
            let refused = try await api.call(.post, "/api/v1/contacts", json: invalid, headers: [Self.key: "bad-1"])
            #expect(refused.status == .badRequest)
            let refusedAgain = try await api.call(.post, "/api/v1/contacts", json: invalid, headers: [Self.key: "bad-1"])
            #expect(refusedAgain.text == refused.text)
            #expect(refusedAgain.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")

            // Keys are the caller's own: the admin's key with the same name is another request.
            #expect(try await api.call(.post, "/api/v1/contacts", as: .admin, json: body, headers: [Self.key: "create-ann-1"]).status == .created)
            #expect(try await api.call(.post, "/api/v1/contacts", json: body, headers: [Self.key: String(repeating: "k", count: 256)]).status == .badRequest)
            // After 24 hours a key may be used again.
            try await api.sql("UPDATE idempotency_keys SET created_at = created_at - INTERVAL 25 HOUR")
            let later = try await api.call(.post, "/api/v1/contacts", json: #"{"fullname": "Cy Ng", "email": "cy@example.com"}"#, headers: [Self.key: "create-ann-1"])
            #expect(later.status == .created)
        }
    }

    @Test("concurrent duplicates wait for the first: one record, the same answer for all")
    func concurrent() async throws {
        try await APIHarness.run { api in
            let body = #"{"document_type": "custom", "title": "Sent twice by a flaky client"}"#
            // (status, body, replayed) of each answer.
            let answers = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String, Bool).self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let reply = try await api.call(.post, "/api/v1/document-engagements", json: body, headers: [Self.key: "doc-once"])
                        return (reply.status, reply.text, reply.headers[HTTPField.Name("Idempotent-Replayed")!] != nil)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.0 == .created })
            #expect(Set(answers.map(\.1)).count == 1)
            #expect(answers.filter { !$0.2 }.count == 1)
            #expect(try await api.call(.get, "/api/v1/document-engagements").items.count == 1)
        }
    }
}
