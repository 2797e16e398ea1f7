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

            // Stored, refused or forged: no upload stays behind in the incoming folder.
            let incoming = PDFStore(directory: api.configuration.storageDirectory, maximumBytes: 1).incomingDirectory
            #expect(try FileManager.default.contentsOfDirectory(atPath: incoming) == [])
        }
    }

    @Test("a PDF over the size limit is refused")
    func tooLarge() throws {
        let store = PDFStore(directory: NSTemporaryDirectory(), maximumBytes: 1024)
        let big = try Self.received(Data("%PDF-1.4\n".utf8) + Data(repeating: 0x20, count: 2000) + Data("%%EOF".utf8))
        let small = try Self.received(Self.pdf)
        #expect(store.check(big, field: "pdf").first?.code == .tooLong)
        #expect(store.check(small, field: "pdf").isEmpty)
        #expect(store.check(nil, field: "pdf").first?.code == .required)
        big.discard()
        small.discard()
    }

    @Test("a multipart body is read as it arrives, cut anywhere: fields kept, the file written to disk whole")
    func streamedMultipart() async throws {
        let directory = NSTemporaryDirectory() + "engage-upload-\(UUID().uuidString)"
        let content = Self.pdf + Data((0..<3000).map { UInt8($0 % 251) })
        let body = Self.multipart(boundary: "b0und", fields: ["csrf_token": "t0k"], file: content)
        // Every chunk size from one byte up: each cuts the delimiter somewhere.
        for size in [1, 2, 3, 7, 64, 1000, body.count] {
            let chunks = stride(from: 0, to: body.count, by: size).map { ByteBuffer(bytes: body[$0..<min($0 + size, body.count)]) }
            let form = try await FormData.multipart(
                AsyncThrowingStream { continuation in chunks.forEach { continuation.yield($0) }; continuation.finish() },
                boundary: "b0und", maximumBytes: 1 << 20, directory: directory)
            #expect(form["csrf_token"] == "t0k", "chunks of \(size)")
            let file = try #require(form.files["pdf"])
            #expect(try Data(contentsOf: URL(fileURLWithPath: file.path)) == content, "chunks of \(size)")
            #expect(file.size == content.count)
            #expect(file.sha256 == SHA256Hex.of(content))
            #expect(file.filename == "q.pdf")
            form.discardFiles()
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [])
    }

    @Test("a cut-off or oversized multipart body is a 400 or a 413, and leaves no file behind")
    func brokenMultipart() async throws {
        let directory = NSTemporaryDirectory() + "engage-upload-\(UUID().uuidString)"
        let body = Self.multipart(boundary: "b0und", fields: [:], file: Data(repeating: 0x41, count: 5000))
        for (bytes, limit, status) in [(body.dropLast(20), 1 << 20, HTTPResponse.Status.badRequest), (body[...], 4000, .contentTooLarge)] {
            await #expect {
                _ = try await FormData.multipart(
                    AsyncThrowingStream { continuation in continuation.yield(ByteBuffer(bytes: bytes)); continuation.finish() },
                    boundary: "b0und", maximumBytes: limit, directory: directory)
            } throws: { ($0 as? HTTPError)?.status == status }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [])
    }

    private static func received(_ data: Data) throws -> ReceivedFile {
        let receiver = try FileReceiver(directory: NSTemporaryDirectory() + "engage-upload-\(UUID().uuidString)")
        try receiver.write(data)
        return try receiver.finish(filename: "x.pdf")
    }

    private static func multipart(boundary: String, fields: [String: String], file: Data) -> Data {
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"pdf\"; filename=\"q.pdf\"\r\nContent-Type: application/pdf\r\n\r\n".utf8))
        body.append(file)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return body
    }
}

import Crypto

/// SHA-256 as lowercase hex, to compare with what the server stored.
enum SHA256Hex {
    static func of(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
