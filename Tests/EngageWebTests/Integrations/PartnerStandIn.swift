import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Testing

/// Pennylane's and ProjectFlow's APIs as their documents (and our ProjectFlow contract) describe
/// them, on loopback: Pennylane under `/pl/v2` (quotes, customer invoices and customers with
/// cursor pagination and the `updated_at`/`id` filters, `/me`, a quote's status update),
/// ProjectFlow under `/pf` (approvals by page, `/api/v1/me`). Faults are switched on by tests:
/// 429s with `Retry-After`, 503s, a stall of one page. Every request is counted with its time.
actor PartnerStandIn {
    static let token = "pl-token-1234"

    /// Records as JSON objects, handed to the actor whole.
    struct Records: @unchecked Sendable {
        let list: [[String: Any]]
        init(_ list: [[String: Any]]) { self.list = list }
    }

    enum List { case quotes, invoices, customers }

    var quotes: [[String: Any]] = []
    var invoices: [[String: Any]] = []
    var customers: [[String: Any]] = []
    var approvals: [[String: Any]] = []
    /// Answer the next N list requests with 429 and `Retry-After: 1`.
    var tooManyRequests = 0
    /// Answer every request with 503 while true.
    var down = false
    /// Hold the first request for this page (by cursor) this long.
    var stall: (cursor: String, duration: Duration)?
    private(set) var requests: [(time: Date, path: String, query: String)] = []
    private(set) var statusUpdates: [(id: String, body: String)] = []

    func set(quotes: Records? = nil, invoices: Records? = nil, customers: Records? = nil, approvals: Records? = nil) {
        if let quotes { self.quotes = quotes.list }
        if let invoices { self.invoices = invoices.list }
        if let customers { self.customers = customers.list }
        if let approvals { self.approvals = approvals.list }
    }

    func fail(tooManyRequests count: Int = 0, down: Bool = false, stall: (cursor: String, duration: Duration)? = nil) {
        tooManyRequests = count
        self.down = down
        self.stall = stall
    }

    func listRequests(_ stage: String) -> [String] {
        requests.filter { $0.path.hasSuffix(stage) }.map(\.query)
    }

    /// The most requests seen in any `window` (sliding).
    func busiestWindow(_ window: TimeInterval) -> Int {
        let times = requests.map(\.time).sorted()
        var best = 0
        var start = 0
        for end in times.indices {
            while times[end].timeIntervalSince(times[start]) >= window { start += 1 }
            best = max(best, end - start + 1)
        }
        return best
    }

    func updates() -> [(id: String, body: String)] { statusUpdates }

    private func note(_ request: Request) {
        requests.append((Date(), request.uri.path, request.uri.query ?? ""))
    }

    /// What to answer before the route's own answer, if anything (faults, the token).
    private func gate(_ request: Request, list: Bool) async -> Response? {
        note(request)
        if request.headers[.authorization] != "Bearer \(Self.token)" { return Self.json(#"{"error":"unauthorized"}"#, status: .unauthorized) }
        if down { return Response(status: .serviceUnavailable) }
        if list, tooManyRequests > 0 {
            tooManyRequests -= 1
            return Response(status: .tooManyRequests, headers: [.retryAfter: "1"])
        }
        if let stall, list, request.uri.queryParameters["cursor"].map(String.init) == stall.cursor
            || request.uri.queryParameters["page"].map(String.init) == stall.cursor {
            self.stall = nil
            try? await Task.sleep(for: stall.duration)
        }
        return nil
    }

    /// A Pennylane list page: `limit` items from the cursor (an offset), `updated_at` ≥ the filter's value.
    private func pennylanePage(_ list: List, _ request: Request) -> Response {
        var selected = switch list {
        case .quotes: quotes
        case .invoices: invoices
        case .customers: customers
        }
        if let filter = request.uri.queryParameters["filter"].map(String.init),
           let rules = try? JSONSerialization.jsonObject(with: Data(filter.utf8)) as? [[String: Any]] {
            for rule in rules {
                let field = rule["field"] as? String ?? ""
                switch (rule["operator"] as? String, rule["value"]) {
                case ("gteq", let value as String): selected = selected.filter { ($0[field] as? String ?? "") >= value }
                case ("in", let values as [Any]): selected = selected.filter { item in values.contains { "\($0)" == "\(item[field] ?? "")" } }
                default: return Self.json(#"{"error":"bad filter"}"#, status: .badRequest)
                }
            }
        }
        let limit = min(Int(request.uri.queryParameters["limit"].map(String.init) ?? "") ?? 20, 100)
        let offset = request.uri.queryParameters["cursor"].flatMap { Int($0.dropFirst()) } ?? 0
        let page = Array(selected.dropFirst(offset).prefix(limit))
        let more = offset + limit < selected.count
        let body: [String: Any] = ["items": page, "has_more": more, "next_cursor": more ? "c\(offset + limit)" : NSNull()]
        return Self.json(body)
    }

    private func projectFlowPage(_ request: Request) -> Response {
        let since = request.uri.queryParameters["updated_since"].map(String.init) ?? ""
        let selected = approvals.filter { ($0["updated_at"] as? String ?? "") >= since }
        let perPage = Int(request.uri.queryParameters["per_page"].map(String.init) ?? "") ?? 20
        let page = Int(request.uri.queryParameters["page"].map(String.init) ?? "") ?? 1
        let pages = max(1, (selected.count + perPage - 1) / perPage)
        return Self.json([
            "data": Array(selected.dropFirst((page - 1) * perPage).prefix(perPage)),
            "meta": ["page": page, "per_page": perPage, "total_pages": pages, "total": selected.count],
        ])
    }

    private func updateStatus(_ id: String, _ request: Request) async throws -> Response {
        var request = request
        let body = String(buffer: try await request.collectBody(upTo: 1 << 16))
        statusUpdates.append((id, body))
        return Self.json(#"{"id":\#(id),"status":"accepted"}"#)
    }

    static func json(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        let data = (object as? String).map { Data($0.utf8) } ?? (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Runs `body` with the stand-in listening on a free port.
    nonisolated func serve(_ body: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.get("/pl/v2/me") { request, _ in
            await self.gate(request, list: false) ?? Self.json(["company": ["id": 1, "name": "Atelier Lumière SAS"], "user": ["id": 7]])
        }
        router.get("/pl/v2/quotes") { request, _ in
            if let refused = await self.gate(request, list: true) { return refused }
            return await self.pennylanePage(.quotes, request)
        }
        router.get("/pl/v2/customer_invoices") { request, _ in
            if let refused = await self.gate(request, list: true) { return refused }
            return await self.pennylanePage(.invoices, request)
        }
        router.get("/pl/v2/customers") { request, _ in
            if let refused = await self.gate(request, list: false) { return refused }
            return await self.pennylanePage(.customers, request)
        }
        router.put("/pl/v2/quotes/:id/update_status") { request, context in
            if let refused = await self.gate(request, list: false) { return refused }
            return try await self.updateStatus(context.parameters.get("id") ?? "", request)
        }
        router.get("/pf/api/v1/me") { request, _ in
            await self.gate(request, list: false) ?? Self.json(["account": ["name": "Studio Nord"]])
        }
        router.get("/pf/api/v1/approvals") { request, _ in
            if let refused = await self.gate(request, list: true) { return refused }
            return await self.projectFlowPage(request)
        }
        try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { client in
            try await body(try #require(client.port))
        }
    }

    /// `count` Pennylane invoices `INV-1…`, each for customer `1 + i % customersCount`, updated at `updatedAt`.
    static func invoices(_ count: Int, customers: Int = 3, updatedAt: String = "2026-01-10T10:00:00Z") -> [[String: Any]] {
        (1...count).map { i in
            [
                "id": 1000 + i, "label": "Invoice \(i) — Atelier", "invoice_number": "F-2026-\(i)", "currency": "EUR",
                "amount": "\(100 + i).50", "deadline": "2026-03-31", "status": i % 4 == 0 ? "paid" : "upcoming", "paid": i % 4 == 0,
                "public_file_url": "https://files.example.com/inv-\(i).pdf", "customer": ["id": 1 + i % customers, "url": "x"],
                "updated_at": updatedAt,
            ]
        }
    }

    static func customers(_ count: Int) -> [[String: Any]] {
        (1...count).map { i in
            [
                "id": i, "name": i == 1 ? "Jeanne Martin" : "Client \(i) SARL", "customer_type": i == 1 ? "individual" : "company",
                "emails": ["client\(i)@example.com"], "updated_at": "2026-01-01T00:00:00Z",
            ]
        }
    }
}
