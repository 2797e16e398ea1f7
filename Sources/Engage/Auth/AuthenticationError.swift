/// Why a caller could not be identified or is not allowed; the web layer maps these to the spec's codes.
public enum AuthenticationError: Error, Sendable, Equatable {
    /// Unknown account, wrong password, bad or revoked token or key (AUTH_INVALID_CREDENTIALS).
    case invalidCredentials
    /// A well-signed access token past its expiry (AUTH_TOKEN_EXPIRED).
    case tokenExpired
    /// Identified, but the role does not allow the action (AUTH_INSUFFICIENT_PERMISSIONS).
    case insufficientPermissions
    /// A key that requires signed requests, with a missing, wrong or stale signature (AUTH_INVALID_SIGNATURE).
    case invalidSignature
}
