import Engage
import Foundation
import HTTPTypes
import Hummingbird

/// Identifies the caller of a protected API route from `Authorization: Bearer <access token>` or
/// `Bearer ek_<API key>` (checking the request's signature when the key requires one), then counts
/// the request against the caller's rate limit.
struct APIAuthMiddleware: RouterMiddleware {
    typealias Context = EngageRequestContext

    let gate: APIGate
    let apiKeys: APIKeyService

    static let time = HTTPField.Name("X-Engage-Time")!
    static let signature = HTTPField.Name("X-Engage-Signature")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw AuthenticationError.invalidCredentials
        }
        let credential = String(header.dropFirst("Bearer ".count))
        var context = context
        var request = request
        let admission = credential.hasPrefix("ek_")
            ? try await gate.admit(apiKey: credential) : try await gate.admit(accessToken: credential)
        var status = admission.status
        switch admission.caller {
        case .apiKey(let key):
            if key.requiresSignature {
                let body = try await request.collectBody(upTo: context.maxUploadSize)
                let query = request.uri.query.map { "?" + $0 } ?? ""
                try await apiKeys.verifySignature(
                    of: key, method: request.method.rawValue, target: request.uri.path + query,
                    time: request.headers[Self.time], signature: request.headers[Self.signature], body: Data(buffer: body))
                // Only a signed call counts, so that a key alone cannot use up its limit.
                status = try await gate.count(admission.caller)
            }
            context.apiKey = key
        case .user(let user):
            context.user = user
        }
        var response = try await next(request, context)
        if let status { response.headers.append(contentsOf: status.headerFields) }
        return response
    }
}

extension RateLimitStatus {
    /// `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (Unix seconds).
    var headerFields: HTTPFields {
        [
            HTTPField.Name("X-RateLimit-Limit")!: String(limit),
            HTTPField.Name("X-RateLimit-Remaining")!: String(remaining),
            HTTPField.Name("X-RateLimit-Reset")!: String(resetAt),
        ]
    }
}
