import Engage
import Foundation
import Hummingbird

/// "Your account" for every signed-in user: the portal's language and time zone, and the password.
struct AccountController {
    let views: ViewRenderer
    let users: UserService
    /// Checks the current password under the sign-in limits.
    let signIn: SignInService
    /// The installation's time zone, offered as the default.
    let defaultTimeZone: TimeZone

    struct AccountPage: PageContext {
        let title: String
        let chrome: PortalChrome?
        let notice: String?
        let errors: [String: String]
        let languages: [SelectOption]
        let timeZones: [SelectOption]
    }

    func register(on portal: RouterGroup<EngageRequestContext>) {
        for path: RouterPath in ["/account", "/account/password"] {
            portal.get(path) { request, context in
                let t = PortalLocale.current
                let notice = request.uri.queryParameters["done"].map { done in
                    t.text(done == "preferences" ? "preferencesSaved" : "passwordChanged")
                }
                return try page(context, notice: notice)
            }
        }
        portal.post("/account/preferences") { _, context in
            let form = context.form ?? FormData(urlEncoded: "")
            do {
                try await users.setPreferences(of: try context.requireUser(), language: form["language"], timeZone: form["time_zone"])
                return Response.redirect(to: "/account?done=preferences")
            } catch let error as ValidationError {
                return try page(context, errors: error.messagesByField, status: .unprocessableContent)
            }
        }
        portal.post("/account/password") { _, context in
            let form = context.form ?? FormData(urlEncoded: "")
            do {
                try await signIn.changePassword(
                    of: try context.requireUser(), current: form["current_password"], new: form["new_password"],
                    confirmation: form["confirmation"],
                    keepingSession: context.session.map { SecretToken.hash($0.cookieValue) }, address: context.clientAddress)
                return Response.redirect(to: "/account?done=password")
            } catch let error as ValidationError {
                return try page(context, errors: error.messagesByField, status: .unprocessableContent)
            } catch let limited as RateLimitExceeded {
                let minutes = (limited.retryAfter + 59) / 60
                var response = try page(
                    context, errors: ["current_password": PortalLocale.current.text("passwordTooManyTries", ["minutes": String(minutes)])],
                    status: .tooManyRequests)
                response.headers[.retryAfter] = String(limited.retryAfter)
                return response
            }
        }
    }

    private func page(
        _ context: EngageRequestContext, notice: String? = nil, errors: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let user = try context.requireUser()
        let t = PortalLocale.current
        let languages = [SelectOption(value: "", label: t.text("preferencesLanguageBrowser"), selected: user.language == nil)]
            + Language.allCases.map { SelectOption(value: $0.rawValue, label: $0.name, selected: user.language == $0) }
        let zones = [SelectOption(value: "", label: t.text("preferencesTimeZoneDefault", ["zone": defaultTimeZone.identifier]), selected: user.timeZone == nil)]
            + TimeZone.knownTimeZoneIdentifiers.sorted().map { SelectOption(value: $0, label: $0, selected: user.timeZone == $0) }
        return try views.render("portal/account/index", AccountPage(
            title: t.text("accountTitle"), chrome: PortalChrome(context: context, section: "account"), notice: notice, errors: errors,
            languages: languages, timeZones: zones), status: status)
    }
}
