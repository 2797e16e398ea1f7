import Crypto
import Foundation

/// The server's Ed25519 key for completion certificates. It is derived from `ENGAGE_SECRET_KEY`
/// (HKDF-SHA256 with a label of its own), so every node signs alike with no other secret to
/// share; its public half is published at `GET /api/v1/signing-key` for anyone to verify with.
public struct CertificateSigner: Sendable {
    private let key: Curve25519.Signing.PrivateKey

    public init(secretKey: Data) {
        let derived = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: secretKey), salt: Data("oui-engage".utf8),
            info: Data("completion-certificate/ed25519/v1".utf8), outputByteCount: 32)
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: derived.withUnsafeBytes { Data($0) })
        } catch {
            preconditionFailure("any 32 bytes are an Ed25519 seed")
        }
    }

    /// The public key's 32 raw bytes.
    public var publicKey: Data { key.publicKey.rawRepresentation }

    /// The public key as a PEM SubjectPublicKeyInfo (RFC 8410), as OpenSSL and Python's `cryptography` read it.
    public var publicKeyPEM: String {
        let algorithm: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]
        return "-----BEGIN PUBLIC KEY-----\n\((Data(algorithm) + publicKey).base64EncodedString())\n-----END PUBLIC KEY-----\n"
    }

    /// A short name of the key: the start of its SHA-256, so a certificate says which key signed it.
    public var keyID: String {
        String(Data(SHA256.hash(data: publicKey)).hexString.prefix(16))
    }

    func sign(_ data: Data) throws -> Data {
        try key.signature(for: data)
    }
}
