import Crypto
import Foundation

/// Signing as the Standard Webhooks specification has it: the secret is `whsec_` and base64 of
/// random bytes; each signature is `v1,` and base64 of HMAC-SHA256 over `id.timestamp.body`, and
/// the `webhook-signature` header lists one per active secret, separated by spaces.
public enum WebhookSignature {
    static let secretPrefix = "whsec_"

    /// A new secret: 32 random bytes.
    static func newSecret() -> String {
        secretPrefix + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// The `webhook-signature` header for `body` sent as message `id` at `timestamp` (Unix seconds).
    public static func header(id: String, timestamp: Int64, body: Data, secrets: [String]) -> String {
        secrets.compactMap { sign(id: id, timestamp: timestamp, body: body, secret: $0) }.joined(separator: " ")
    }

    /// `v1,<signature>` with one secret; nil for a secret that is not `whsec_` and base64.
    static func sign(id: String, timestamp: Int64, body: Data, secret: String) -> String? {
        guard secret.hasPrefix(secretPrefix), let key = Data(base64Encoded: String(secret.dropFirst(secretPrefix.count))) else { return nil }
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }
}
