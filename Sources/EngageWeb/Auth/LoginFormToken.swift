import Crypto
import Engage
import Foundation

/// The sign-in form's CSRF protection without a database row per visitor. The page puts a random
/// nonce where the session cookie goes (`pre_…`) and a token in the form: the nonce's HMAC with an
/// expiry. A post is accepted only with a cookie and a token that belong together and are not
/// expired; another site can neither read the cookie nor make the token.
struct LoginFormToken: Sendable {
    /// What the session cookie holds before sign-in.
    static let cookiePrefix = "pre_"
    /// How long the form stays usable.
    static let lifetime: TimeInterval = 30 * 60

    private let key: SymmetricKey

    /// Keyed by a key derived from `secret` (the JWT secret), not the secret itself.
    init(secret: String) {
        key = SymmetricKey(data: SHA256.hash(data: Data(("oui-engage sign-in form\n" + secret).utf8)))
    }

    /// A new cookie value and the form's token for it.
    func issue(now: Date = Date()) -> (cookieValue: String, csrfToken: String) {
        let nonce = Self.cookiePrefix + SecretToken.generate(prefix: "").token
        let expires = Int(now.addingTimeInterval(Self.lifetime).timeIntervalSince1970)
        return (nonce, "\(expires).\(Data(signature(nonce: nonce, expires: expires)).hexString)")
    }

    /// True when `csrfToken` was issued with `cookieValue` and has not expired.
    func isValid(csrfToken: String, cookieValue: String?, now: Date = Date()) -> Bool {
        guard let cookieValue, cookieValue.hasPrefix(Self.cookiePrefix) else { return false }
        let parts = csrfToken.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let expires = Int(parts[0]), Double(expires) > now.timeIntervalSince1970,
              let given = Data(hex: String(parts[1]))
        else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            given, authenticating: Data("\(cookieValue).\(expires)".utf8), using: key)
    }

    private func signature(nonce: String, expires: Int) -> HashedAuthenticationCode<SHA256> {
        HMAC<SHA256>.authenticationCode(for: Data("\(nonce).\(expires)".utf8), using: key)
    }
}
