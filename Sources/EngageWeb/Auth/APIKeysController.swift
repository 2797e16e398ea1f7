import Engage
import Foundation
import Hummingbird

/// The admin's API keys page: create (the key is shown once), list, revoke.
struct APIKeysController {
    let views: ViewRenderer
    let apiKeys: APIKeyService

    struct Row: Sendable {
        let id: Int64
        let name: String
        let prefix: String
        let role: String
        let created: String
        let lastUsed: String
        let expires: String
        let signed: Bool
        /// Neither revoked nor expired.
        let isActive: Bool
        let isExpired: Bool
    }

    struct APIKeysPage: PageContext {
        let title = PortalLocale.current.text("navAPIKeys")
        let chrome: PortalChrome?
        let rows: [Row]
        let hasRows: Bool
        let newKey: String?
        let newSigningSecret: String?
        let notice: String?
        let errors: [String: String]
        let name: String
        let expiresInDays: String
        let roleOptions: [SelectOption]
    }

    func register(on admin: RouterGroup<EngageRequestContext>) {
        admin.get("/api-keys") { request, context in
            try await page(context, notice: request.notice(from: ["revoked": "Key revoked; it stops working at once."]))
        }
        admin.post("/api-keys") { _, context in
            let form = context.form ?? FormData(urlEncoded: "")
            do {
                let created = try await apiKeys.create(
                    name: form["name"], role: form["role"], expiresInDays: form["expires_in_days"],
                    requireSignature: !form["require_signature"].isEmpty, by: try context.requireUser())
                // Rendered, not redirected: the key is shown once and never stored in clear.
                return try await page(context, newKey: created.secret, newSigningSecret: created.signingSecret)
            } catch let error as ValidationError {
                return try await page(
                    context, errors: error.messagesByField, name: form["name"], role: form["role"],
                    expiresInDays: form["expires_in_days"], status: .unprocessableContent)
            }
        }
        admin.post("/api-keys/:id/revoke") { _, context in
            try await apiKeys.revoke(id: try context.id())
            return Response.redirect(to: "/api-keys?done=revoked")
        }
    }

    private func page(
        _ context: EngageRequestContext, newKey: String? = nil, newSigningSecret: String? = nil, notice: String? = nil,
        errors: [String: String] = [:],
        name: String = "", role: String = "staff", expiresInDays: String = "", status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let now = Date()
        let rows = try await apiKeys.list().map { key in
            Row(
                id: key.id, name: key.name, prefix: key.prefix, role: key.role.rawValue,
                created: PortalTime(key.createdAt).text, lastUsed: key.lastUsedAt.map { PortalTime($0).text } ?? "never",
                expires: key.expiresAt.map { PortalTime($0).text } ?? "no expiry", signed: key.requiresSignature,
                isActive: key.isActive && !key.isExpired(at: now), isExpired: key.isActive && key.isExpired(at: now))
        }
        return try views.render("portal/api-keys/index", APIKeysPage(
            chrome: PortalChrome(context: context, section: "api-keys"), rows: rows, hasRows: !rows.isEmpty,
            newKey: newKey, newSigningSecret: newSigningSecret, notice: notice,
            errors: errors, name: name, expiresInDays: expiresInDays,
            roleOptions: SelectOption.named(User.Role.allCases, selected: role)),
            status: status)
    }
}
