import Crypto
import Foundation

/// Checks the HMAC-SHA256 signature a partner (Pennylane, ProjectFlow) puts on its callbacks:
/// `t=<unix seconds>,v1=<hex>` over `"<t>.<body>"`, within five minutes of now, or a bare hex HMAC
/// of the body. Comparisons take the same time whatever they find.
public enum CallbackSignature {
    public enum Verdict: String, Sendable {
        case verified
        case missingSignature = "missing_signature"
        case invalidSignature = "invalid_signature"
        case staleTimestamp = "stale_timestamp"
        case notConfigured = "not_configured"

        /// Why a callback with this verdict was refused, in a sentence.
        public var explanation: String {
            switch self {
            case .verified: "The signature verified."
            case .missingSignature: "The callback carried no signature."
            case .invalidSignature: "The signature does not match the body and the shared secret."
            case .staleTimestamp: "The signature's timestamp is more than five minutes from now (a replay?)."
            case .notConfigured: "No secret is configured for this partner, so nothing from it can be verified."
            }
        }
    }

    static let tolerance: TimeInterval = 300

    /// What `header` says of `body` signed with `secret` at `now`.
    public static func verify(header: String?, body: Data, secret: String?, now: Date = Date()) -> Verdict {
        guard let secret, !secret.isEmpty else { return .notConfigured }
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return .missingSignature }
        let key = SymmetricKey(data: Data(secret.utf8))
        guard header.contains("=") else {
            return matches(header, HMAC<SHA256>.authenticationCode(for: body, using: key)) ? .verified : .invalidSignature
        }
        var timestamp: TimeInterval?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = TimeInterval(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, !signatures.isEmpty else { return .invalidSignature }
        var signed = Data("\(Int64(timestamp)).".utf8)
        signed.append(body)
        let expected = HMAC<SHA256>.authenticationCode(for: signed, using: key)
        // Every candidate is compared, so the time taken does not tell which one matched.
        let valid = signatures.map { matches($0, expected) }.contains(true)
        guard valid else { return .invalidSignature }
        return abs(now.timeIntervalSince1970 - timestamp) <= tolerance ? .verified : .staleTimestamp
    }

    /// `hex` against the code, in constant time.
    private static func matches(_ hex: String, _ code: HMAC<SHA256>.MAC) -> Bool {
        ConstantTime.equal(hex.lowercased(), Data(code).hexString)
    }
}
