import Crypto
import Foundation

/// Seals secrets the server must read back (AES-256-GCM, `ENGAGE_SECRET_KEY`): a queued message's
/// link secret (the stored bodies hold `placeholder` in its place until the worker puts it back at
/// delivery, and it is dropped once the message is sent, failed or dead), webhook signing secrets
/// and API keys' request-signing secrets.
public struct SecretSeal: Sendable {
    /// What stored bodies hold in the secret's place: letters only, so Markdown and URLs keep it whole.
    static let placeholder = "zzENGAGELINKSECRETzz"

    private let key: SymmetricKey
    /// Derived from `key` for `authenticationCode` alone.
    private let macKey: SymmetricKey

    /// A seal with a 256-bit key.
    public init(key: Data) {
        precondition(key.count == 32, "ENGAGE_SECRET_KEY is checked to be 32 bytes when read")
        self.key = SymmetricKey(data: key)
        macKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: self.key, info: Data("engage-verification".utf8), outputByteCount: 32)
    }

    /// `secret`, encrypted and authenticated (nonce, ciphertext and tag together).
    func seal(_ secret: String) throws -> Data {
        guard let combined = try AES.GCM.seal(Data(secret.utf8), using: key).combined else {
            preconditionFailure("a 12-byte nonce always has a combined form")
        }
        return combined
    }

    /// A keyed digest of `text` (HMAC-SHA256 under a key derived for this use alone): what is
    /// stored of a one-time code, and what signs a verified browser's pass.
    func authenticationCode(for text: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: macKey))
    }

    /// The secret `seal` sealed; throws when it was sealed with another key or altered.
    func open(_ sealed: Data) throws -> String {
        String(decoding: try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key), as: UTF8.self)
    }
}
