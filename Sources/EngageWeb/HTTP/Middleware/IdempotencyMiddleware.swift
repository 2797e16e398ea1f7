import Crypto
import Engage
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// `Idempotency-Key` on every POST of the API (after authentication, so keys are the caller's
/// own): a retry with the same key and the same request gets the first answer again, marked
/// `Idempotent-Replayed: true`, without the work being done twice; the same key with another
/// request is 422 `IDEMPOTENCY_KEY_REUSED`. Answers below 500 are kept for 24 hours.
struct IdempotencyMiddleware: RouterMiddleware {
    typealias Context = EngageRequestContext

    let store: IdempotencyStore

    static let header = HTTPField.Name("Idempotency-Key")!
    static let replayed = HTTPField.Name("Idempotent-Replayed")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post, let key = request.headers[Self.header] else { return try await next(request, context) }
        guard (1...255).contains(key.utf8.count), key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
            throw APIError(.badRequest, code: "VALIDATION_INVALID_VALUE", message: "Idempotency-Key must be 1 to 255 visible ASCII characters.")
        }
        guard let caller = context.idempotencyScope else { return try await next(request, context) }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        // The same key means the same request: method, path and query, and body.
        var digest = SHA256()
        digest.update(data: Data("\(request.method.rawValue) \(request.uri.path)?\(request.uri.query ?? "")\n".utf8))
        digest.update(data: Data(buffer: body))
        switch try await start(caller: caller, key: key, fingerprint: Data(digest.finalize())) {
        case .reused:
            throw APIError(
                .unprocessableContent, code: "IDEMPOTENCY_KEY_REUSED",
                message: "This Idempotency-Key was used for another request in the last 24 hours; use a new key for a new request.")
        case .replay(let answer):
            var response = APIResponse.json(bytes: answer.body, status: HTTPResponse.Status(code: answer.status))
            if let location = answer.location { response.headers[.location] = location }
            response.headers[Self.replayed] = "true"
            return response
        case .proceed:
            let response: Response
            do {
                response = try await next(request, context)
            } catch {
                // An error the API would answer anyway is kept like any answer; an unexpected one is not.
                guard let apiError = APIError.from(error), apiError.status.code < 500 else {
                    try? await store.abandon(caller: caller, key: key)
                    throw error
                }
                return try await keep(try APIResponse.failure(apiError), caller: caller, key: key)
            }
            return try await keep(response, caller: caller, key: key)
        }
    }

    private func start(caller: String, key: String, fingerprint: Data) async throws -> IdempotencyStore.Start {
        do {
            return try await store.start(caller: caller, key: key, fingerprint: fingerprint)
        } catch is IdempotencyKeyInUse {
            throw APIError(.conflict, code: "IDEMPOTENCY_KEY_IN_USE", message: "A request with this Idempotency-Key is still running; try again shortly.")
        }
    }

    /// Keeps `response` for replay (below 500) and returns it with its body read into memory.
    private func keep(_ response: Response, caller: String, key: String) async throws -> Response {
        var response = response
        let collector = BodyCollector()
        try await response.body.write(collector)
        let bytes = collector.buffer.bytes.withLock { $0 }
        response.body = ResponseBody(byteBuffer: bytes)
        if response.status.code < 500 {
            try await store.finish(caller: caller, key: key, answer: .init(
                status: response.status.code, location: response.headers[.location], body: Data(buffer: bytes)))
        } else {
            try? await store.abandon(caller: caller, key: key)
        }
        return response
    }
}

/// Gathers a response body as it is written (API answers are small JSON).
private struct BodyCollector: ResponseBodyWriter {
    final class Buffer: Sendable {
        let bytes = Mutex(ByteBuffer())
    }

    let buffer = Buffer()

    mutating func write(_ chunk: ByteBuffer) async throws {
        var chunk = chunk
        _ = buffer.bytes.withLock { $0.writeBuffer(&chunk) }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

extension EngageRequestContext {
    /// Whose keys these are: an API key's or a signed-in user's; nil for a caller not yet known.
    fileprivate var idempotencyScope: String? {
        if let apiKey { return "key:\(apiKey.id)" }
        return user.map { "user:\($0.id)" }
    }
}
