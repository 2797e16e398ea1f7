@testable import Engage
@testable import EngageWeb
import Foundation
import TestSupport
import Testing

/// A document's parties over the API: added, listed in step order, found by id, email or name,
/// changed, replaced and removed while none has completed; every problem at once.
@Suite("Document parties API")
struct PartiesAPITests {
    @Test("add, list in step order, find by email or name, change, remove; every problem at once; locked after a completion")
    func lifecycle() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument(#"{"document_type": "custom", "title": "Two signers"}"#)
            let path = "/api/v1/document-engagements/\(id)/parties"
            let second = try await api.call(.post, path, json: #"{"name": "Bruno Roux", "email": "bruno@example.com", "role": "signer", "order": 2}"#)
            #expect(second.status == .created, "\(second.text)")
            #expect(second.data["status"] as? String == "pending")
            _ = try await api.call(.post, path, json: #"{"name": "Anne Martin", "email": "anne@example.com", "role": "signer", "order": 1}"#)
            _ = try await api.call(.post, path, json: #"{"name": "Chloé Dubois", "email": "chloe@example.com", "role": "cc", "order": 3}"#)
            let list = try await api.call(.get, path)
            let names = (list.json["data"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names == ["Anne Martin", "Bruno Roux", "Chloé Dubois"], "step order")

            #expect(try await api.call(.get, "\(path)/ANNE@example.com").data["name"] as? String == "Anne Martin")
            #expect(try await api.call(.get, "\(path)/bruno%20roux").data["email"] as? String == "bruno@example.com")
            let missing = try await api.call(.get, "\(path)/nobody@example.com")
            #expect(missing.status == .notFound)
            #expect(missing.errorCode == "PARTY_NOT_FOUND")

            let changed = try await api.call(.put, "\(path)/bruno@example.com", json: #"{"order": 1, "phone": "+33612345678"}"#)
            #expect(changed.data["order"] as? Int == 1, "\(changed.text)")
            #expect(changed.data["name"] as? String == "Bruno Roux", "fields left out keep their value")

            let refused = try await api.call(.post, path, json: #"{"name": "Anne Martin", "role": "witness", "phone": "0612", "colour": "red"}"#)
            #expect(refused.status == .badRequest)
            #expect(Set(refused.errorFields) == ["role", "phone", "colour"], "\(refused.text)")
            let duplicate = try await api.call(.post, path, json: #"{"name": "anne martin", "email": "ANNE@example.com", "role": "signer"}"#)
            #expect(Set(duplicate.errorFields) == ["name", "email"])
            let unreachable = try await api.call(.post, path, json: #"{"name": "Hugo", "role": "approver"}"#)
            #expect(unreachable.errorFields == ["email"], "a signer or approver must be reachable")
            #expect(unreachable.errorMessage == "An approver needs an email or a phone to be sent their link.")
            #expect(try await api.call(.post, path, as: .viewer, json: #"{"name": "V", "role": "viewer"}"#).status == .forbidden)

            #expect(try await api.call(.delete, "\(path)/chloe@example.com").status == .noContent)
            #expect(try await api.call(.get, "\(path)/chloe@example.com").status == .notFound)

            let replaced = try await api.call(.put, path, json: #"{"parties": [{"name": "Inès", "email": "ines@example.com", "role": "signer"}, {"name": "Félix", "role": "viewer", "order": 2}]}"#)
            #expect((replaced.json["data"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["Inès", "Félix"], "\(replaced.text)")
            let badList = try await api.call(.put, path, json: #"{"parties": [{"name": "", "role": "signer"}, 3]}"#)
            #expect(Set(badList.errorFields) == ["parties[0].name", "parties[0].email", "parties[1]"], "\(badList.text)")

            try await api.sql("UPDATE document_parties SET status = 'completed' WHERE document_id = ? AND name = 'Inès'", [id])
            let locked = try await api.call(.post, path, json: #"{"name": "Late", "email": "late@example.com", "role": "signer"}"#)
            #expect(locked.status == .conflict)
            #expect(locked.errorCode == "PARTIES_LOCKED")

            _ = try await api.call(.delete, "/api/v1/document-engagements/\(id)")
            #expect(try await api.call(.get, path).status == .notFound)
        }
    }
}
