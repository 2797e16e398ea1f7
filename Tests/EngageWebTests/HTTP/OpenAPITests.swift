import Engage
@testable import EngageWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@Suite("OpenAPI document")
struct OpenAPITests {
    @Test("every API, recipient and callback route of the router is in openapi.json, and every operation there is a route")
    func coverage() async throws {
        try await TestDatabase.withMigratedPool { pool in
            let configuration = try EngageConfiguration.forTesting(database: pool.configuration)
            let router = try await buildRouter(configuration: configuration, database: Database(pool: pool))
            let described = ["/api/", "/p/", "/t/", "/r/"]
            let callbacks = Partner.allCases.map { "/webhooks/\($0.rawValue)" }
            let routed = Set(router.routes.filter { route in
                described.contains { route.path.description.hasPrefix($0) } || callbacks.contains(route.path.description)
            }
                .map { "\($0.method.rawValue) \($0.path)" })

            let document = try Self.document()
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let methods: Set<String> = ["get", "put", "post", "delete", "patch"]
            let operations = Set(paths.flatMap { path, item in
                item.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" }
            })
            #expect(routed.subtracting(operations).sorted() == [], "routes missing from openapi.json")
            #expect(operations.subtracting(routed).sorted() == [], "operations in openapi.json without a route")
            #expect(routed.count >= 20)
        }
    }

    @Test("the document is OpenAPI 3.1, every $ref resolves, and it is served at /api/v1/openapi.json without a key")
    func wellFormedAndServed() async throws {
        let document = try Self.document()
        #expect(document["openapi"] as? String == "3.1.0")
        let text = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
        let components = try #require(document["components"] as? [String: [String: Any]])
        let references = text.matches(of: /"\$ref":"#\\\/components\\\/(\w+)\\\/(\w+)"/)
        #expect(references.count > 20)
        for match in references {
            #expect(components[String(match.1)]?[String(match.2)] != nil, "unresolved \(match.0)")
        }
        try await TestDatabase.withMigratedPool { pool in
            let configuration = try EngageConfiguration.forTesting(database: pool.configuration)
            let router = try await buildRouter(configuration: configuration, database: Database(pool: pool))
            try await Application(router: router).test(.router) { client in
                let response = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"/api/v1/document-engagements/{id}/restore\""))
            }
        }
    }

    @Test("every http(s) address in the document is checked by the server's own rule, WebAddress.pattern")
    func addressPattern() throws {
        let text = try String(contentsOfFile: Checkout.path("Public/openapi.json"), encoding: .utf8)
        let patterns = text.components(separatedBy: "\"pattern\": ").dropFirst().compactMap { rest -> String? in
            guard let line = rest.split(separator: "\n").first,
                  let value = try? JSONSerialization.jsonObject(with: Data(line.dropLast(line.hasSuffix(",") ? 1 : 0).utf8), options: .fragmentsAllowed) as? String
            else { return nil }
            // Stored addresses are anchored whole; a webhook URL (checked by resolving it) only by its start.
            return value.contains("[Hh][Tt][Tt][Pp]") && value.hasSuffix("$") ? value : nil
        }
        #expect(patterns.count >= 10)
        for pattern in patterns {
            #expect(pattern == WebAddress.pattern || pattern == #"^\s*$|"# + WebAddress.pattern, "\(pattern)")
        }
    }

    private static func document() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Checkout.path("Public/openapi.json")))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}
