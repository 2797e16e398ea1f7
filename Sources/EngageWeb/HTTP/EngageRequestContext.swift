import Engage
import Hummingbird
import Logging

/// What every handler knows about the request it serves.
public struct EngageRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The id echoed in `X-Request-ID` and attached to every log line of the request.
    public var requestID: String
    /// The authenticated staff member, once an authentication middleware has identified one.
    public var user: User?
    /// The API key an integrator called with, when it was a key rather than a user's token.
    public var apiKey: APIKey?
    /// The portal session of the request's cookie, when it has a live one.
    public var session: PortalSession?
    /// The parsed body of a portal form post, read once by the CSRF check.
    public var form: FormData?
    /// The client's IP address: the connection's peer, or what a trusted proxy says it forwarded
    /// for (`ClientAddressMiddleware`); "unknown" when there is none.
    public internal(set) var clientAddress: String
    /// True when the client reached the portal over HTTPS (the configured address is https, or a
    /// trusted proxy says so): cookies are Secure and `__Host-`, HSTS is sent.
    public internal(set) var isSecure = false

    /// The session cookie as this request's scheme wants it.
    var sessionCookie: SessionCookie { SessionCookie(secure: isSecure) }

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.user = nil
        self.apiKey = nil
        self.session = nil
        self.form = nil
        self.clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The authenticated user; throws when the route was reached without one.
    public func requireUser() throws -> User {
        guard let user else { throw AuthenticationError.invalidCredentials }
        return user
    }
}
