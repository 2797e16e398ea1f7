import Foundation
import JWTKit

/// What `POST /api/v1/auth/token` and `/auth/refresh` return.
public struct TokenPair: Sendable, Equatable {
    /// The HS256 JWT access token.
    public let token: String
    /// When the access token stops working.
    public let expiresAt: Date
    /// The opaque, single-use refresh token.
    public let refreshToken: String
}

/// Issues and checks API tokens: short-lived JWT access tokens and rotating refresh tokens.
public struct APITokenService: Sendable {
    private struct Claims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var iat: IssuedAtClaim
        var iss: IssuerClaim
        /// The user's credentials version when the token was issued (absent in tokens from before it existed: 0).
        var ver: Int?

        // Expiry is checked by the caller after the signature, to tell "expired" from "invalid".
        func verify(using algorithm: some JWTAlgorithm) throws {}
    }

    private static let issuer = "oui-engage"

    private let database: Database
    private let signIn: SignInService
    private let keys: JWTKeyCollection
    private let accessLifetime: TimeInterval
    private let refreshLifetime: TimeInterval
    private let now: @Sendable () -> Date

    /// A service signing with `secret`; the clock is replaceable for tests.
    public init(
        database: Database, signIn: SignInService, secret: String,
        accessLifetime: TimeInterval = 3600, refreshLifetime: TimeInterval = 30 * 86400,
        now: @escaping @Sendable () -> Date = Date.init
    ) async {
        self.database = database
        self.signIn = signIn
        self.keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.accessLifetime = accessLifetime
        self.refreshLifetime = refreshLifetime
        self.now = now
    }

    /// Signs in with email and password from the client at `address` (sign-in limits apply).
    public func issue(email: String, password: String, address: String) async throws -> TokenPair {
        let user = try await signIn.signIn(email: email, password: password, address: address)
        let refresh = try await database.write { tx in
            try await Self.newRefreshToken(
                tx.refreshTokens, userID: user.id,
                family: SecretToken.randomHexID(), expiresAt: now().addingTimeInterval(refreshLifetime))
        }
        return try await pair(user, refreshToken: refresh)
    }

    /// Trades a refresh token for a new pair. A token that was already used revokes its whole family.
    public func refresh(_ refreshToken: String) async throws -> TokenPair {
        enum Outcome { case rotated(User, token: String), reused, invalid }
        let now = now()
        let outcome: Outcome = try await database.write { tx in
            let tokens = tx.refreshTokens
            guard let record = try await tokens.lock(hash: SecretToken.hash(refreshToken)) else { return .invalid }
            if record.isSpent {
                try await tokens.revokeFamily(record.family)
                return .reused
            }
            guard record.expiresAt > now,
                  let user = try await tx.users.find(id: record.userID), user.isActive
            else { return .invalid }
            try await tokens.markUsed(id: record.id)
            let next = try await Self.newRefreshToken(
                tokens, userID: user.id, family: record.family, expiresAt: now.addingTimeInterval(refreshLifetime))
            return .rotated(user, token: next)
        }
        guard case .rotated(let user, let token) = outcome else { throw AuthenticationError.invalidCredentials }
        return try await pair(user, refreshToken: token)
    }

    /// Who an access token was issued to, once its signature, issuer and expiry hold; `APIGate`
    /// then checks that the user is active with the credentials they had then.
    public func claims(ofAccessToken token: String) async throws -> AccessClaims {
        let claims: Claims
        do {
            claims = try await keys.verify(token, as: Claims.self)
        } catch {
            throw AuthenticationError.invalidCredentials
        }
        guard claims.iss.value == Self.issuer, let id = Int64(claims.sub.value) else {
            throw AuthenticationError.invalidCredentials
        }
        guard claims.exp.value > now() else { throw AuthenticationError.tokenExpired }
        return AccessClaims(userID: id, version: claims.ver ?? 0)
    }

    private func pair(_ user: User, refreshToken: String) async throws -> TokenPair {
        // JWT times are whole seconds; the reported expiry matches the token's.
        let issuedAt = Date(timeIntervalSince1970: now().timeIntervalSince1970.rounded(.down))
        let expiresAt = issuedAt.addingTimeInterval(accessLifetime.rounded(.down))
        let claims = Claims(
            sub: .init(value: String(user.id)), exp: .init(value: expiresAt), iat: .init(value: issuedAt),
            iss: .init(value: Self.issuer), ver: user.credentialsVersion)
        return TokenPair(token: try await keys.sign(claims), expiresAt: expiresAt, refreshToken: refreshToken)
    }

    private static func newRefreshToken(
        _ tokens: RefreshTokenRepository, userID: Int64, family: String, expiresAt: Date
    ) async throws -> String {
        let (token, hash) = SecretToken.generate(prefix: "rt_")
        try await tokens.insert(hash: hash, family: family, userID: userID, expiresAt: expiresAt)
        return token
    }
}

/// What an access token says: its user, and the credentials version it was issued under.
public struct AccessClaims: Sendable {
    public let userID: Int64
    public let version: Int
}
