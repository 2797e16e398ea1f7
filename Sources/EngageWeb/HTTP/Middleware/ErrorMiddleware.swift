import Hummingbird

/// Turns every error into a response: the JSON error envelope under `/api/`, an HTML page elsewhere.
/// Unexpected errors are logged in full and shown only as a generic 500 with the request id.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = EngageRequestContext

    let views: ViewRenderer
    /// Tells a path that exists with other methods (405) from one that does not (404).
    let routes: RouteMethods
    /// Error pages speak the browser's language (the session is not known out here).
    let locales: PortalLocales

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var apiError = APIError.from(error) ?? .internalError(requestID: context.requestID)
            if apiError.status == .notFound, (error as? HTTPError)?.status == .notFound {
                let allowed = routes.allowed(for: request.uri.path)
                if !allowed.isEmpty, !allowed.contains(request.method.rawValue) {
                    apiError = APIError(
                        .methodNotAllowed, code: "METHOD_NOT_ALLOWED",
                        message: "This resource answers \(allowed.joined(separator: ", ")), not \(request.method.rawValue).")
                    apiError.headers[.allow] = allowed.joined(separator: ", ")
                }
            }
            if apiError.status == .internalServerError {
                context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            }
            if request.uri.path.hasPrefix("/api/") {
                return try APIResponse.failure(apiError)
            }
            var response = try PortalLocale.$current.withValue(locales.locale(for: nil, acceptLanguage: request.headers[.acceptLanguage])) {
                try views.render("errors/error", ErrorPage(error: apiError, requestID: context.requestID), status: apiError.status)
            }
            response.headers.append(contentsOf: apiError.headers)
            return response
        }
    }
}

/// The HTML error page.
struct ErrorPage: PageContext {
    let status: Int
    let title: String
    let message: String
    let requestID: String

    init(error: APIError, requestID: String) {
        status = Int(error.status.code)
        let t = PortalLocale.current
        switch error.status.code {
        case 404:
            title = t.text("errorNotFoundTitle")
            message = t.text("errorNotFound")
        case 500...:
            title = t.text("errorServerTitle")
            message = error.status.code == 500 ? t.text("errorServer") : error.message
        default:
            title = error.status.reasonPhrase
            message = error.message
        }
        self.requestID = requestID
    }
}
