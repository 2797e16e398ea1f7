import Foundation

/// A staff member who signs in to the portal or calls the API.
public struct User: Sendable, Equatable, Identifiable {
    /// What a user may do.
    public enum Role: String, Sendable, CaseIterable, Codable {
        /// Everything, including users, API keys and settings.
        case admin
        /// Creates, sends and edits documents, contacts and organizations.
        case staff
        /// Reads only.
        case viewer

        /// True for roles that may change data.
        public var canWrite: Bool { self != .viewer }
    }

    public let id: Int64
    public let email: String
    public let name: String
    public let role: Role
    public let isActive: Bool
    public let lastLoginAt: Date?
    public let createdAt: Date
    /// Goes up with each password change and deactivation; access tokens of an older one no longer work.
    public let credentialsVersion: Int
    /// The portal's language for this user; nil follows the browser's.
    public let language: Language?
    /// The time zone the portal shows times in (an IANA name); nil is the installation's.
    public let timeZone: String?
}
