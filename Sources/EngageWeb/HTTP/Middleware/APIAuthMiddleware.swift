import Engage
import HTTPTypes
import Hummingbird

/// Identifies the caller of a protected API route from `Authorization: Bearer <access token>` or
/// `Bearer ek_<API key>`, then counts the request against the caller's rate limit.
struct APIAuthMiddleware: RouterMiddleware {
    typealias Context = EngageRequestContext

    let tokens: APITokenService
    let apiKeys: APIKeyService
    let limiter: APIRateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw AuthenticationError.invalidCredentials
        }
        let credential = String(header.dropFirst("Bearer ".count))
        var context = context
        let principal: String
        if credential.hasPrefix("ek_") {
            let key = try await apiKeys.authenticate(credential)
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
