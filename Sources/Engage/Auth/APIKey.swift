import Foundation

/// A key an integrator sends as `Authorization: Bearer ek_…`; it acts with its own role.
public struct APIKey: Sendable, Equatable, Identifiable {
    public let id: Int64
    public let name: String
    /// The visible start of the key (`ek_` and 8 characters), to tell keys apart in lists.
    public let prefix: String
    public let role: User.Role
    public let createdAt: Date
    public let lastUsedAt: Date?
    public let revokedAt: Date?
    /// When the key stops working by itself; nil for never.
    public let expiresAt: Date?
    /// Every request made with the key must carry `X-Engage-Time` and `X-Engage-Signature`.
    public var requiresSignature = false

    /// True until revoked.
    public var isActive: Bool { revokedAt == nil }

    /// True once its expiry has passed.
    public func isExpired(at now: Date) -> Bool {
        expiresAt.map { $0 <= now } ?? false
    }
}
