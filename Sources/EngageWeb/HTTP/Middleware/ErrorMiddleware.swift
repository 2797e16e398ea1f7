import Hummingbird

/// Turns every error into a response: the JSON error envelope under `/api/`, an HTML page elsewhere.
/// Unexpected errors are logged in full and shown only as a generic 500 with the request id.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = EngageRequestContext

    let views: ViewRenderer
    /// Tells a path that exists with other methods (405) from one that does not (404).
    let routes: RouteMethods

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
            var response = try views.render(
                "errors/error", ErrorPage(error: apiError, requestID: context.requestID), status: apiError.status)
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
        switch error.status.code {
        case 404:
            title = "Page not found"
            message = "There is nothing at this address. Check the link, or go back to the home page."
        case 500...:
            title = "Something went wrong"
            message = error.status.code == 500
                ? "An unexpected error occurred. If it persists, quote the reference below to your administrator."
                : error.message
        default:
            title = error.status.reasonPhrase
            message = error.message
        }
        self.requestID = requestID
    }
}
