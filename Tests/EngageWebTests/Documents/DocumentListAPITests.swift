@testable import Engage
import Foundation
import HTTPTypes
import Testing

@Suite("Document engagements list and stats")
struct DocumentListAPITests {
    private let path = "/api/v1/document-engagements"

    /// Five documents with known values; returns their ids in creation order.
    private func arrange(_ api: APIHarness) async throws -> (ids: [Int64], contact: Int, organization: Int) {
        let organization = try #require(try await api.call(.post, "/api/v1/organizations", json: #"{"name": "Globex"}"#).data["id"] as? Int)
        let contact = try #require(try await api.call(.post, "/api/v1/contacts", json: #"{"fullname": "Ann Lee", "email": "ann@globex.example"}"#).data["id"] as? Int)
        var ids: [Int64] = []
        ids.append(try await api.createDocument(#"{"document_type": "pennylane_quote", "title": "Website redesign", "external_source": "pennylane", "external_id": "Q-2024-001", "total_amount": 5000, "due_date": "2025-02-15"}"#))
        ids.append(try await api.createDocument(#"{"document_type": "pennylane_invoice", "title": "Hosting invoice", "external_source": "pennylane", "external_id": "F-2024-777", "total_amount": 120.5, "due_date": "2025-01-31", "contact_id": \#(contact)}"#))
        ids.append(try await api.createDocument(#"{"document_type": "project_approval", "title": "Phase two approval", "external_source": "projectflow", "external_id": "P-9", "organization_id": \#(organization), "due_date": "2025-03-10"}"#))
        ids.append(try await api.createDocument(#"{"document_type": "custom", "title": "Café menu proof", "total_amount": 80, "currency": "USD"}"#))
        ids.append(try await api.createDocument(#"{"document_type": "pennylane_quote", "title": "Website maintenance", "total_amount": 900, "due_date": "2025-02-01"}"#))
        // Known creation days and engagement, oldest first.
        let days = ["2025-01-05", "2025-01-10", "2025-01-15", "2025-01-20", "2025-01-25"]
        for (id, day) in zip(ids, days) {
            try await api.sql("UPDATE documents SET created_at = ?, updated_at = ? WHERE id = ?", ["\(day) 09:00:00", "\(day) 10:00:00", id])
        }
        try await api.sql("UPDATE documents SET status = 'sent', sent_at = '2025-01-06' WHERE id IN (?, ?, ?)", [ids[0], ids[1], ids[4]])
        try await api.sql("UPDATE documents SET status = 'viewed', first_viewed_at = '2025-01-07', view_count = 2 WHERE id = ?", [ids[1]])
        try await api.sql("UPDATE documents SET status = 'paid', sent_at = '2025-01-16', first_viewed_at = '2025-01-16', accepted_at = '2025-01-17', paid_at = '2025-01-18' WHERE id = ?", [ids[2]])
        return (ids, contact, organization)
    }

    @Test("each filter narrows the list to exactly the matching documents")
    func filters() async throws {
        try await APIHarness.run { api in
            let (ids, contact, organization) = try await arrange(api)
            func listed(_ query: String) async throws -> [Int64] {
                let reply = try await api.call(.get, "\(path)?\(query)")
                #expect(reply.status == .ok, "\(query): \(reply.text)")
                #expect(reply.meta["total"] == reply.ids.count, "\(query): total disagrees with the list")
                return reply.ids.sorted()
            }
            #expect(try await listed("status=sent") == [ids[0], ids[4]])
            #expect(try await listed("status=paid") == [ids[2]])
            #expect(try await listed("status=signed") == [])
            #expect(try await listed("document_type=pennylane_quote") == [ids[0], ids[4]])
            #expect(try await listed("external_source=pennylane") == [ids[0], ids[1]])
            #expect(try await listed("external_source=projectflow&status=paid") == [ids[2]])
            #expect(try await listed("contact_id=\(contact)") == [ids[1]])
            #expect(try await listed("organization_id=\(organization)") == [ids[2]])
            #expect(try await listed("date_from=2025-01-10&date_to=2025-01-20") == [ids[1], ids[2], ids[3]])
            #expect(try await listed("date_from=2025-01-25") == [ids[4]])
            #expect(try await listed("date_to=2025-01-05") == [ids[0]])
            #expect(try await listed("viewed=true") == [ids[1], ids[2]])
            #expect(try await listed("viewed=false") == [ids[0], ids[3], ids[4]])
            #expect(try await listed("search=website") == [ids[0], ids[4]])
            #expect(try await listed("search=Website%20redes") == [ids[0]])
            #expect(try await listed("search=cafe") == [ids[3]])
            #expect(try await listed("search=Q-2024-001") == [ids[0]])
            #expect(try await listed("search=DOC-\(String(format: "%06d", ids[2]))") == [ids[2]])
            #expect(try await listed("search=P-9") == [ids[2]])
            #expect(try await listed("search=nothing-like-this") == [])
            #expect(try await listed("search=website&status=sent&document_type=pennylane_quote") == [ids[0], ids[4]])
            #expect(try await listed("per_page=100") == ids.sorted())
        }
    }

    @Test("every sort column orders the list both ways, newest first by default")
    func sorts() async throws {
        try await APIHarness.run { api in
            let (ids, _, _) = try await arrange(api)
            func order(_ query: String) async throws -> [Int64] {
                try await api.call(.get, "\(path)?\(query)").ids
            }
            #expect(try await order("") == ids.reversed())
            #expect(try await order("sort=created_at&order=asc") == ids)
            #expect(try await order("sort=updated_at&order=desc") == ids.reversed())
            #expect(try await order("sort=total_amount&order=asc") == [ids[2], ids[3], ids[1], ids[4], ids[0]])
            #expect(try await order("sort=due_date&order=asc") == [ids[3], ids[1], ids[4], ids[0], ids[2]])
            #expect(try await order("sort=due_date&order=desc") == [ids[2], ids[0], ids[4], ids[1], ids[3]])
            #expect(try await order("sort=document_type&order=asc") == [ids[3], ids[1], ids[0], ids[4], ids[2]])
            #expect(try await order("sort=status&order=asc") == [ids[3], ids[2], ids[0], ids[4], ids[1]])
            // Filters counted with the page (dates, search) read it another way; the order must hold there too.
            #expect(try await order("sort=due_date&order=asc&date_from=2025-01-01") == [ids[3], ids[1], ids[4], ids[0], ids[2]])
            #expect(try await order("sort=total_amount&order=desc&date_to=2025-12-31") == [ids[0], ids[4], ids[1], ids[3], ids[2]])
            #expect(try await order("sort=due_date&order=desc&search=website") == [ids[0], ids[4]])
        }
    }

    @Test("pages have correct meta and links; past the end is an empty list; out-of-range values are 400")
    func pagination() async throws {
        try await APIHarness.run { api in
            let (ids, _, _) = try await arrange(api)
            let second = try await api.call(.get, "\(path)?per_page=2&page=2&sort=created_at&order=asc")
            #expect(second.ids == [ids[2], ids[3]])
            #expect(second.meta == ["page": 2, "per_page": 2, "total": 5, "total_pages": 3])
            let links = second.links
            #expect((links["first"] as? String)?.hasSuffix("/api/v1/document-engagements?order=asc&page=1&per_page=2") == true)
            #expect((links["prev"] as? String)?.hasSuffix("page=1&per_page=2") == true)
            #expect((links["next"] as? String)?.hasSuffix("page=3&per_page=2") == true)
            #expect((links["last"] as? String)?.hasSuffix("page=3&per_page=2") == true)
            let header = try #require(second.headers[HTTPField.Name("Link")!])
            #expect(header.contains(#"page=1&per_page=2>; rel="first""#))
            #expect(header.contains(#"page=3&per_page=2>; rel="next""#))
            #expect(header.contains(#"rel="prev""#) && header.contains(#"rel="last""#))

            let last = try await api.call(.get, "\(path)?per_page=2&page=3")
            #expect(last.ids.count == 1)
            #expect(last.links["next"] is NSNull)
            let beyond = try await api.call(.get, "\(path)?per_page=2&page=9")
            #expect(beyond.status == .ok)
            #expect(beyond.ids.isEmpty)
            #expect(beyond.meta == ["page": 9, "per_page": 2, "total": 5, "total_pages": 3])
            #expect((beyond.links["prev"] as? String)?.hasSuffix("page=3&per_page=2") == true)
            let full = try await api.call(.get, "\(path)?per_page=100")
            #expect(full.ids.count == 5)
            #expect(full.links["prev"] is NSNull)

            // Filters that are counted with the page itself (search, dates…), on a full page and past the end.
            let searched = try await api.call(.get, "\(path)?search=website&per_page=1&page=2")
            #expect(searched.ids.count == 1)
            #expect(searched.meta == ["page": 2, "per_page": 1, "total": 2, "total_pages": 2])
            let searchedBeyond = try await api.call(.get, "\(path)?search=website&date_from=2025-01-01&per_page=1&page=5")
            #expect(searchedBeyond.meta == ["page": 5, "per_page": 1, "total": 2, "total_pages": 2])

            let tooMany = try await api.call(.get, "\(path)?per_page=101")
            #expect(tooMany.status == .badRequest)
            #expect(tooMany.errorFields == ["per_page"])
            let bad = try await api.call(.get, "\(path)?page=0&status=lost&sort=colour&order=up&date_from=2025-13-01&viewed=maybe&contact_id=x")
            #expect(bad.status == .badRequest)
            #expect(bad.errorFields == ["page", "status", "contact_id", "date_from", "viewed", "sort", "order"])
            let inverted = try await api.call(.get, "\(path)?date_from=2025-02-01&date_to=2025-01-01")
            #expect(inverted.errorFields == ["date_to"])
            // An integrator means every parameter it sends: empty and repeated ones are refused, not ignored.
            let emptyAndRepeated = try await api.call(.get, "\(path)?status=&per_page=5&per_page=x&date_to=")
            #expect(emptyAndRepeated.status == .badRequest)
            #expect(Set(emptyAndRepeated.errorFields) == ["status", "per_page", "date_to"])
        }
    }

    @Test("the trigger-kept counts agree with the table after creates, status changes and deletes")
    func countsStayExact() async throws {
        try await APIHarness.run { api in
            let (ids, _, _) = try await arrange(api)
            _ = try await api.call(.delete, "\(path)/\(ids[0])")
            _ = try await api.call(.put, "\(path)/\(ids[4])", json: #"{"status": "accepted"}"#)
            for query in ["status=sent", "status=accepted", "document_type=pennylane_quote", "external_source=pennylane", ""] {
                let reply = try await api.call(.get, "\(path)?per_page=1&\(query)")
                let all = try await api.call(.get, "\(path)?per_page=100&\(query)")
                #expect(reply.meta["total"] == all.ids.count, "\(query)")
            }
            #expect(try await api.call(.get, "\(path)?status=sent&per_page=1").meta["total"] == 0)
        }
    }

    @Test("a search with a status follows the document's status changes, deletion and restore")
    func searchFollowsStatus() async throws {
        try await APIHarness.run { api in
            let (ids, _, _) = try await arrange(api)
            func searched(_ query: String) async throws -> [Int64] {
                try await api.call(.get, "\(path)?search=website&\(query)").ids.sorted()
            }
            #expect(try await searched("status=sent") == [ids[0], ids[4]])
            _ = try await api.call(.put, "\(path)/\(ids[4])", json: #"{"status": "accepted"}"#)
            #expect(try await searched("status=sent") == [ids[0]])
            #expect(try await searched("status=accepted") == [ids[4]])
            _ = try await api.call(.delete, "\(path)/\(ids[0])")
            #expect(try await searched("status=sent") == [])
            #expect(try await searched("") == [ids[4]])
            _ = try await api.call(.post, "\(path)/\(ids[0])/restore", as: .admin)
            #expect(try await searched("status=sent") == [ids[0]])
        }
    }

    /// The documents of `arrange` and two dozen more that hold "website", spread over types, amounts,
    /// due dates, creation days and views, some sent, one given a contact, two deleted; the ids of the more.
    private func arrangeManyWebsites(_ api: APIHarness) async throws -> (ids: [Int64], more: [Int64], contact: Int) {
        let (ids, contact, _) = try await arrange(api)
        let types = ["custom", "pennylane_quote", "pennylane_invoice", "project_approval"]
        var more: [Int64] = []
        for n in 1...24 {
            let due = n % 5 == 0 ? "null" : "\"2025-0\(n % 9 + 1)-1\(n % 10)\""
            more.append(try await api.createDocument(#"{"document_type": "\#(types[n % 4])", "title": "Website build \#(n)", "total_amount": \#(n % 7 * 100), "due_date": \#(due)}"#))
            try await api.sql("UPDATE documents SET created_at = ? WHERE id = ?", ["2025-02-\(10 + n % 3) 09:00:00", more[n - 1]])
        }
        try await api.sql("UPDATE documents SET status = 'sent' WHERE id IN (?, ?, ?, ?, ?, ?)", [more[0], more[3], more[5], more[8], more[13], more[21]])
        try await api.sql("UPDATE documents SET first_viewed_at = '2025-03-01' WHERE id IN (?, ?, ?, ?)", [more[1], more[3], more[8], more[20]])
        try await api.sql("UPDATE documents SET contact_id = ? WHERE id = ?", [contact, more[2]])
        _ = try await api.call(.delete, "\(path)/\(more[5])")
        _ = try await api.call(.delete, "\(path)/\(ids[4])")
        return (ids, more, contact)
    }

    @Test("a search read document by document, in the list's order or sorted, finds the same pages, cursors and totals as one whose words pick its documents")
    func searchReadingsAgree() async throws {
        try await APIHarness.run { api in
            let (_, _, contact) = try await arrangeManyWebsites(api)
            var filters: [(String, (inout DocumentQuery) -> Void)] = [("none", { _ in })]
            filters.append(("sent", { $0.status = .sent }))
            filters.append(("custom", { $0.documentType = .custom }))
            filters.append(("from Feb 11", { $0.dateFrom = CalendarDate("2025-02-11") }))
            filters.append(("viewed", { $0.viewed = true }))
            filters.append(("deleted", { $0.deleted = true }))
            filters.append(("contact", { $0.contactID = Int64(contact) }))
            var compared = 0
            for search in ["website", "WEB", "build web"] {
                for (name, narrow) in filters {
                    for sort in DocumentQuery.Sort.allCases {
                        for order in DocumentQuery.Order.allCases {
                            var query = DocumentQuery()
                            query.search = search
                            narrow(&query)
                            query.sort = sort
                            query.order = order
                            let readings: [SearchReading] = [
                                .inOrder(index: DocumentRepository.orderIndex(query)), .inOrder(index: nil),
                                .sortedMatches(index: DocumentRepository.filterIndex(query).name),
                            ]
                            for page in 1...3 {
                                query.page = PageRequest(page: page, perPage: 4)
                                let picked = try await api.database.read { try await $0.documents.page(query, reading: .wordsPick) }
                                for reading in readings {
                                    let label = "\(search) \(name) \(sort) \(order) page \(page) \(reading)"
                                    let read = try await api.database.read { try await $0.documents.page(query, reading: reading) }
                                    #expect(read.items.map(\.id) == picked.items.map(\.id), "\(label)")
                                    #expect(read.total == picked.total, "\(label)")
                                    compared += 1
                                }
                                // The next page by cursor, from this page's last row.
                                guard page == 1, let last = picked.items.last else { continue }
                                var next = query
                                next.cursor = DocumentCursor(after: last, sort: sort, order: order)
                                let following = try await api.database.read { try await $0.documents.page(next, reading: .wordsPick) }
                                for reading in readings {
                                    let read = try await api.database.read { try await $0.documents.page(next, reading: reading) }
                                    #expect(read.items.map(\.id) == following.items.map(\.id), "\(search) \(name) \(sort) \(order) cursor \(reading)")
                                    #expect(read.total == following.total, "\(search) \(name) \(sort) \(order) cursor \(reading)")
                                }
                            }
                        }
                    }
                }
            }
            #expect(compared == 3 * filters.count * 6 * 2 * 3 * 3)
        }
    }

    @Test("a search is read the cheapest way: rare words pick their documents; dense ones check the documents in order, or the few the other filters leave, or pick theirs when those are fewer")
    func searchReadingIsChosenBySize() async throws {
        try await APIHarness.run { api in
            let (_, _, contact) = try await arrangeManyWebsites(api)
            // Small bounds stand for a large table: 3 word rows make a word dense, 4 matches are few.
            // 24 live documents hold "website"; of the 27 live ones, 7 are custom, 6 viewed and 2 have the contact.
            let bounds = SearchReading.Bounds(denseWordRows: 3, weighedWordRows: 997, fewMatches: 4)
            func reading(_ search: String, _ narrow: (inout DocumentQuery) -> Void = { _ in }) async throws -> SearchReading {
                var query = DocumentQuery()
                query.search = search
                narrow(&query)
                return try await api.database.read { try await $0.documents.reading(for: query, bounds: bounds) }
            }
            #expect(try await reading("hosting") == .wordsPick)
            #expect(try await reading("website") == .inOrder(index: "documents_created"))
            #expect(try await reading("website build", { $0.sort = .totalAmount }) == .inOrder(index: "documents_amount"))
            #expect(try await reading("website", { $0.status = .sent }) == .inOrder(index: "documents_status_created"))
            #expect(try await reading("website", { $0.status = .sent; $0.sort = .updatedAt }) == .inOrder(index: nil))
            #expect(try await reading("website", { $0.documentType = .custom }) == .inOrder(index: "documents_created"))
            #expect(try await reading("website", { $0.contactID = Int64(contact) }) == .sortedMatches(index: "documents_contact_created"))
            #expect(try await reading("website", { $0.viewed = true; $0.sort = .dueDate }) == .inOrder(index: "documents_due"))
            #expect(try await reading("website", { $0.dateFrom = CalendarDate("2025-01-01") }) == .inOrder(index: "documents_created"))
            // 11 live titles hold a word starting with "1" (build 1, 10–19): 27 matches are more than half as many again.
            #expect(try await reading("1", { $0.dateFrom = CalendarDate("2025-01-01") }) == .wordsPick)
            #expect(try await reading("1", { $0.documentType = .custom }) == .inOrder(index: "documents_created"))
            #expect(try await reading("website", { $0.deleted = true }) == .wordsPick)
            #expect(try await reading("!!!") == .wordsPick)
        }
    }

    @Test("stats count by status and type, compute conversion rates and amounts, with date and type filters")
    func stats() async throws {
        try await APIHarness.run { api in
            _ = try await arrange(api)
            let all = try await api.call(.get, "\(path)/stats", as: .viewer)
            #expect(all.status == .ok)
            let data = all.data
            #expect(data["total"] as? Int == 5)
            let byStatus = try #require(data["by_status"] as? [String: Int])
            #expect(byStatus["draft"] == 1 && byStatus["sent"] == 2 && byStatus["viewed"] == 1 && byStatus["paid"] == 1)
            #expect(byStatus["signed"] == 0 && byStatus.count == DocumentStatus.allCases.count)
            let byType = try #require(data["by_type"] as? [String: Int])
            #expect(byType == ["pennylane_quote": 2, "pennylane_invoice": 1, "project_approval": 1, "custom": 1])
            #expect(data["sent"] as? Int == 4)
            let rates = try #require(data["conversion"] as? [String: Double])
            #expect(rates["view_rate"] == 0.5)
            #expect(rates["acceptance_rate"] == 0.25)
            #expect(rates["payment_rate"] == 0.25)
            let amounts = try #require(data["amounts"] as? [[String: Any]])
            #expect(amounts.map { $0["currency"] as? String } == ["EUR", "USD"])
            #expect((amounts[0]["total"] as? NSNumber)?.decimalValue == Decimal(string: "6020.5"))
            #expect((amounts[0]["pending"] as? NSNumber)?.decimalValue == Decimal(string: "6020.5"))
            #expect((amounts[0]["paid"] as? NSNumber)?.decimalValue == 0)

            let quotes = try await api.call(.get, "\(path)/stats?document_type=pennylane_quote&date_from=2025-01-01&date_to=2025-01-24")
            #expect(quotes.data["total"] as? Int == 1)
            let bad = try await api.call(.get, "\(path)/stats?document_type=poster&date_to=yesterday")
            #expect(bad.errorFields == ["document_type", "date_to"])
        }
    }

    @Test("past 10,000 rows a page number is a 400 that points to the cursor; links.next carries a keyset cursor that walks on to the end, NULLs included, in every sort")
    func deepPagesByCursor() async throws {
        try await APIHarness.run { api in
            try await DemoDataService(database: api.database).load(organizations: 0, contacts: 0, documents: 10_120) { _ in }
            try await api.sql("UPDATE documents SET due_date = NULL WHERE id % 7 = 0")
            try await api.sql("UPDATE documents SET total_amount = NULL WHERE id % 5 = 0")
            let deep = try await api.call(.get, "\(path)?per_page=100&page=101")
            #expect(deep.status == .badRequest)
            #expect(deep.errorFields == ["page"])
            #expect(deep.errorMessage?.contains("links.next") == true)

            for (sort, order) in [("created_at", "desc"), ("due_date", "asc"), ("due_date", "desc"), ("total_amount", "asc"), ("status", "desc")] {
                let expected: [Int64] = try await api.database.pool.withConnection {
                    try await $0.query("SELECT id FROM documents WHERE deleted_at IS NULL ORDER BY \(sort) \(order), id \(order) LIMIT 1000 OFFSET 9900")
                }.map { try $0.decode("id") }
                var page = try await api.call(.get, "\(path)?per_page=100&page=100&sort=\(sort)&order=\(order)")
                var seen = page.items.compactMap { ($0["id"] as? Int).map(Int64.init) }
                #expect(page.links["last"] is NSNull)
                while let next = page.links["next"] as? String {
                    #expect(next.contains("cursor="), "\(sort) \(order)")
                    page = try await api.call(.get, String(next.dropFirst("http://127.0.0.1:8080".count)))
                    #expect(page.status == .ok && page.meta["total"] == 10_120)
                    seen += page.items.compactMap { ($0["id"] as? Int).map(Int64.init) }
                }
                #expect(seen == expected, "\(sort) \(order): every row after page 100 once, in order")
            }
            let forged = try await api.call(.get, "\(path)?cursor=bm9wZQ&sort=status")
            #expect(forged.errorFields == ["cursor"])
        }
    }
}
