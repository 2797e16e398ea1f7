import Engage
import Foundation
import HTTPTypes
import Hummingbird

/// The list envelope: `data`, `meta` and `links`, with the same links in an RFC 8288 `Link` header.
struct APIList<Item: JSONWritable & Sendable> {
    let page: Page<Item>
    var links: PageLinks

    /// The envelope of `page`; links repeat `parameters` (the request's filters) with another page number.
    init(_ page: Page<Item>, url: String, parameters: [(String, String)]) {
        self.page = page
        links = PageLinks(page, path: url, parameters: parameters)
    }

    /// The response, written directly (keys in sorted order, as the API's encoder writes them).
    func response() throws -> Response {
        var writer = JSONWriter(capacity: 2048 * max(page.items.count, 1))
        writer.beginObject()
        writer.key("data")
        writer.beginArray()
        for item in page.items { item.writeJSON(&writer) }
        writer.endArray()
        writer.key("links")
        writer.beginObject()
        for (relation, url) in links.relations {
            writer.key(named: relation); writer.value(url)
        }
        writer.endObject()
        writer.key("meta")
        writer.beginObject()
        writer.key("page"); writer.value(page.request.page)
        writer.key("per_page"); writer.value(page.request.perPage)
        writer.key("total"); writer.value(page.total)
        writer.key("total_pages"); writer.value(page.totalPages)
        writer.endObject()
        writer.key("success")
        writer.value(true)
        writer.endObject()
        var response = APIResponse.json(bytes: writer.bytes, status: .ok)
        response.headers[HTTPField.Name("Link")!] = links.relations
            .compactMap { relation, url in url.map { "<\($0)>; rel=\"\(relation)\"" } }
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

    /// The query parameters of an API call. Unlike a portal form, an integrator means every
    /// parameter it sends: an empty or repeated one is a 400 rather than "no filter" or the first value.
    func apiQuery() throws -> [String: String] {
        var parameters: [String: String] = [:]
        var problems: [ValidationError.FieldError] = []
        for (name, value) in uri.queryParameters {
            let name = String(name)
            if parameters.updateValue(String(value), forKey: name) != nil {
                problems.append(.init(field: name, code: .invalidValue, message: "\(name) is given more than once."))
            } else if value.isEmpty {
                problems.append(.init(field: name, code: .invalidValue, message: "\(name) is empty; leave it out for no filter."))
            }
        }
        if !problems.isEmpty { throw ValidationError(fields: problems) }
        return parameters
    }

    /// The JSON object of a create or update body.
    /// `optional`: an empty body is an object without fields.
    func decodeInput(context: EngageRequestContext, optional: Bool = false) async throws -> Input {
        var request = self
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        if optional, body.readableBytes == 0 { return Input([:]) }
        do {
            return Input(try JSONParser.object(body.readableBytesView))
        } catch let error as JSONSyntaxError {
            throw APIError.invalidJSON(error.path.isEmpty ? error.message : "The value of '\(error.path)' cannot be kept: \(error.message)")
        }
    }
}

extension EngageRequestContext {
    /// The caller as the domain sees it: a user or an API key, with its role.
    func actor() throws -> Actor {
        if let user { return Actor(user: user) }
        if let apiKey { return Actor(apiKey: apiKey) }
        throw AuthenticationError.invalidCredentials
    }

    /// The `:channel/:purpose/:language` of a message template's path; anything unknown is a 404.
    func templateKey() throws -> MessageTemplateService.Key {
        guard let channel = parameters.get("channel").flatMap(MessageChannel.init(rawValue:)),
              let purpose = parameters.get("purpose").flatMap(MessagePurpose.init(rawValue:)), MessagePurpose.templated.contains(purpose),
              let language = parameters.get("language").flatMap(Language.init(rawValue:))
        else { throw APIError.notFound() }
        return .init(channel: channel, purpose: purpose, language: language)
    }

    /// A numeric path parameter (`:id` unless named); a non-numeric one is a 404 like a missing record.
    func id(_ name: String = "id") throws -> Int64 {
        guard let id = parameters.get(name, as: Int64.self) else { throw APIError.notFound() }
        return id
    }
}
