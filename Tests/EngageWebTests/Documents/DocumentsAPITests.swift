import Engage
import Foundation
import HTTPTypes
import Testing

@Suite("Document engagements API")
struct DocumentsAPITests {
    private let path = "/api/v1/document-engagements"

    @Test("a valid document is created as a draft, numbered, and shown with the spec's payload")
    func createAndShow() async throws {
        try await APIHarness.run { api in
            let created = try await api.call(.post, path, json: """
                {"document_type": "pennylane_quote", "title": "Quote #2024-001", "external_id": "Q-2024-001",
                 "external_source": "pennylane", "external_url": "https://pennylane.com/quotes/1",
                 "total_amount": 5000.10, "currency": "usd", "due_date": "2025-02-15",
                 "metadata": {"deal": "big", "nested": {"n": 1}}, "prefill_data": {"name": "John Doe"}}
                """)
            #expect(created.status == .created)
            let id = try #require(created.data["id"] as? Int)
            #expect(created.headers[.location]?.hasSuffix("\(path)/\(id)") == true)

            let shown = try await api.call(.get, "\(path)/\(id)", as: .viewer)
            #expect(shown.status == .ok)
            let data = shown.data
            #expect(data["status"] as? String == "draft")
            #expect(data["document_number"] as? String == String(format: "DOC-%06d", id))
            #expect((data["total_amount"] as? NSNumber)?.decimalValue == Decimal(string: "5000.1"))
            #expect(data["currency"] as? String == "USD")
            #expect(data["due_date"] as? String == "2025-02-15")
            #expect(data["view_count"] as? Int == 0)
            #expect(data["first_viewed_at"] is NSNull)
            #expect((data["metadata"] as? [String: Any])?["deal"] as? String == "big")
            #expect((data["tokens"] as? [Any])?.isEmpty == true)
            #expect((data["recent_events"] as? [Any])?.isEmpty == true)
            for key in ["downloaded_at", "accepted_at", "signed_at", "paid_at", "recipient_email", "recipient_name", "recipient_company", "description"] {
                #expect(data.keys.contains(key), "payload lacks \(key)")
            }
        }
    }

