import Engage
import Foundation
import HTTPTypes
import Hummingbird

/// Refuses portal form posts that do not come from one of our own pages.
///
/// A state-changing request outside `/api/` must carry the session's token in its `csrf_token`
/// field (the sign-in form: a `LoginFormToken` matching its cookie), and must not be marked
/// cross-site by `Sec-Fetch-Site` or by an `Origin` other than ours. Everything that can be
/// refused without the body is refused before it is read. The parsed form is kept in the context
/// so handlers do not read the body twice.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = EngageRequestContext

    /// Scheme, host and port of `ENGAGE_BASE_URL`, as browsers send it in `Origin`.
    let allowedOrigin: String
    /// The largest multipart body (file uploads) read; other forms keep the context's smaller limit.
    let maximumUploadBytes: Int
    /// Where uploaded files are written as they arrive.
    let uploadDirectory: String
    /// Checks the sign-in form's token.
    let loginForm: LoginFormToken
    /// A method no route answers changes nothing: the router's 404 or 405 says so better than a 403.
    let routes: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard ![.get, .head, .options].contains(request.method), !request.uri.path.hasPrefix("/api/"),
              routes.allowed(for: request.uri.path).contains(request.method.rawValue)
        else {
            return try await next(request, context)
        }
        if let site = request.headers[.secFetchSite], !["same-origin", "none"].contains(site) { throw Self.rejected }
        // A recipient's link carries its own unguessable token in the path, which is what a session's
        // CSRF token proves; and its pages send no referrer, so browsers post them with `Origin: null`.
        if request.uri.path.hasPrefix("/p/") { return try await next(request, context) }
        // A partner's callback proves itself by its HMAC signature, checked by its route.
        if request.isCallbackPath { return try await next(request, context) }
        if let origin = request.headers[.origin], origin != allowedOrigin { throw Self.rejected }
        // Without a session (or, to sign in, the form's cookie) no token can match: the body is not read.
        let signingIn = context.session == nil && request.uri.path == "/login"
        let loginCookie = request.cookies[context.sessionCookie.name]?.value
        guard context.session != nil || (signingIn && loginCookie?.hasPrefix(LoginFormToken.cookiePrefix) == true) else {
            throw Self.rejected
        }

        var request = request
        let form: FormData
        let contentType = request.headers[.contentType]
        if contentType?.lowercased().hasPrefix("multipart/") == true {
            // Only a signed-in writer uploading a PDF may send a large multipart body.
            guard Self.isUpload(request.uri.path), context.session?.user.role.canWrite == true,
                  let boundary = FormData.multipartBoundary(contentType)
            else { throw Self.rejected }
            form = try await FormData.multipart(
                request.body, boundary: boundary, maximumBytes: maximumUploadBytes, directory: uploadDirectory)
        } else {
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            form = FormData(urlEncoded: String(buffer: body))
        }
        // An upload the handler did not store is deleted once it is done, refused or failed.
        defer { form.discardFiles() }
        if signingIn {
            guard loginForm.isValid(csrfToken: form["csrf_token"], cookieValue: loginCookie) else { throw Self.rejected }
        } else {
            guard let expected = context.session?.csrfToken, ConstantTime.equal(form["csrf_token"], expected) else {
                throw Self.rejected
            }
        }
        var context = context
        context.form = form
        return try await next(request, context)
    }

    /// The one route that takes a file.
    private static func isUpload(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        return parts.count == 3 && parts[0] == "documents" && Int64(parts[1]) != nil && parts[2] == "pdf"
    }

    static let rejected = APIError(
        .forbidden, code: "CSRF_TOKEN_INVALID",
        message: "This form has expired or was sent from another site. Reload the page and try again.")
}

extension HTTPField.Name {
    static let secFetchSite = Self("Sec-Fetch-Site")!
}
