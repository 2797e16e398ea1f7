@testable import Engage
@testable import EngageWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MariaDB
import TestSupport
import Testing

@Suite("HTTP skeleton: health, errors, static files, headers")
struct HTTPSkeletonTests {
    private struct Probe: Decodable {
        let title: String
        let amount: Double
    }

    /// The real router plus a few probe routes that throw each kind of error.
    private func withClient(
        database: Database, _ test: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let configuration = try EngageConfiguration.forTesting(database: database.pool.configuration)
        let router = try await buildRouter(configuration: configuration, database: database)
        router.post("/api/v1/probe/json") { request, context in
            let probe = try await request.decodeJSON(as: Probe.self, context: context)
            return try APIResponse.success(["title": probe.title])
        }
        router.get("/api/v1/probe/validation") { _, _ -> Response in
            throw ValidationError(fields: [
                .init(field: "title", code: .required, message: "Title is required."),
                .init(field: "currency", code: .invalidValue, message: "Currency must be an ISO 4217 code."),
                .init(field: "due_date", code: .invalidFormat, message: "Due date must be a date (YYYY-MM-DD)."),
            ])
        }
        router.get("/api/v1/probe/crash") { _, _ -> Response in
            throw CocoaError(.fileReadCorruptFile, userInfo: ["secret": "s3cr3t-internal-detail"])
        }
        router.get("/probe/crash") { _, _ -> Response in
            throw CocoaError(.fileReadCorruptFile, userInfo: ["secret": "s3cr3t-internal-detail"])
        }
        try await Application(router: router).test(.router, test)
    }

    /// The app on a fresh database of its own.
    private func withClient(_ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await TestDatabase.withMigratedPool { pool in
            try await withClient(database: Database(pool: pool), test)
        }
    }

    private static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    private static func errorBody(_ response: TestResponse) throws -> [String: Any] {
        let body = try json(response)
        #expect(body["success"] as? Bool == false)
        return try #require(body["error"] as? [String: Any])
    }