    @Test("a payload with three mistakes gets three details, naming each field")
    func threeMistakes() async throws {
        try await APIHarness.run { api in
            let reply = try await api.call(.post, path, json: #"{"document_type": "brochure", "title": "Hi", "currency": "EURO"}"#)
            #expect(reply.status == .badRequest)
            #expect(reply.errorCode == "VALIDATION_FAILED")
            #expect(reply.errorFields == ["document_type", "title", "currency"])
            #expect(reply.details.map { $0["code"] as? String } == ["VALIDATION_INVALID_VALUE", "VALIDATION_TOO_SHORT", "VALIDATION_INVALID_VALUE"])
        }
    }

    @Test("every rule is checked and every failure listed at once; nothing is stored")
    func everyRule() async throws {
        try await APIHarness.run { api in
            let reply = try await api.call(.post, path, json: """
                {"document_type": "custom", "title": "Valid title", "total_amount": 10.123, "due_date": "2025-02-30",
                 "external_url": "ftp://example.com/x", "pdf_url": "not a url", "payment_url": "https://pay.example.com/1",
                 "contact_id": 999, "organization_id": 998, "external_source": "sage", "metadata": [1, 2],
                 "recipient_email": "nobody", "colour": "red"}
                """)
            #expect(reply.status == .badRequest)
            #expect(Set(reply.errorFields) == [
                "total_amount", "due_date", "external_url", "pdf_url", "contact_id", "organization_id",
                "external_source", "metadata", "recipient_email", "colour",
            ])
            #expect(reply.details.first { $0["field"] as? String == "contact_id" }?["code"] as? String == "VALIDATION_REFERENCE_NOT_FOUND")
            #expect(reply.details.first { $0["field"] as? String == "colour" }?["code"] as? String == "VALIDATION_UNKNOWN_FIELD")

            let negative = try await api.call(.post, path, json: #"{"document_type": "custom", "title": "Valid", "total_amount": -1}"#)
            #expect(negative.details.first?["code"] as? String == "VALIDATION_OUT_OF_RANGE")
            let wrongTypes = try await api.call(.post, path, json: #"{"document_type": 3, "title": ["x"], "contact_id": "abc"}"#)
            #expect(wrongTypes.errorFields == ["document_type", "title", "contact_id"])

            let list = try await api.call(.get, path)
            #expect(list.meta["total"] == 0)
        }
    }

    @Test("missing required fields give VALIDATION_REQUIRED_FIELD; broken JSON gives 400, never 500")
    func requiredAndMalformed() async throws {
        try await APIHarness.run { api in
            let empty = try await api.call(.post, path, json: "{}")
            #expect(empty.status == .badRequest)
            #expect(empty.errorCode == "VALIDATION_REQUIRED_FIELD")
            #expect(empty.errorFields == ["document_type", "title"])
            let blank = try await api.call(.post, path, json: #"{"document_type": "custom", "title": "   "}"#)
            #expect(blank.errorFields == ["title"])
            let broken = try await api.call(.post, path, json: #"{"document_type": "#)
            #expect(broken.status == .badRequest)
            #expect(broken.errorCode == "VALIDATION_INVALID_JSON")
            let array = try await api.call(.post, path, json: "[1]")
            #expect(array.errorCode == "VALIDATION_INVALID_JSON")
        }
    }

    @Test("a contact fills in the recipient and organization; amounts keep two exact decimals")
    func recipientFromContact() async throws {
        try await APIHarness.run { api in
            let org = try await api.call(.post, "/api/v1/organizations", json: #"{"name": "Acme Corp"}"#)
            let orgID = try #require(org.data["id"] as? Int)
            let contact = try await api.call(.post, "/api/v1/contacts", json: """
                {"firstname": "John", "lastname": "Doe", "email": "john@acme.example", "organization_id": \(orgID)}
                """)
            let contactID = try #require(contact.data["id"] as? Int)
            let id = try await api.createDocument("""
                {"document_type": "pennylane_invoice", "title": "Invoice 7", "contact_id": \(contactID), "total_amount": "0.10"}
                """)
            let data = try await api.call(.get, "\(path)/\(id)").data
            #expect(data["recipient_email"] as? String == "john@acme.example")
            #expect(data["recipient_name"] as? String == "John Doe")
            #expect(data["recipient_company"] as? String == "Acme Corp")
            #expect(data["organization_id"] as? Int == orgID)
            let stored: String = try await api.database.pool.withConnection {
                try #require(try await $0.queryFirst("SELECT CAST(total_amount AS CHAR) AS amount FROM documents WHERE id = ?", [id])).decode("amount")
            }
            #expect(stored == "0.10")
        }
    }

    @Test("one live document per external reference; a deleted one steps aside, and cannot come back over a live one")
    func externalReference() async throws {
        try await APIHarness.run { api in
            let body = #"{"document_type": "pennylane_quote", "title": "Quote A", "external_source": "pennylane", "external_id": "Q-1"}"#
            let first = try await api.createDocument(body)
            let again = try await api.call(.post, path, json: body)
            #expect(again.status == .badRequest)
            #expect(again.details.first?["code"] as? String == "VALIDATION_DUPLICATE")
            // Same id from another source is another document.
            _ = try await api.createDocument(#"{"document_type": "project_approval", "title": "Approval", "external_source": "projectflow", "external_id": "Q-1"}"#)

            #expect(try await api.call(.delete, "\(path)/\(first)").status == .noContent)
            let second = try await api.createDocument(body)
            let restore = try await api.call(.post, "\(path)/\(first)/restore", as: .admin)
            #expect(restore.status == .badRequest)
            #expect(restore.errorFields == ["external_id"])
            #expect(try await api.call(.delete, "\(path)/\(second)").status == .noContent)
            #expect(try await api.call(.post, "\(path)/\(first)/restore", as: .admin).status == .ok)
        }
    }

    @Test("soft delete hides a document; only an admin restores it; viewers cannot write")
    func deleteAndRestore() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument(#"{"document_type": "custom", "title": "To be deleted"}"#)
            let viewerDelete = try await api.call(.delete, "\(path)/\(id)", as: .viewer)
            #expect(viewerDelete.status == .forbidden)
            #expect(viewerDelete.errorCode == "AUTH_INSUFFICIENT_PERMISSIONS")
            #expect(try await api.call(.post, path, as: .viewer, json: #"{"document_type": "custom", "title": "Nope"}"#).status == .forbidden)

            #expect(try await api.call(.delete, "\(path)/\(id)").status == .noContent)
            let gone = try await api.call(.get, "\(path)/\(id)")
            #expect(gone.status == .notFound)
            #expect(gone.errorCode == "RESOURCE_NOT_FOUND")
            #expect(try await api.call(.delete, "\(path)/\(id)").status == .notFound)
            #expect(try await api.call(.get, path).meta["total"] == 0)
            #expect(try await api.call(.put, "\(path)/\(id)", json: #"{"title": "Edited"}"#).status == .notFound)

            let staffRestore = try await api.call(.post, "\(path)/\(id)/restore")
            #expect(staffRestore.status == .forbidden)
            let restored = try await api.call(.post, "\(path)/\(id)/restore", as: .admin)
            #expect(restored.status == .ok)
            #expect(restored.data["deleted_at"] is NSNull)
            #expect(try await api.call(.get, path).ids == [id])
            #expect(try await api.call(.post, "\(path)/\(id)/restore", as: .admin).status == .notFound)
            #expect(try await api.call(.get, "\(path)/abc").status == .notFound)
        }
    }

    @Test("PUT changes only the spec's updatable fields; absent fields stay, null clears")
    func update() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument(#"{"document_type": "custom", "title": "Original", "description": "Keep me", "due_date": "2025-03-01", "total_amount": 10}"#)
            let changed = try await api.call(.put, "\(path)/\(id)", json: """
                {"title": "Renamed", "due_date": null, "total_amount": 12.5, "currency": "GBP", "custom_message": "Hello", "metadata": {"a": 1}}
                """)
            #expect(changed.status == .ok)
            let data = changed.data
            #expect(data["title"] as? String == "Renamed")
            #expect(data["description"] as? String == "Keep me")
            #expect(data["due_date"] is NSNull)
            #expect(data["currency"] as? String == "GBP")
            #expect(data["custom_message"] as? String == "Hello")
            // The search index follows the new title.
            #expect(try await api.call(.get, "\(path)?search=renamed").ids == [id])
            #expect(try await api.call(.get, "\(path)?search=original").ids == [])

            let refused = try await api.call(.put, "\(path)/\(id)", json: #"{"document_type": "custom", "external_id": "X", "title": "ab", "status": "lost"}"#)
            #expect(refused.status == .badRequest)
            #expect(Set(refused.errorFields) == ["document_type", "external_id", "title", "status"])
            #expect(try await api.call(.get, "\(path)/\(id)").data["title"] as? String == "Renamed")
        }
    }

    @Test("status changes follow the lifecycle and stamp their time; an impossible one names both statuses")
    func statusLifecycle() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument(#"{"document_type": "pennylane_invoice", "title": "Invoice"}"#)
            let sent = try await api.call(.put, "\(path)/\(id)", json: #"{"status": "sent"}"#)
            #expect(sent.data["status"] as? String == "sent")
            #expect(sent.data["sent_at"] is String)
            let paid = try await api.call(.put, "\(path)/\(id)", json: #"{"status": "paid"}"#)
            #expect(paid.data["paid_at"] is String)
            let back = try await api.call(.put, "\(path)/\(id)", json: #"{"status": "draft"}"#)
            #expect(back.status == .badRequest)
            #expect(back.errorMessage == "The status cannot change from paid to draft.")
            #expect(back.errorFields == ["status"])
            let cancel = try await api.call(.put, "\(path)/\(id)", json: #"{"status": "cancelled"}"#)
            #expect(cancel.status == .badRequest)
        }
        #expect(DocumentLifecycle.staffCanMove(from: .sent, to: .accepted))
        #expect(!DocumentLifecycle.staffCanMove(from: .accepted, to: .viewed))
        #expect(DocumentLifecycle.staffCanMove(from: .viewed, to: .rejected))
        #expect(!DocumentLifecycle.staffCanMove(from: .signed, to: .rejected))
        #expect(DocumentLifecycle.staffCanMove(from: .sent, to: .expired))
        #expect(!DocumentLifecycle.staffCanMove(from: .draft, to: .expired))
        #expect(DocumentLifecycle.staffCanMove(from: .rejected, to: .draft))
        #expect(!DocumentLifecycle.staffCanMove(from: .cancelled, to: .sent))
    }
}
