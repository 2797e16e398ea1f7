import Engage
import Hummingbird

/// Lets through only signed-in users whose role is one of `allowed` (403 otherwise).
struct RequireRoleMiddleware: RouterMiddleware {
    typealias Context = EngageRequestContext

    let allowed: Set<User.Role>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let role = context.user?.role, allowed.contains(role) else {
            throw AuthenticationError.insufficientPermissions
        }
        return try await next(request, context)
    }
}
