import Foundation

/// Too many attempts; try again after `retryAfter` seconds (RATE_LIMIT_EXCEEDED, `Retry-After`).
public struct RateLimitExceeded: Error, Sendable, Equatable {
    /// Whole seconds until the next attempt can succeed.
    public let retryAfter: Int
    /// The API limit's figures, for the `X-RateLimit-*` headers; nil for sign-in limits.
    public var status: RateLimitStatus? = nil
}

/// Password sign-in for the portal and the API, with failed attempts limited per account and per
/// client address over a sliding window shared by every app instance.
public struct SignInService: Sendable {
    /// Failures an account may have in the window before it is locked.
    public static let accountLimit = 5
    /// Failures one address may have in the window, whatever the accounts tried.
    public static let addressLimit = 20
    /// The sliding window.
    public static let window: TimeInterval = 15 * 60

    private let database: Database
    private let users: UserService
    private let now: @Sendable () -> Date

    /// A service over `users`; the clock is replaceable for tests.
    public init(database: Database, users: UserService, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.users = users
        self.now = now
    }

    /// The active user with these credentials; throws `RateLimitExceeded` before checking the
    /// password when the account or the address failed too often, `.invalidCredentials` when wrong.
    public func signIn(email: String, password: String, address: String) async throws -> User {
        let account = email.trimmingCharacters(in: .whitespaces).lowercased()
        let now = now()
        try await refuseIfLimited(account: account, address: address, now: now)
        guard let user = try await users.authenticate(email: email, password: password) else {
            try await database.statements { tx in
                let failures = tx.signInFailures
                try await failures.deleteOlder(than: now.addingTimeInterval(-Self.window))
                try await failures.record(.account, subject: account, at: now)
                try await failures.record(.address, subject: address, at: now)
            }
            throw AuthenticationError.invalidCredentials
        }
        try await database.read {
            try await $0.signInFailures.clear(.account, subject: account)
        }
        return user
    }

    private func refuseIfLimited(account: String, address: String, now: Date) async throws {
        let since = now.addingTimeInterval(-Self.window)
        let waits: [TimeInterval] = try await database.read { tx in
            let failures = tx.signInFailures
            var waits: [TimeInterval] = []
            for (scope, subject, limit) in [(SignInFailureRepository.Scope.account, account, Self.accountLimit),
                                            (.address, address, Self.addressLimit)] {
                let recent = try await failures.recent(scope, subject: subject, since: since)
                if recent.count >= limit, let oldest = recent.oldest {
                    waits.append(oldest.addingTimeInterval(Self.window).timeIntervalSince(now))
                }
            }
            return waits
        }
        if let longest = waits.max() {
            throw RateLimitExceeded(retryAfter: max(1, Int(longest.rounded(.up))))
        }
    }
}
