import Engage
import Foundation
import HTTPTypes
import Hummingbird

/// Identifies the caller of a protected API route from `Authorization: Bearer <access token>` or
/// `Bearer ek_<API key>` (checking the request's signature when the key requires one), then counts
/// the request against the caller's rate limit.
struct APIAuthMiddleware: RouterMiddleware {
    typealias Context = EngageRequestContext

    let tokens: APITokenService
    let apiKeys: APIKeyService
    let limiter: APIRateLimiter

    static let time = HTTPField.Name("X-Engage-Time")!
    static let signature = HTTPField.Name("X-Engage-Signature")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw AuthenticationError.invalidCredentials
        }
        let credential = String(header.dropFirst("Bearer ".count))
        var context = context
        var request = request
        let principal: String
        if credential.hasPrefix("ek_") {
            let key = try await apiKeys.authenticate(credential)
            if key.requiresSignature {
                let body = try await request.collectBody(upTo: context.maxUploadSize)
                let query = request.uri.query.map { "?" + $0 } ?? ""
                try await apiKeys.verifySignature(
                    of: key, method: request.method.rawValue, target: request.uri.path + query,
                    time: request.headers[Self.time], signature: request.headers[Self.signature], body: Data(buffer: body))
            }
            context.apiKey = key
            principal = "key:\(key.id)"
        } else {
            let user = try await tokens.user(forAccessToken: credential)
            context.user = user
            principal = "user:\(user.id)"
        }
        let status = try await limiter.hit(principal)
        var response = try await next(request, context)
        response.headers.append(contentsOf: status.headerFields)
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
