import Engage
@testable import EngageWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@Suite("Portal documents")
struct PortalDocumentsTests {
    @Test("a refused form comes back with status 422, the typed values and every error by its field")
    func refusedForm() async throws {
        try await APIHarness.run { api in
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            _ = try await staff.get(api.client, "/documents/new")
            let response = try await staff.post(api.client, "/documents", [
                "document_type": "", "title": "Hi <script>", "total_amount": "-3", "currency": "EUR", "due_date": "soon",
            ])
            #expect(response.status == .unprocessableContent)
            let html = String(buffer: response.body)
            #expect(html.components(separatedBy: #"class="field-error""#).count - 1 == 3)  // type, amount, due date
            #expect(html.contains(#"value="Hi &lt;script&gt;""#))
            #expect(!html.contains("<script>"))
            #expect(try await api.call(.get, "/api/v1/document-engagements").meta["total"] == 0)
        }
    }

    @Test("the CSV export streams every filtered row past one batch, with BOM, header and neutralised cells")
    func export() async throws {
        try await APIHarness.run { api in
            // 2,500 documents: more than two export batches of 1,000.
            try await api.sql("""
                INSERT INTO documents (document_type, title, status, currency, total_amount, created_at, updated_at)
                SELECT 'custom', CONCAT('Doc ', seq), IF(seq % 2 = 0, 'sent', 'draft'), 'EUR', seq / 4, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)
                FROM seq_1_to_2500
                """)
            _ = try await api.createDocument(#"{"document_type": "custom", "title": "=cmd|' /C calc'!A0, \"quoted\"", "total_amount": 5}"#)
            try await api.sql("UPDATE documents SET status = 'sent' WHERE title LIKE '=cmd%'")
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            let response = try await staff.get(api.client, "/documents.csv?status=sent")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(response.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"documents-") == true)
            let body = String(buffer: response.body)
            #expect(body.hasPrefix("\u{FEFF}id,document_number,document_type,status,title,"))
            let lines = body.split(separator: "\r\n")
            #expect(lines.count == 1 + 1250 + 1)
            #expect(lines.dropFirst().allSatisfy { $0.contains(",sent,") })
            #expect(body.contains(#","'=cmd|' /C calc'!A0, ""quoted"""#))
            #expect(body.contains(",Doc 10,") && body.contains(",2.50,EUR,"))
        }
    }

    @Test("viewers see the documents but not the write buttons, and cannot post")
    func viewer() async throws {
        try await APIHarness.run { api in
            let users = UserService(database: api.database, hasher: PasswordHasher(cost: 4))
            _ = try await users.create(email: "viewer@example.com", name: "Viewer", role: "viewer", password: APIHarness.password)
            let id = try await api.createDocument(#"{"document_type": "custom", "title": "Visible"}"#)
            var viewer = try await Browser.signedIn(api.client, email: "viewer@example.com", password: APIHarness.password)
            let page = String(buffer: try await viewer.get(api.client, "/documents/\(id)").body)
            #expect(page.contains("Visible"))
            #expect(!page.contains("/edit\""))
            #expect(try await viewer.post(api.client, "/documents/\(id)/delete", [:]).status == .forbidden)
            #expect(try await viewer.get(api.client, "/documents/deleted").status == .forbidden)
        }
    }
}
