import Crypto
import Foundation

/// Random bearer secrets (refresh tokens, session ids, API keys): shown once, stored as SHA-256.
public enum SecretToken {
    /// A new secret of 256 random bits, base64url, after `prefix`; and the hash to store.
    public static func generate(prefix: String) -> (token: String, hash: Data) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let token = prefix + Data(bytes).base64URLEncoded()
        return (token, hash(token))
    }

    /// The stored form of `token`.
    public static func hash(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }

    /// 128 random bits as 32 hex digits, for ids that are not secrets (token families).
    public static func randomHexID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }.hexString
    }
}

extension Data {
    /// Base64url without padding (RFC 4648 §5), safe in URLs, headers and cookies.
    func base64URLEncoded() -> String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
