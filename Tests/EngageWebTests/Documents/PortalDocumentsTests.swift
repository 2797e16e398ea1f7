@testable import Engage
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

@Suite("Portal PDF upload")
struct PortalPDFTests {
    /// A minimal but well-formed PDF.
    static let pdf = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)

    @Test("staff upload a PDF: checked by content, stored under its SHA-256, downloadable; other files are refused")
    func upload() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument(#"{"document_type": "custom", "title": "With a PDF"}"#)
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            _ = try await staff.get(api.client, "/documents/\(id)")

            let fake = try await staff.upload(api.client, "/documents/\(id)/pdf", field: "pdf", filename: "quote.pdf",
                                              data: Data("<html>not a pdf</html>".utf8))
            #expect(fake.status == .unprocessableContent)
            #expect(String(buffer: fake.body).contains("The file is not a PDF."))
            let empty = try await staff.upload(api.client, "/documents/\(id)/pdf", field: "pdf", filename: "", data: Data())
            #expect(String(buffer: empty.body).contains("Choose a PDF file to upload."))

            let uploaded = try await staff.upload(api.client, "/documents/\(id)/pdf", field: "pdf", filename: "Devis \"final\".pdf", data: Self.pdf)
            #expect(uploaded.status == .seeOther)
            let document = try await api.call(.get, "/api/v1/document-engagements/\(id)").data
            let stored = try #require(document["pdf"] as? [String: Any])
            let digest = SHA256Hex.of(Self.pdf)
            #expect(stored["sha256"] as? String == digest)
            #expect(stored["size"] as? Int == Self.pdf.count)
            #expect(stored["filename"] as? String == "Devis final.pdf")

            let download = try await staff.get(api.client, "/documents/\(id)/pdf")
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "application/pdf")
            #expect(Data(buffer: download.body) == Self.pdf)

            // Without the form's CSRF token the upload is refused.
            staff.csrfToken = "forged"
            #expect(try await staff.upload(api.client, "/documents/\(id)/pdf", field: "pdf", filename: "x.pdf", data: Self.pdf).status == .forbidden)
        }
    }

    @Test("a PDF over the size limit is refused")
    func tooLarge() throws {
        let store = PDFStore(directory: NSTemporaryDirectory(), maximumBytes: 1024)
        let big = Data("%PDF-1.4\n".utf8) + Data(repeating: 0x20, count: 2000) + Data("%%EOF".utf8)
        #expect(store.check(big, field: "pdf").first?.code == .tooLong)
        #expect(store.check(PortalPDFTests.pdf, field: "pdf").isEmpty)
    }
}

import Crypto

/// SHA-256 as lowercase hex, to compare with what the server stored.
enum SHA256Hex {
    static func of(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
