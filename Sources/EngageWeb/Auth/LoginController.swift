import Engage
import Hummingbird

/// `GET /login`, `POST /login` and `POST /logout`.
struct LoginController {
    let views: ViewRenderer
    let signIn: SignInService
    let sessions: SessionService

    struct LoginPage: PageContext {
        let title = "Sign in"
        let csrfToken: String
        let email: String
        let error: String?
    }

    func register(on router: Router<EngageRequestContext>) {
        router.get("/login") { _, context in try await show(context) }
        router.post("/login") { _, context in try await self.signIn(context) }
        router.post("/logout") { _, context in try await signOut(context) }
    }

    /// The form; a visitor without a session gets a pre-session that carries the form's CSRF token.
    func show(_ context: EngageRequestContext) async throws -> Response {
        if context.user != nil { return .redirect(to: "/") }
        let session: PortalSession
        if let existing = context.session {
            session = existing
        } else {
            session = try await sessions.start(for: nil)
        }
        var response = try views.render("portal/login", LoginPage(csrfToken: session.csrfToken, email: "", error: nil))
        response.setCookie(SessionCookie(secure: context.isSecure).setting(session))
        return response
    }

    func signIn(_ context: EngageRequestContext) async throws -> Response {
        let form = context.form ?? FormData(urlEncoded: "")
        let user: User
        do {
            user = try await signIn.signIn(email: form["email"], password: form["password"], address: context.clientAddress)
        } catch AuthenticationError.invalidCredentials {
            return try showAgain(context, form, error: "Wrong email or password.", status: .unauthorized)
        } catch let limited as RateLimitExceeded {
            let minutes = (limited.retryAfter + 59) / 60
            var response = try showAgain(
                context, form, error: "Too many failed attempts. Try again in \(minutes) minute\(minutes == 1 ? "" : "s").",
                status: .tooManyRequests)
            response.headers[.retryAfter] = String(limited.retryAfter)
            return response
        }
        let session = try await sessions.rotate(context.session, to: user)
        var response = Response.redirect(to: "/")
        response.setCookie(SessionCookie(secure: context.isSecure).setting(session))
        return response
    }

    private func showAgain(
        _ context: EngageRequestContext, _ form: FormData, error: String, status: HTTPResponse.Status
    ) throws -> Response {
        try views.render(
            "portal/login", LoginPage(csrfToken: context.session?.csrfToken ?? "", email: form["email"], error: error),
            status: status)
    }

    func signOut(_ context: EngageRequestContext) async throws -> Response {
        if let session = context.session { try await sessions.end(session) }
        var response = Response.redirect(to: "/login")
        response.setCookie(SessionCookie(secure: context.isSecure).clearing())
        return response
    }
}
