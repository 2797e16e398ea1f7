import Engage
import Hummingbird

/// Loads the portal session of the request's cookie (everything outside `/api/` and the recipients' `/p/` and `/t/`).
struct SessionMiddleware: RouterMiddleware {
    typealias Context = EngageRequestContext

    let sessions: SessionService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The sign-in form's nonce (`pre_…`) is no session: nothing to look up.
        guard !request.isOutsidePortal, let cookie = request.cookies[context.sessionCookie.name]?.value, !cookie.isEmpty,
              !cookie.hasPrefix(LoginFormToken.cookiePrefix)
        else {
            return try await next(request, context)
        }
        var context = context
        context.session = try await sessions.find(cookieValue: cookie)
        context.user = context.session?.user
        return try await next(request, context)
    }
}
