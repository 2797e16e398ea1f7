@testable import Engage
@testable import EngageWeb
import Foundation
import HTTPTypes
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

    @Test("the portal's bulk actions: ticked documents or all those matching, a confirmation, then what each came to; viewers see no boxes")
    func portal() async throws {
        try await APIHarness.run { api in
            let first = try await api.createDocument(#"{"document_type": "custom", "title": "Portal bulk one"}"#)
            let second = try await api.createDocument(#"{"document_type": "custom", "title": "Portal bulk two"}"#)
            let other = try await api.createDocument(#"{"document_type": "pennylane_quote", "title": "Portal bulk other"}"#)
            _ = try await api.call(.put, "/api/v1/document-engagements/\(second)", json: #"{"status": "paid"}"#)
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            let list = String(buffer: try await staff.get(api.client, "/documents?document_type=custom").body)
            #expect(list.contains(#"name="document_\#(first)""#))
            #expect(list.contains(#"<input type="hidden" name="query" value="document_type=custom">"#))

            let confirm = try await staff.post(api.client, "/documents/bulk", [
                "action": "status:sent", "document_\(first)": "on", "document_\(second)": "on", "query": "document_type=custom",
            ])
            let page = String(buffer: confirm.body)
            #expect(confirm.status == .ok)
            #expect(page.contains("<strong>Change status to sent</strong>: 2 documents."))
            #expect(try await api.call(.get, "/api/v1/document-engagements/\(first)").data["status"] as? String == "draft", "nothing changes before the confirmation")

            let done = try await staff.post(api.client, "/documents/bulk/confirm", [
                "action": "status:sent", "ids": "\(first),\(second)", "query": "document_type=custom",
            ])
            let result = String(buffer: done.body)
            #expect(result.contains("1 done, 1 refused."), "\(result)")
            #expect(result.contains("The status cannot change from paid to sent."))
            #expect(try await api.call(.get, "/api/v1/document-engagements/\(first)").data["status"] as? String == "sent")

            // All matching the filters: the two custom documents, not the quote.
            let all = String(buffer: try await staff.post(api.client, "/documents/bulk", [
                "action": "delete", "all_matching": "on", "query": "document_type=custom",
            ]).body)
            #expect(all.contains("<strong>Delete</strong>: 2 documents."))
            #expect(all.contains(#"<input type="hidden" name="ids" value="\#(first),\#(second)">"#), "the two custom ones, not the quote \(other)")
            // An export of all matching: counted, not listed, and not limited to 500; then its page.
            let exportAll = String(buffer: try await staff.post(api.client, "/documents/bulk", [
                "action": "export:xlsx", "all_matching": "on", "query": "document_type=custom",
            ]).body)
            #expect(exportAll.contains("<strong>Export as XLSX</strong>: 2 documents."))
            #expect(exportAll.contains(#"<input type="hidden" name="all_matching" value="on">"#))
            let exported = try await staff.post(api.client, "/documents/bulk/confirm", [
                "action": "export:xlsx", "all_matching": "on", "ids": "", "query": "document_type=custom&viewed=false&page=2&done=updated",
            ])
            #expect(exported.status == .seeOther)
            let exportPath = try #require(exported.headers[.location])
            #expect(exportPath.hasPrefix("/exports/exp_"))
            let exportPage = String(buffer: try await staff.get(api.client, exportPath).body)
            #expect(exportPage.contains("The XLSX file of 2 documents is ready"), "\(exportPage)")
            let download = try #require(exportPage.range(of: #"href="[^"]*/api/v1/exports/exp_[^"]*""#, options: .regularExpression))
            let url = exportPage[download].dropFirst(6).dropLast()
            let file = try await api.visit(.get, String(url[url.range(of: "/api/v1/exports/")!.lowerBound...]))
            #expect(file.status == .ok)
            #expect(file.headers[.contentType] == ExportFormat.xlsx.contentType)
            let ticked = try await staff.post(api.client, "/documents/bulk/confirm", ["action": "export:csv", "ids": "\(first),\(other)", "query": ""])
            let csvPage = String(buffer: try await staff.get(api.client, try #require(ticked.headers[.location])).body)
            #expect(csvPage.contains("The CSV file of 2 documents is ready"))

            let nothing = try await staff.post(api.client, "/documents/bulk", ["action": "delete"])
            #expect(nothing.status == .unprocessableContent)
            #expect(String(buffer: nothing.body).contains("Tick at least one document"))

            _ = try await UserService(database: api.database, hasher: PasswordHasher(cost: 4))
                .create(email: "viewer@example.com", name: "Viewer", role: "viewer", password: APIHarness.password)
            var viewer = try await Browser.signedIn(api.client, email: "viewer@example.com", password: APIHarness.password)
            #expect(!String(buffer: try await viewer.get(api.client, "/documents").body).contains("document_\(first)"))
            #expect(try await viewer.post(api.client, "/documents/bulk/confirm", ["action": "delete", "ids": "\(first)"]).status == .forbidden)
        }
    }
}
