import Engage
import Hummingbird

/// `GET /login`, `POST /login` and `POST /logout`.
struct LoginController {
    let views: ViewRenderer
    let users: UserService
    let sessions: SessionService
    let cookie: SessionCookie

    struct LoginPage: PageContext {
        let title = "Sign in"
        let csrfToken: String
        let email: String
        let error: String?
    }

    func register(on router: Router<EngageRequestContext>) {
        router.get("/login") { _, context in try await show(context) }
        router.post("/login") { _, context in try await signIn(context) }
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
        response.setCookie(cookie.setting(session))
        return response
    }

    func signIn(_ context: EngageRequestContext) async throws -> Response {
        let form = context.form ?? FormData(urlEncoded: "")
        guard let user = try await users.authenticate(email: form["email"], password: form["password"]) else {
            let csrfToken = context.session?.csrfToken ?? ""
            return try views.render(
                "portal/login",
                LoginPage(csrfToken: csrfToken, email: form["email"], error: "Wrong email or password."),
                status: .unauthorized)
        }
        let session = try await sessions.rotate(context.session, to: user)
        var response = Response.redirect(to: "/")
        response.setCookie(cookie.setting(session))
        return response
    }

    func signOut(_ context: EngageRequestContext) async throws -> Response {
        if let session = context.session { try await sessions.end(session) }
        var response = Response.redirect(to: "/login")
        response.setCookie(cookie.clearing())
        return response
    }
}
