@testable import Engage
@testable import EngageWeb
import Foundation
import MariaDB
import TestSupport
import Testing

/// bulk/export: the file answered at once or built by a worker, its address for an hour, then 410.
@Suite("Bulk export")
struct BulkExportTests {
    /// The path of a download address, for the test client.
    static func path(of reply: APIReply) throws -> String {
        let url = try #require(reply.data["download_url"] as? String)
        return String(url[try #require(url.range(of: "/api/v1/exports/")).lowerBound...])
    }

    @Test("listed ids: built at once, each id answered, the CSV holds exactly the live ones; an expired address is 410 and its file is purged")
    func listedIDs() async throws {
        try await APIHarness.run { api in
            let kept = try await api.createDocument(#"{"document_type": "custom", "title": "Exported, one", "total_amount": 1250.5}"#)
            let other = try await api.createDocument(#"{"document_type": "pennylane_quote", "title": "Exported, two"}"#)
            let deleted = try await api.createDocument(#"{"document_type": "custom", "title": "Deleted before"}"#)
            _ = try await api.call(.delete, "/api/v1/document-engagements/\(deleted)")
            _ = try await api.createDocument(#"{"document_type": "custom", "title": "Not asked for"}"#)

            let reply = try await api.call(.post, "/api/v1/document-engagements/bulk/export",
                json: #"{"document_ids": [\#(other), \#(deleted), \#(kept), 999999]}"#, headers: [:])
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.data["status"] as? String == "ready")
            #expect(reply.data["documents"] as? Int == 2)
            #expect(reply.data["exported"] as? Int == 2)
            #expect(reply.data["failed"] as? Int == 2)
            let results = reply.data["results"] as? [[String: Any]] ?? []
            #expect(results.map { $0["document_id"] as? Int } == [other, deleted, kept, 999999].map { Int($0) })
            #expect(results.map { $0["success"] as? Bool } == [true, false, true, false])
            let format = ISO8601DateFormatter()
            format.formatOptions = [.withInternetDateTime]
            let expires = try #require(format.date(from: reply.data["expires_at"] as? String ?? ""))
            #expect(abs(expires.timeIntervalSinceNow - 3600) < 60)
            let path = try Self.path(of: reply)
            #expect(reply.headers[.location]?.hasSuffix(path) == true)

            // No credentials: the token is the credential.
            let file = try await api.visit(.get, path)
            #expect(file.status == .ok)
            #expect(file.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(file.headers[.contentDisposition]?.contains(".csv\"") == true)
            let lines = file.text.split(separator: "\r\n")
            #expect(lines.count == 3)
            #expect(lines.first?.hasPrefix("\u{FEFF}id,document_number,") == true)
            #expect(lines.dropFirst().compactMap { Int64($0.prefix { $0 != "," }) } == [other, kept], "in the order asked")
            #expect(lines.last?.contains("1250.50") == true)
            #expect(try await api.visit(.get, "/api/v1/exports/exp_unknown").status == .notFound)

            try await api.sql("UPDATE exports SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND")
            let expired = try await api.visit(.get, path)
            #expect(expired.status == .gone)
            #expect(expired.errorCode == "EXPORT_EXPIRED")
            _ = try await ExportService(database: api.database).purge()
            let chunks = try await api.database.pool.withConnection { try await $0.queryFirst("SELECT COUNT(*) AS n FROM export_chunks") }
            #expect(try chunks?.decode("n", as: Int64.self) == 0)
            #expect(try await api.visit(.get, path).status == .gone, "the row stays a day to say so")
        }
    }

    @Test("past 5,000 documents a worker builds the file in chunks: 202 until then, then every document once; a smaller filtered selection is built at once")
    func byWorker() async throws {
        try await APIHarness.run { api in
            try await DemoDataService(database: api.database).load(organizations: 0, contacts: 0, documents: ExportService.immediateLimit + 400) { _ in }
            let matching = try await api.call(.get, "/api/v1/document-engagements?document_type=custom&per_page=1").meta["total"] ?? -1
            let everything = try await api.call(.post, "/api/v1/document-engagements/bulk/export", json: #"{"format": "csv"}"#)
            #expect(everything.status == .accepted, "\(everything.text)")
            #expect(everything.data["status"] as? String == "pending")
            #expect(everything.data["documents"] as? Int == ExportService.immediateLimit + 400)

            let waiting = try await api.visit(.get, try Self.path(of: everything))
            #expect(waiting.status == .accepted)
            #expect(waiting.headers[.retryAfter] == "2")
            #expect(waiting.data["status"] as? String == "pending")

            // Filters matching fewer documents: built at once (the page asked for is ignored).
            let reply = try await api.call(.post, "/api/v1/document-engagements/bulk/export",
                json: #"{"filters": {"document_type": "custom", "page": 3}, "format": "xlsx"}"#)
            #expect(reply.status == .ok)
            #expect(reply.data["documents"] as? Int == matching)
            let workbook = try await api.visit(.get, try Self.path(of: reply))
            #expect(workbook.status == .ok)
            #expect(workbook.headers[.contentType] == ExportFormat.xlsx.contentType)
            #expect(workbook.text.hasPrefix("PK"), "a zip package")

            let worker = ExportService(database: api.database)
            #expect(try await worker.buildNext(owner: "test-worker"))
            #expect(try await worker.buildNext(owner: "test-worker") == false, "nothing left")

            let csv = try await api.visit(.get, try Self.path(of: everything))
            #expect(csv.status == .ok)
            #expect(csv.text.utf8.count > ExportService.chunkSize, "more than one chunk")
            #expect(csv.text.split(separator: "\r\n").count == ExportService.immediateLimit + 401)
            #expect(Int(csv.headers[.contentLength] ?? "") == csv.text.utf8.count)
            let ids = csv.text.split(separator: "\r\n").dropFirst().compactMap { Int64($0.prefix { $0 != "," }) }
            #expect(ids == ids.sorted() && Set(ids).count == ExportService.immediateLimit + 400, "every document once, in id order")
        }
    }

    @Test("every problem at once: both selections, an unknown format, filters the list refuses; nothing is recorded")
    func validation() async throws {
        try await APIHarness.run { api in
            let both = try await api.call(.post, "/api/v1/document-engagements/bulk/export",
                json: #"{"document_ids": [], "filters": {"status": "lost"}, "format": "pdf"}"#)
            #expect(both.status == .badRequest)
            #expect(Set(both.errorFields) == ["document_ids", "filters", "filters.status", "format"], "the filters are checked too")
            let filters = try await api.call(.post, "/api/v1/document-engagements/bulk/export",
                json: #"{"filters": {"status": "lost", "organization_id": "7", "sort": ["a"], "search": false, "viewed": "yes", "colour": "red", "date_to": ""}}"#)
            #expect(filters.status == .badRequest, "\(filters.text)")
            #expect(Set(filters.errorFields) == ["filters.status", "filters.organization_id", "filters.sort", "filters.search", "filters.viewed", "filters.colour", "filters.date_to"])
            let rows = try await api.database.pool.withConnection { try await $0.queryFirst("SELECT COUNT(*) AS n FROM exports") }
            #expect(try rows?.decode("n", as: Int64.self) == 0)
        }
    }
}
