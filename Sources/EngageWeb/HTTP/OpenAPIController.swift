import Foundation
import Hummingbird

/// `GET /api/v1/openapi.json`: the OpenAPI 3.1 description of the API, kept in `Public/openapi.json`
/// and checked against the router by a test.
struct OpenAPIController {
    let document: ByteBuffer

    /// Reads the document once at start-up; a missing file stops start-up.
    init(publicDirectory: String) throws {
        document = ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: publicDirectory).appendingPathComponent("openapi.json")))
    }

    func register(on router: Router<EngageRequestContext>) {
        router.get("/api/v1/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: document))
        }
    }
}
