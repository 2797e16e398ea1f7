import Engage
import Foundation
import Hummingbird

/// The admin's Users page: list, create, change role, deactivate and reactivate.
struct UsersController {
    let views: ViewRenderer
    let users: UserService

    struct Row: Sendable {
        let id: Int64
        let name: String
        let email: String
        let role: String
        let isActive: Bool
        let lastLogin: String
        let isSelf: Bool
        let roleOptions: [SelectOption]
    }

    struct UsersPage: PageContext {
        let title = PortalLocale.current.text("navUsers")
        let chrome: PortalChrome?
        let rows: [Row]
        let notice: String?
        let generatedPassword: String?
        let errors: [String: String]
        let form: [String: String]
        let roleOptions: [SelectOption]
    }

    // Outcomes shown after a redirect; fixed texts, so nothing from the URL reaches the page.
    private static let notices = [
        "role": "roleChangedNotice", "deactivated": "userDeactivatedNotice", "activated": "userReactivatedNotice",
    ]

    func register(on admin: RouterGroup<EngageRequestContext>) {
        admin.get("/users") { request, context in
            try await page(context, notice: request.notice(from: Self.notices))
        }
        admin.post("/users") { _, context in try await create(context) }
        admin.post("/users/:id/role") { _, context in
            try await users.changeRole(of: try context.id(), to: context.form?["role"] ?? "")
            return Response.redirect(to: "/users?done=role")
        }
        admin.post("/users/:id/deactivate") { _, context in
            try await users.setActive(false, for: try context.id(), by: try context.requireUser())
            return Response.redirect(to: "/users?done=deactivated")
        }
        admin.post("/users/:id/activate") { _, context in
            try await users.setActive(true, for: try context.id(), by: try context.requireUser())
            return Response.redirect(to: "/users?done=activated")
        }
    }

    private func create(_ context: EngageRequestContext) async throws -> Response {
        let form = context.form ?? FormData(urlEncoded: "")
        let typed = form["password"]
        let password = typed.isEmpty ? UserService.generatePassword() : typed
        do {
            let user = try await users.create(email: form["email"], name: form["name"], role: form["role"], password: password)
            // Rendered, not redirected: a generated password is shown once and never stored in clear.
            return try await page(context, notice: "Created \(user.email).", generatedPassword: typed.isEmpty ? password : nil)
        } catch let error as ValidationError {
            let kept = ["email": form["email"], "name": form["name"], "role": form["role"]]
            return try await page(context, errors: error.messagesByField, form: kept, status: .unprocessableContent)
        }
    }

    private func page(
        _ context: EngageRequestContext, notice: String? = nil, generatedPassword: String? = nil,
        errors: [String: String] = [:], form: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let me = try context.requireUser()
        let rows = try await users.list().map { user in
            Row(
                id: user.id, name: user.name, email: user.email, role: user.role.rawValue, isActive: user.isActive,
                lastLogin: user.lastLoginAt.map { PortalTime($0).text } ?? PortalLocale.current.text("never"), isSelf: user.id == me.id,
                roleOptions: SelectOption.named(User.Role.allCases, selected: user.role.rawValue))
        }
        return try views.render("portal/users/index", UsersPage(
            chrome: PortalChrome(context: context, section: "users"), rows: rows, notice: notice,
            generatedPassword: generatedPassword, errors: errors, form: form,
            roleOptions: SelectOption.named(User.Role.allCases, selected: form["role"] ?? "staff")), status: status)
    }
}
