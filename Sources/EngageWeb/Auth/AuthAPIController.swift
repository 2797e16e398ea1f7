import Engage
import Foundation
import Hummingbird

/// `POST /api/v1/auth/token`, `POST /api/v1/auth/refresh` and `GET /api/v1/auth/me`.
struct AuthAPIController {
    let tokens: APITokenService

    private struct Credentials: Decodable {
        let email: String?
        let password: String?
    }

    private struct RefreshRequest: Decodable {
        let refreshToken: String?
        enum CodingKeys: String, CodingKey { case refreshToken = "refresh_token" }
    }

    private struct TokenResponse: Encodable {
        let token: String
        let expiresAt: Date
        let refreshToken: String
        enum CodingKeys: String, CodingKey {
            case token
            case expiresAt = "expires_at"
            case refreshToken = "refresh_token"
        }

        init(_ pair: TokenPair) {
            token = pair.token
            expiresAt = pair.expiresAt
            refreshToken = pair.refreshToken
        }
    }

    private struct Me: Encodable {
        /// "user" or "api_key".
        let type: String
        let id: Int64
        let email: String?
        let name: String
        let role: String
    }

    /// The token routes need no authentication; `protected` is the group behind `APIAuthMiddleware`.
    func register(on router: Router<EngageRequestContext>, protected: RouterGroup<EngageRequestContext>) {
        router.post("/api/v1/auth/token") { request, context in
            let credentials = try await request.decodeJSON(as: Credentials.self, context: context)
            try Self.requireFields(["email": credentials.email, "password": credentials.password])
            let pair = try await tokens.issue(
                email: credentials.email ?? "", password: credentials.password ?? "", address: context.clientAddress)
            return try APIResponse.success(TokenResponse(pair))
        }
        router.post("/api/v1/auth/refresh") { request, context in
            let body = try await request.decodeJSON(as: RefreshRequest.self, context: context)
            try Self.requireFields(["refresh_token": body.refreshToken])
            return try APIResponse.success(TokenResponse(try await tokens.refresh(body.refreshToken ?? "")))
        }
        protected.get("auth/me") { _, context in
            if let key = context.apiKey {
                return try APIResponse.success(Me(type: "api_key", id: key.id, email: nil, name: key.name, role: key.role.rawValue))
            }
            let user = try context.requireUser()
            return try APIResponse.success(Me(type: "user", id: user.id, email: user.email, name: user.name, role: user.role.rawValue))
        }
    }

    /// Lists every missing or empty field at once, in a stable order.
    private static func requireFields(_ fields: KeyValuePairs<String, String?>) throws {
        let missing = fields.filter { $0.value?.isEmpty ?? true }.map(\.key)
        guard missing.isEmpty else {
            throw ValidationError(fields: missing.map { .init(field: $0, code: .required, message: "\($0) is required.") })
        }
    }
}
