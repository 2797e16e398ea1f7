import Engage
import Foundation
import HTTPTypes
import Hummingbird

/// Where a browser keeps its pass after typing a link's code: a cookie scoped to that link's
/// pages (`/p/{token}`), HttpOnly, for 30 minutes; API clients may send it as the
/// `X-Engage-Verification` header instead.
struct VerificationPass {
    static let cookieName = "engage_verified"
    static let header = HTTPField.Name("X-Engage-Verification")!

    /// The pass a request carries, if any.
    static func of(_ request: Request) -> String? {
        request.headers[header] ?? request.cookies[cookieName]?.value
    }

    /// The cookie that keeps `passed` for the link `secret`.
    static func cookie(_ passed: VerificationService.Passed, secret: String, secure: Bool) -> Cookie {
        Cookie(
            name: cookieName, value: passed.pass, maxAge: Int(VerificationService.passLifetime), path: "/p/\(secret)",
            secure: secure, httpOnly: true, sameSite: .lax)
    }
}

/// A code on its way, as `POST /p/{token}/verify/resend` answers (202).
struct SentCodePayload: Encodable {
    let channel: String
    let destination: String
    let expiresAt: Date
    let resendAfter: Date

    init(_ sent: VerificationService.SentCode) {
        channel = sent.channel.rawValue
        destination = sent.destination
        expiresAt = sent.expiresAt
        resendAfter = sent.resendAt
    }

    enum CodingKeys: String, CodingKey {
        case channel, destination
        case expiresAt = "expires_at"
        case resendAfter = "resend_after"
    }
}

/// A check passed, as `POST /p/{token}/verify` answers: the pass, also set as a cookie.
struct PassedPayload: Encodable {
    let verified = true
    let verificationID: Int64
    let channel: String
    let destination: String
    let verificationToken: String
    let expiresAt: Date

    init(_ passed: VerificationService.Passed) {
        verificationID = passed.verification.id
        channel = passed.verification.channel.rawValue
        destination = passed.verification.destination
        verificationToken = passed.pass
        expiresAt = passed.expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case verified, channel, destination
        case verificationID = "verification_id"
        case verificationToken = "verification_token"
        case expiresAt = "expires_at"
    }
}
