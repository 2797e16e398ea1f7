import Engage
@testable import EngageWeb
import Foundation
import HTTPTypes
import Hummingbird
import MariaDB
import HummingbirdTesting
import TestSupport
import Testing

/// A running application on a fresh database, with an API key per role to call it.
struct APIHarness {
    static let password = "correct horse battery"

    let client: any TestClientProtocol
    let database: Database
    /// `ek_` keys acting as admin, staff and viewer.
    let keys: [User.Role: String]
    let admin: User
    let configuration: EngageConfiguration

    /// Runs `test` against a new application with an admin, a staff member and their keys; `live`
    /// serves it on a loopback port (`client.port`) that other connections may use too.
    static func run(
        live: Bool = false,
        configure: @Sendable (inout EngageConfiguration) -> Void = { _ in }, _ test: @Sendable (APIHarness) async throws -> Void
    ) async throws {
        try await TestDatabase.withMigratedPool { pool in
            let database = Database(pool: pool)
            let users = UserService(database: database, hasher: PasswordHasher(cost: 4))
            let admin = try await users.create(email: "admin@example.com", name: "Admin", role: "admin", password: password)
            _ = try await users.create(email: "staff@example.com", name: "Staff", role: "staff", password: password)
            let apiKeys = APIKeyService(database: database)
            var keys: [User.Role: String] = [:]
            for role in User.Role.allCases {
                keys[role] = try await apiKeys.create(name: "\(role) key", role: role.rawValue, by: admin).secret
            }
            var configured = try EngageConfiguration.forTesting(database: pool.configuration)
            configure(&configured)
            let configuration = configured
            let router = try await buildRouter(configuration: configuration, database: database)
            let frozenKeys = keys
            let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await application.test(live ? .live : .router) { client in
                try await test(APIHarness(client: client, database: database, keys: frozenKeys, admin: admin, configuration: configuration))
            }
        }
    }

    /// Calls the API as `role` with an optional JSON body.
    func call(
        _ method: HTTPRequest.Method, _ uri: String, as role: User.Role = .staff, json: String? = nil, headers extra: HTTPFields = [:]
    ) async throws -> APIReply {
        var headers: HTTPFields = [.authorization: "Bearer \(keys[role]!)"]
        headers.append(contentsOf: extra)
        if json != nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        return APIReply(response)
    }

    /// Requests a public path (a recipient's link, a pixel) without credentials.
    func visit(_ method: HTTPRequest.Method = .get, _ uri: String, headers: HTTPFields = [:], body: String? = nil) async throws -> APIReply {
        APIReply(try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }))
    }

    /// Creates a document as staff and returns its id; fails the test when refused.
    func createDocument(_ json: String) async throws -> Int64 {
        let reply = try await call(.post, "/api/v1/document-engagements", json: json)
        guard reply.status == .created, let id = reply.data["id"] as? Int else {
            throw TestSetupError("document not created: \(reply.text)")
        }
        return Int64(id)
    }

    /// Runs SQL directly, for arranging states the API cannot reach (timestamps, statuses).
    func sql(_ statement: String, _ binds: [any MariaDBEncodable] = []) async throws {
        _ = try await database.pool.withConnection { try await $0.execute(statement, binds) }
    }
}

/// A response and its JSON body, read once.
struct APIReply {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String
    let json: [String: Any]

    init(_ response: TestResponse) {
        status = response.status
        headers = response.headers
        text = String(buffer: response.body)
        json = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// `data` as an object.
    var data: [String: Any] { json["data"] as? [String: Any] ?? [:] }
    /// `data` as a list.
    var items: [[String: Any]] { json["data"] as? [[String: Any]] ?? [] }
    /// `meta` of a list.
    var meta: [String: Int] { json["meta"] as? [String: Int] ?? [:] }
    /// `links` of a list.
    var links: [String: Any] { json["links"] as? [String: Any] ?? [:] }
    /// `error.code`.
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    /// `error.message`.
    var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
    /// The fields named in `error.details`, in order.
    var errorFields: [String] { details.compactMap { $0["field"] as? String } }
    /// `error.details`.
    var details: [[String: Any]] { (json["error"] as? [String: Any])?["details"] as? [[String: Any]] ?? [] }
    /// The ids of a list, in order.
    var ids: [Int64] { items.compactMap { ($0["id"] as? Int).map(Int64.init) } }
}