    @Test("/healthz answers 200 with the database checked")
    func healthy() async throws {
        try await withClient { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response)
                #expect(body["status"] as? String == "ok")
                #expect(body["database"] as? String == "ok")
                #expect(body["version"] as? String == EngageVersion.current)
            }
        }
    }

    @Test("/healthz answers 503 while the database is down and 200 again once it is back")
    func databaseDown() async throws {
        let server = PrivateMariaDBServer()
        try await server.start()
        let pool = MariaDBConnectionPool(configuration: server.configuration, options: .init(maxConnections: 2))
        try await TestDatabase.withShutdown(pool) { pool in
            try await withClient(database: Database(pool: pool)) { client in
                try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
                try await server.kill()
                try await client.execute(uri: "/healthz", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    let body = try Self.json(response)
                    #expect(body["status"] as? String == "unavailable")
                    #expect(body["database"] as? String == "unreachable")
                }
                // A request that needs the database is a 503 too, not a 500, and names no server detail.
                try await client.execute(
                    uri: "/api/v1/document-engagements", method: .get, headers: [.authorization: "Bearer ek_unknown"]
                ) { response in
                    #expect(response.status == .serviceUnavailable)
                    let error = try Self.json(response)["error"] as? [String: Any]
                    #expect(error?["code"] as? String == "SERVICE_UNAVAILABLE")
                    #expect(error?["message"] as? String == "The service cannot reach its database. Try again in a moment.")
                }
                try await server.start()
                try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            }
        }
        await server.destroy()
    }

    @Test("a request that waits too long for a connection is a 503 with Retry-After and none of the pool's internals")
    func poolExhausted() async throws {
        try await TestDatabase.withMigratedPool { pool in
            let tight = MariaDBConnectionPool(
                configuration: pool.configuration, options: .init(maxConnections: 1, acquireTimeout: .milliseconds(200)))
            try await TestDatabase.withShutdown(tight) { tight in
                try await withClient(database: Database(pool: tight)) { client in
                    try await tight.withConnection { _ in
                        try await client.execute(
                            uri: "/api/v1/document-engagements", method: .get, headers: [.authorization: "Bearer ek_unknown"]
                        ) { response in
                            #expect(response.status == .serviceUnavailable)
                            #expect(response.headers[.retryAfter] == "1")
                            let body = String(buffer: response.body)
                            #expect(body.contains("SERVICE_UNAVAILABLE"))
                            for leak in ["within", "all 1", "pool", "MariaDB"] {
                                #expect(!body.contains(leak), "the answer names \(leak)")
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("a path under /p/ or /r/ that matches no route is logged with its segments hidden, never the link's secret")
    func unmatchedPathsRedacted() async throws {
        let capture = LogCapture()
        try await TestDatabase.withMigratedPool { pool in
            let configuration = try EngageConfiguration.forTesting(database: pool.configuration)
            let router = try await buildRouter(configuration: configuration, database: Database(pool: pool))
            let logger = Logger(label: "test") { _ in capture }
            try await Application(router: router, logger: logger).test(.router) { client in
                for path in ["/p/SECRETLINK0123456789/x", "/r/0123abcd/SECRETLINK0123456789/extra", "/p/SECRETLINK0123456789/sign/more?x=1"] {
                    try await client.execute(uri: path, method: .get) { #expect($0.status == .notFound) }
                }
            }
        }
        let routes = capture.lines.filter { $0.contains("route=") }
        #expect(routes.count == 3)
        #expect(!capture.lines.contains { $0.contains("SECRETLINK") }, "\(capture.lines)")
        #expect(routes.contains { $0.contains("route=/p/*/*/*") })
    }

    @Test("the recipients' routes are limited per address and minute (429 with Retry-After); the portal and the API are not")
    func publicRateLimit() async throws {
        try await TestDatabase.withMigratedPool { pool in
            var configuration = try EngageConfiguration.forTesting(database: pool.configuration)
            configuration.publicRateLimit = 5
            let router = try await buildRouter(configuration: configuration, database: Database(pool: pool))
            try await Application(router: router).test(.router) { client in
                for path in ["/t/00000000000000000000000000000000.gif", "/p/unknown", "/r/0/x", "/t/1.gif", "/p/x/pdf"] {
                    #expect(try await client.execute(uri: path, method: .get).status != .tooManyRequests, "\(path)")
                }
                let limited = try await client.execute(uri: "/t/00000000000000000000000000000000.gif", method: .get)
                #expect(limited.status == .tooManyRequests)
                #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
                #expect(try await client.execute(uri: "/login", method: .get).status == .ok)
                #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            }
        }
    }

    @Test("a known path with a method it does not answer is 405 METHOD_NOT_ALLOWED with Allow, public routes included; an unknown path stays 404")
    func methodNotAllowed() async throws {
        try await withClient { client in
            for method in [HTTPRequest.Method.delete, .put, .patch, HTTPRequest.Method("TRACE")!] {
                try await client.execute(uri: "/api/v1/auth/me", method: method) { response in
                    #expect(response.status == .methodNotAllowed, "\(method)")
                    #expect(response.headers[.allow] == "GET")
                    let error = try Self.errorBody(response)
                    #expect(error["code"] as? String == "METHOD_NOT_ALLOWED")
                }
            }
            try await client.execute(uri: "/api/v1/document-engagements/7/restore", method: .get) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
            }
            try await client.execute(uri: "/api/v1/openapi.json", method: .post) { #expect($0.headers[.allow] == "GET") }
            // A literal segment is its own route, not an id: PUT on /stats was a 404 from the {id} route.
            try await client.execute(uri: "/api/v1/document-engagements/stats", method: .put) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET")
            }
            // Outside the API too, before the CSRF check could refuse a method that changes nothing (was 403).
            for uri in ["/t/0123456789abcdef.gif", "/r/1/secret"] {
                try await client.execute(uri: uri, method: HTTPRequest.Method("TRACE")!) { response in
                    #expect(response.status == .methodNotAllowed, "\(uri)")
                    #expect(response.headers[.allow] == "GET")
                }
            }
            try await client.execute(uri: "/api/v1/no-such-thing", method: .delete) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("an unknown API route is a 404 RESOURCE_NOT_FOUND envelope, whatever the method", arguments: [
        HTTPRequest.Method.get, .post, .put, .delete,
    ])
    func unknownAPIRoute(method: HTTPRequest.Method) async throws {
        try await withClient { client in
            try await client.execute(uri: "/api/v1/no-such-thing/42", method: method) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let error = try Self.errorBody(response)
                #expect(error["code"] as? String == "RESOURCE_NOT_FOUND")
                #expect(error["message"] as? String == "Resource not found")
            }
        }
    }

    @Test("malformed JSON and wrong JSON types are a 400, never a 500", arguments: [
        ("{\"title\": \"Quote\", \"amount\": ", "The request body is not valid JSON."),
        ("not json at all", "The request body is not valid JSON."),
        ("{\"title\": \"Quote\", \"amount\": \"twelve\"}", "The value of 'amount' has the wrong JSON type."),
    ])
    func malformedJSON(body: String, message: String) async throws {
        try await withClient { client in
            try await client.execute(
                uri: "/api/v1/probe/json", method: .post,
                headers: [.contentType: "application/json"], body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .badRequest)
                let error = try Self.errorBody(response)
                #expect(error["code"] as? String == "VALIDATION_INVALID_JSON")
                #expect(error["message"] as? String == message)
            }
            try await client.execute(
                uri: "/api/v1/probe/json", method: .post, body: ByteBuffer(string: #"{"title":"Quote","amount":12.5}"#)
            ) { response in
                let body = try Self.json(response)
                #expect(response.status == .ok)
                #expect(body["success"] as? Bool == true)
            }
        }
    }

    @Test("a validation error lists every field problem at once")
    func validationDetails() async throws {
        try await withClient { client in
            try await client.execute(uri: "/api/v1/probe/validation", method: .get) { response in
                #expect(response.status == .badRequest)
                let error = try Self.errorBody(response)
                #expect(error["code"] as? String == "VALIDATION_FAILED")
                let details = try #require(error["details"] as? [[String: String]])
                #expect(details.map { $0["field"] } == ["title", "currency", "due_date"])
                #expect(details.map { $0["code"] } == [
                    "VALIDATION_REQUIRED_FIELD", "VALIDATION_INVALID_VALUE", "VALIDATION_INVALID_FORMAT",
                ])
            }
        }
    }

    @Test("an unexpected error is a generic 500 with the request id; the details stay in the log")
    func unexpectedError() async throws {
        try await withClient { client in
            try await client.execute(uri: "/api/v1/probe/crash", method: .get, headers: [.requestID: "trace-123"]) { response in
                #expect(response.status == .internalServerError)
                let error = try Self.errorBody(response)
                #expect(error["code"] as? String == "INTERNAL_ERROR")
                #expect((error["message"] as? String)?.contains("trace-123") == true)
                #expect(!String(buffer: response.body).contains("s3cr3t"))
            }
            try await client.execute(uri: "/probe/crash", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: response.body).contains("Something went wrong"))
                #expect(!String(buffer: response.body).contains("s3cr3t"))
            }
        }
    }

    @Test("pages outside the API get HTML: sign-in for visitors, and a 404 page in the layout")
    func htmlPages() async throws {
        try await withClient { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/login")
            }
            try await client.execute(uri: "/login", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("<title>Sign in · Oui Engage</title>"))
            }
            try await client.execute(uri: "/no/such/page?x=<script>", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let html = String(buffer: response.body)
                #expect(html.contains("Page not found"))
                #expect(html.contains(#"<link rel="stylesheet" href="/css/app.css">"#))
                #expect(!html.contains("<script>"))
            }
        }
    }

    @Test("static files are served from Public/")
    func staticFiles() async throws {
        try await withClient { client in
            try await client.execute(uri: "/css/app.css", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/css") == true)
                #expect(String(buffer: response.body).contains("--accent"))
            }
            try await client.execute(uri: "/css/../../Package.swift", method: .get) { response in
                #expect(response.status != .ok)
            }
        }
    }

    @Test("every response carries security headers and a request id; only safe incoming ids are kept")
    func headers() async throws {
        try await withClient { client in
            for uri in ["/", "/healthz", "/api/v1/missing", "/css/app.css"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                    #expect(response.headers[.contentSecurityPolicy]?.contains("unsafe-inline") == false)
                    #expect(response.headers[.xContentTypeOptions] == "nosniff")
                    #expect(response.headers[.referrerPolicy] == "same-origin")
                    #expect(response.headers[.requestID]?.isEmpty == false)
                    #expect(response.headers[.permissionsPolicy]?.contains("camera=()") == true)
                    #expect(response.headers[.crossOriginOpenerPolicy] == "same-origin")
                }
            }
            // Nothing but static files may be stored: portal pages privately never, the API never.
            for (uri, cacheControl) in [("/login", "private, no-store"), ("/api/v1/missing", "no-store"), ("/p/unknown", "private, no-store"), ("/css/app.css", "max-age=3600")] {
                try await client.execute(uri: uri, method: .get) { #expect($0.headers[.cacheControl] == cacheControl, "\(uri)") }
            }
            try await client.execute(uri: "/healthz", method: .get, headers: [.requestID: "abc-123_X"]) {
                #expect($0.headers[.requestID] == "abc-123_X")
            }
            try await client.execute(uri: "/healthz", method: .get, headers: [.requestID: "evil\" injected=1"]) {
                #expect($0.headers[.requestID] != "evil\" injected=1")
            }
        }
    }
}

@Suite("Session cookie")
struct SessionCookieTests {
    @Test("behind HTTPS the session cookie is __Host- prefixed, Secure, host-only and path /; over HTTP it is plain")
    func hostPrefix() {
        let secure = SessionCookie(secure: true).setting(value: "v")
        #expect(secure.name == "__Host-engage_session")
        #expect(secure.secure && secure.path == "/" && secure.domain == nil && secure.httpOnly)
        #expect(SessionCookie(secure: true).clearing().name == "__Host-engage_session")
        #expect(SessionCookie(secure: false).setting(value: "v").name == "engage_session")
    }
}

/// Keeps every log line, message and metadata, for tests that check what reaches the log.
final class LogCapture: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var lines: [String] { lock.withLock { stored } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let line = "\(event.message) " + fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        lock.withLock { stored.append(line) }
    }
}
