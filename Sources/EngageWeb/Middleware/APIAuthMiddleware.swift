import Engage
import HTTPTypes
import Hummingbird

/// Identifies the caller of a protected API route from `Authorization: Bearer <access token>`,
/// then counts the request against the caller's rate limit.
struct APIAuthMiddleware: RouterMiddleware {
    typealias Context = EngageRequestContext

    let tokens: APITokenService
    let limiter: APIRateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw AuthenticationError.invalidCredentials
        }
        var context = context
        let user = try await tokens.user(forAccessToken: String(header.dropFirst("Bearer ".count)))
        context.user = user
        let status = try await limiter.hit("user:\(user.id)")
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
