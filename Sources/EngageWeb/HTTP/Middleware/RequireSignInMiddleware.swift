import Hummingbird

/// Sends visitors of portal pages who are not signed in to the sign-in page.
struct RequireSignInMiddleware: RouterMiddleware {
    typealias Context = EngageRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.user != nil else { return .redirect(to: "/login") }
        return try await next(request, context)
    }
}
