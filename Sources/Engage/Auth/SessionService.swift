import Foundation

/// A portal session as a request sees it.
public struct PortalSession: Sendable, Equatable {
    /// The cookie value that identifies it (never stored: the database keeps its hash).
    public let cookieValue: String
    /// The signed-in user.
    public let user: User
    /// The token every form of this session must carry.
    public let csrfToken: String
}

/// Server-side portal sessions: random ids stored hashed, idle and absolute timeouts.
public struct SessionService: Sendable {
    private let database: Database
    /// A session unused for this long ends.
    public let idleTimeout: TimeInterval
    /// A session ends this long after sign-in, however busy.
    public let absoluteTimeout: TimeInterval
    private let now: @Sendable () -> Date

    // Writing last_seen_at on every request would cost a write per page; once a minute is enough.
    private static let touchInterval: TimeInterval = 60

    /// A service with 30 minutes idle and 12 hours absolute timeouts unless told otherwise.
    public init(
        database: Database, idleTimeout: TimeInterval = 30 * 60, absoluteTimeout: TimeInterval = 12 * 3600,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.database = database
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.now = now
    }

    /// Starts a session for `user`. (The sign-in page keeps no session: see `LoginFormToken`.)
    public func start(for user: User) async throws -> PortalSession {
        let (cookieValue, idHash) = SecretToken.generate(prefix: "")
        let csrfToken = SecretToken.generate(prefix: "").token
        let now = now()
        try await database.statements { tx in
            let sessions = tx.sessions
            try await sessions.deleteExpired(now: now)
            try await sessions.insert(
                idHash: idHash, userID: user.id, csrfToken: csrfToken, now: now, expiresAt: now.addingTimeInterval(absoluteTimeout))
        }
        return PortalSession(cookieValue: cookieValue, user: user, csrfToken: csrfToken)
    }

    /// The live session behind a cookie; nil when unknown, expired, idle too long or its user is inactive.
    public func find(cookieValue: String) async throws -> PortalSession? {
        let idHash = SecretToken.hash(cookieValue)
        let now = now()
        return try await database.statements { tx in
            let sessions = tx.sessions
            guard let record = try await sessions.find(idHash: idHash) else { return nil }
            guard record.expiresAt > now, record.lastSeenAt > now.addingTimeInterval(-idleTimeout) else {
                try await sessions.delete(idHash: idHash)
                return nil
            }
            // Rows without a user are sign-in pre-sessions of earlier versions: no longer honoured.
            guard let userID = record.userID, let user = try await tx.users.find(id: userID), user.isActive else {
                try await sessions.delete(idHash: idHash)
                return nil
            }
            if now.timeIntervalSince(record.lastSeenAt) > Self.touchInterval {
                try await sessions.touch(idHash: idHash, now: now)
            }
            return PortalSession(cookieValue: cookieValue, user: user, csrfToken: record.csrfToken)
        }
    }

    /// Signs `user` in: the old session ends and a new id is issued (no session fixation).
    public func rotate(_ old: PortalSession?, to user: User) async throws -> PortalSession {
        if let old { try await end(old) }
        return try await start(for: user)
    }

    /// Ends a session (sign-out).
    public func end(_ session: PortalSession) async throws {
        try await database.statements {
            try await $0.sessions.delete(idHash: SecretToken.hash(session.cookieValue))
        }
    }
}
