@testable import EngageWeb
import Foundation
import TestSupport
import Testing

/// Bulk status changes and deletes: each document answers on its own, by the single operation's rules.
@Suite("Bulk documents")
struct BulkDocumentsTests {
    @Test("a bulk status change follows the lifecycle per document and says why each refused one was refused; a bulk delete deletes")
    func statusAndDelete() async throws {
        try await APIHarness.run { api in
            let draft = try await api.createDocument(#"{"document_type": "custom", "title": "Bulk one"}"#)
            let paid = try await api.createDocument(#"{"document_type": "custom", "title": "Bulk two"}"#)
            _ = try await api.call(.put, "/api/v1/document-engagements/\(paid)", json: #"{"status": "paid"}"#)

            let reply = try await api.call(.post, "/api/v1/document-engagements/bulk/status", json: """
                {"document_ids": [\(draft), \(paid), 999999], "status": "sent"}
                """)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.data["updated"] as? Int == 1)
            #expect(reply.data["failed"] as? Int == 2)
            let results = reply.data["results"] as? [[String: Any]] ?? []
            #expect(results.map { $0["document_id"] as? Int } == [Int(draft), Int(paid), 999999], "in the order asked")
            #expect((results[0]["data"] as? [String: Any])?["status"] as? String == "sent")
            let refusal = (results[1]["error"] as? [String: Any])?["details"] as? [[String: Any]]
            #expect(refusal?.first?["message"] as? String == "The status cannot change from paid to sent.", "the single update's reason")
            #expect((results[2]["error"] as? [String: Any])?["code"] as? String == "RESOURCE_NOT_FOUND")
            #expect(try await api.call(.get, "/api/v1/document-engagements/\(draft)").data["status"] as? String == "sent")

            let invalid = try await api.call(.post, "/api/v1/document-engagements/bulk/status", json: #"{"document_ids": [], "status": "asleep", "colour": 1}"#)
            #expect(invalid.status == .badRequest)
            #expect(Set(invalid.errorFields) == ["document_ids", "status", "colour"], "every problem at once, nothing changed")
            #expect(try await api.call(.post, "/api/v1/document-engagements/bulk/status", as: .viewer, json: #"{"document_ids": [\#(draft)], "status": "paid"}"#).status == .forbidden)

            let deleted = try await api.call(.post, "/api/v1/document-engagements/bulk/delete", json: #"{"document_ids": [\#(draft), \#(paid), \#(draft)]}"#)
            #expect(deleted.data["deleted"] as? Int == 2, "a repeated id counts once: \(deleted.text)")
            #expect(try await api.call(.get, "/api/v1/document-engagements/\(draft)").status == .notFound)
            let again = try await api.call(.post, "/api/v1/document-engagements/bulk/delete", json: #"{"document_ids": [\#(draft)]}"#)
            #expect(again.data["failed"] as? Int == 1, "already deleted")
        }
    }
}
