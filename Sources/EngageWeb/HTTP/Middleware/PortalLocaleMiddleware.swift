import Hummingbird

/// Binds the request's `PortalLocale` once the session's user is known.
struct PortalLocaleMiddleware: RouterMiddleware {
    typealias Context = EngageRequestContext

    let locales: PortalLocales

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let locale = locales.locale(for: context.user, acceptLanguage: request.headers[.acceptLanguage])
        return try await PortalLocale.$current.withValue(locale) { try await next(request, context) }
    }
}
