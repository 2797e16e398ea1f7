import Engage
import Hummingbird

/// "Change my password" for every signed-in user.
struct AccountController {
    let views: ViewRenderer
    /// Checks the current password under the sign-in limits.
    let signIn: SignInService

    struct PasswordPage: PageContext {
        let title = "Change password"
        let chrome: PortalChrome?
        let notice: String?
        let errors: [String: String]
    }

    func register(on portal: RouterGroup<EngageRequestContext>) {
        portal.get("/account/password") { request, context in
            let done = request.uri.queryParameters["done"] != nil
            return try page(context, notice: done ? "Password changed. Your other sessions have ended." : nil)
        }
        portal.post("/account/password") { _, context in
            let form = context.form ?? FormData(urlEncoded: "")
            do {
                try await signIn.changePassword(
                    of: try context.requireUser(), current: form["current_password"], new: form["new_password"],
                    confirmation: form["confirmation"],
                    keepingSession: context.session.map { SecretToken.hash($0.cookieValue) }, address: context.clientAddress)
                return Response.redirect(to: "/account/password?done=1")
            } catch let error as ValidationError {
                return try page(context, errors: error.messagesByField, status: .unprocessableContent)
            } catch let limited as RateLimitExceeded {
                let minutes = (limited.retryAfter + 59) / 60
                var response = try page(
                    context, errors: ["current_password": "Too many wrong passwords. Try again in \(minutes) minute\(minutes == 1 ? "" : "s")."],
                    status: .tooManyRequests)
                response.headers[.retryAfter] = String(limited.retryAfter)
                return response
            }
        }
    }

    private func page(
        _ context: EngageRequestContext, notice: String? = nil, errors: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        try views.render("portal/account/password", PasswordPage(
            chrome: PortalChrome(context: context, section: "account"), notice: notice, errors: errors), status: status)
    }
}
