import Engage
import Hummingbird

/// The portal's session cookie: HttpOnly, SameSite=Lax, no lifetime of its own (the server ends
/// sessions); behind HTTPS, Secure and `__Host-` prefixed, so no subdomain can set or shadow it.
struct SessionCookie: Sendable {
    static let name = "engage_session"

    let secure: Bool

    /// The cookie's name as sent.
    var name: String { secure ? "__Host-" + Self.name : Self.name }

    func setting(_ session: PortalSession) -> Cookie {
        setting(value: session.cookieValue)
    }

    /// The cookie holding `value` (a session id, or the sign-in form's nonce).
    func setting(value: String) -> Cookie {
        Cookie(name: name, value: value, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    func clearing() -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}
