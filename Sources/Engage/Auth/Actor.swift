/// Who is making a change: a signed-in user or an API key, with the role it acts with.
public struct Actor: Sendable, Equatable {
    /// The staff member, when the caller is one (recorded as `created_by`).
    public let userID: Int64?
    public let role: User.Role

    /// A signed-in user.
    public init(user: User) {
        userID = user.id
        role = user.role
    }

    /// An integrator's API key.
    public init(apiKey: APIKey) {
        userID = nil
        role = apiKey.role
    }

    /// The product itself, acting on a schedule (reminders).
    static let system = Actor(userID: nil, role: .staff)

    private init(userID: Int64?, role: User.Role) {
        self.userID = userID
        self.role = role
    }

    /// Throws `insufficientPermissions` for viewers.
    func requireWrite() throws {
        guard role.canWrite else { throw AuthenticationError.insufficientPermissions }
    }

    /// Throws `insufficientPermissions` unless admin.
    func requireAdmin() throws {
        guard role == .admin else { throw AuthenticationError.insufficientPermissions }
    }
}
