import Engage
import Hummingbird

/// `GET /login`, `POST /login` and `POST /logout`.
struct LoginController {
    let views: ViewRenderer
    let signIn: SignInService
    let sessions: SessionService
    let loginForm: LoginFormToken

    struct LoginPage: PageContext {
        let title = PortalLocale.current.text("signIn")
        let csrfToken: String
        let email: String
        let error: String?
    }

    func register(on router: Router<EngageRequestContext>) {
        router.get("/login") { _, context in try await show(context) }
        router.post("/login") { _, context in try await self.signIn(context) }
        router.post("/logout") { _, context in try await signOut(context) }
    }

    /// The form, with a fresh nonce cookie and its token: nothing is written to the database.
    func show(_ context: EngageRequestContext) async throws -> Response {
        if context.user != nil { return .redirect(to: "/") }
        return try form(context, email: "", error: nil, status: .ok)
    }

    func signIn(_ context: EngageRequestContext) async throws -> Response {
        let form = context.form ?? FormData(urlEncoded: "")
        let user: User
        do {
            user = try await signIn.signIn(email: form["email"], password: form["password"], address: context.clientAddress)
        } catch AuthenticationError.invalidCredentials {
            return try showAgain(context, form, error: PortalLocale.current.text("wrongPassword"), status: .unauthorized)
        } catch let limited as RateLimitExceeded {
            let minutes = (limited.retryAfter + 59) / 60
            var response = try showAgain(
                context, form, error: PortalLocale.current.text("tooManyAttempts", ["minutes": String(minutes)]),
                status: .tooManyRequests)
            response.headers[.retryAfter] = String(limited.retryAfter)
            return response
        }
        let session = try await sessions.rotate(context.session, to: user)
        var response = Response.redirect(to: "/")
        response.setCookie(context.sessionCookie.setting(session))
        return response
    }

    private func showAgain(
        _ context: EngageRequestContext, _ form: FormData, error: String, status: HTTPResponse.Status
    ) throws -> Response {
        try self.form(context, email: form["email"], error: error, status: status)
    }

    /// The sign-in form; without a session, a new nonce cookie and its token come with it.
    private func form(_ context: EngageRequestContext, email: String, error: String?, status: HTTPResponse.Status) throws -> Response {
        if let session = context.session {
            return try views.render("portal/login", LoginPage(csrfToken: session.csrfToken, email: email, error: error), status: status)
        }
        let issued = loginForm.issue()
        var response = try views.render("portal/login", LoginPage(csrfToken: issued.csrfToken, email: email, error: error), status: status)
        response.setCookie(context.sessionCookie.setting(value: issued.cookieValue))
        return response
    }

    func signOut(_ context: EngageRequestContext) async throws -> Response {
        if let session = context.session { try await sessions.end(session) }
        var response = Response.redirect(to: "/login")
        response.setCookie(context.sessionCookie.clearing())
        return response
    }
}
