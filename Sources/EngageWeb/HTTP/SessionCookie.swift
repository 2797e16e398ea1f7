import Engage
import Hummingbird

/// The portal's session cookie: HttpOnly, SameSite=Lax, Secure behind HTTPS, no lifetime of its
/// own (the server ends sessions).
struct SessionCookie: Sendable {
    static let name = "engage_session"

    let secure: Bool

    func setting(_ session: PortalSession) -> Cookie {
        Cookie(name: Self.name, value: session.cookieValue, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    func clearing() -> Cookie {
        Cookie(name: Self.name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}
