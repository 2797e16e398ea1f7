import Engage
import HTTPTypes
import Hummingbird

/// Identifies the caller of a protected API route from `Authorization: Bearer <access token>`.
struct APIAuthMiddleware: RouterMiddleware {
    typealias Context = EngageRequestContext

    let tokens: APITokenService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw AuthenticationError.invalidCredentials
        }
        var context = context
        context.user = try await tokens.user(forAccessToken: String(header.dropFirst("Bearer ".count)))
        return try await next(request, context)
    }
}
