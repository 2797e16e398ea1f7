import Engage
import Foundation
import HTTPTypes
import Hummingbird

/// The list envelope: `data`, `meta` and `links`, with the same links in an RFC 8288 `Link` header.
struct APIList<Item: Encodable & Sendable>: Encodable {
    struct Meta: Encodable {
        let page: Int
        let perPage: Int
        let total: Int
        let totalPages: Int
        enum CodingKeys: String, CodingKey {
            case page, total
            case perPage = "per_page"
            case totalPages = "total_pages"
        }
    }

    struct Links: Encodable {
        let first: String
        let prev: String?
        let next: String?
        let last: String

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(first, forKey: .first)
            try container.encode(prev, forKey: .prev)
            try container.encode(next, forKey: .next)
            try container.encode(last, forKey: .last)
        }
        enum CodingKeys: String, CodingKey { case first, prev, next, last }
    }

    let success = true
    let data: [Item]
    let meta: Meta
    let links: Links

    /// The envelope of `page`; links repeat `parameters` (the request's filters) with another page number.
    init(_ page: Page<Item>, url: String, parameters: [(String, String)]) {
        data = page.items
        let request = page.request
        meta = Meta(page: request.page, perPage: request.perPage, total: page.total, totalPages: page.totalPages)
        let lastPage = max(page.totalPages, 1)
        func link(_ number: Int) -> String {
            let query = parameters.filter { $0.0 != "page" && $0.0 != "per_page" }
                + [("page", String(number)), ("per_page", String(request.perPage))]
            return QueryString.url(url, query)
        }
        links = Links(
            first: link(1),
            prev: request.page > 1 ? link(min(request.page - 1, lastPage)) : nil,
            next: request.page < page.totalPages ? link(request.page + 1) : nil,
            last: link(lastPage))
    }

    /// The response, with the `Link` header. Records that write their own JSON (documents) are
    /// written directly, the rest through `JSONEncoder`; keys in the same sorted order either way.
    func response() throws -> Response {
        var writer = JSONWriter(capacity: 2048 * max(data.count, 1))
        writer.beginObject()
        writer.key("data")
        writer.beginArray()
        for item in data {
            if let record = item as? any JSONWritable {
                record.writeJSON(&writer)
            } else {
                writer.raw(try APIResponse.encoder.encode(item))
            }
        }
        writer.endArray()
        writer.key("links")
        writer.raw(try APIResponse.encoder.encode(links))
        writer.key("meta")
        writer.raw(try APIResponse.encoder.encode(meta))
        writer.key("success")
        writer.value(true)
        writer.endObject()
        var response = Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: writer.bytes)))
        let relations = [("first", links.first), ("prev", links.prev), ("next", links.next), ("last", links.last)]
        response.headers[HTTPField.Name("Link")!] = relations.compactMap { name, url in url.map { "<\($0)>; rel=\"\(name)\"" } }
            .joined(separator: ", ")
        return response
    }
}

extension Request {
    /// The query parameters, first value of each name.
    var queryDictionary: [String: String] {
        var parameters: [String: String] = [:]
        for (name, value) in uri.queryParameters where parameters[String(name)] == nil {
            parameters[String(name)] = String(value)
        }
        return parameters
    }

    /// The JSON object of a create or update body.
    func decodeInput(context: EngageRequestContext) async throws -> Input {
        Input(try await decodeJSON(as: [String: JSONValue].self, context: context))
    }
}

extension EngageRequestContext {
    /// The caller as the domain sees it: a user or an API key, with its role.
    func actor() throws -> Actor {
        if let user { return Actor(user: user) }
        if let apiKey { return Actor(apiKey: apiKey) }
        throw AuthenticationError.invalidCredentials
    }

    /// The `:id` path parameter; a non-numeric id is a 404 like a missing record.
    func id(_ name: String = "id") throws -> Int64 {
        guard let id = parameters.get(name, as: Int64.self) else { throw APIError.notFound() }
        return id
    }
}
