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
    ///
    /// The attempt is recorded as a failure *before* the password is checked, in a transaction that
    /// holds the account's row, so parallel guesses queue and count each other: at most
    /// `accountLimit` of them ever reach the password check. A right password removes its record.
    /// An email that cannot be an address (too long, control or invisible characters) is refused
    /// as wrong credentials, counted against the address only.
    public func signIn(email: String, password: String, address: String) async throws -> User {
        let now = now()
        let address = String(address.prefix(254))
        guard let account = Self.account(email) else {
            _ = try await record(account: nil, address: address, now: now)
            throw AuthenticationError.invalidCredentials
        }
        let attempt = try await record(account: account, address: address, now: now)
        guard let user = try await users.authenticate(email: account, password: password) else {
            try await database.statements { try await $0.signInFailures.deleteOlder(than: now.addingTimeInterval(-Self.window)) }
            throw AuthenticationError.invalidCredentials
        }
        try await database.write { tx in
            try await tx.signInFailures.clear(.account, subject: account)
            try await tx.signInFailures.delete(ids: attempt)
        }
        return user
    }

    /// Changes a user's own password (see `UserService.changePassword`) under the sign-in limits:
    /// the current password is one more guess at it, counted before it is checked, so a stolen
    /// session cannot try passwords without end. A wrong one stays counted; anything else is forgotten.
    public func changePassword(
        of user: User, current: String, new: String, confirmation: String, keepingSession: Data?, address: String
    ) async throws {
        let account = Self.account(user.email) ?? user.email.lowercased()
        let attempt = try await record(account: account, address: String(address.prefix(254)), now: now())
        do {
            try await users.changePassword(of: user, current: current, new: new, confirmation: confirmation, keepingSession: keepingSession)
        } catch let error as ValidationError where error.fields.contains(where: { $0.field == "current_password" && $0.code == .invalidValue }) {
            throw error
        } catch {
            try await database.write { try await $0.signInFailures.delete(ids: attempt) }
            throw error
        }
        try await database.write { tx in
            try await tx.signInFailures.clear(.account, subject: account)
            try await tx.signInFailures.delete(ids: attempt)
        }
    }

    /// The email as the counter keys it: trimmed, NFC, lower-cased; nil when it cannot be an address.
    static func account(_ email: String) -> String? {
        let trimmed = email.trimmingWhitespace()
        let invisible: Set<Unicode.GeneralCategory> = [.control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned]
        guard EmailAddress.isValid(trimmed), !trimmed.unicodeScalars.contains(where: { invisible.contains($0.properties.generalCategory) })
        else { return nil }
        return trimmed.precomposedStringWithCanonicalMapping.lowercased()
    }

    /// Refuses when the account or the address is over its limit, else records this attempt as a
    /// failure of both; returns the ids recorded.
    private func record(account: String?, address: String, now: Date) async throws -> [Int64] {
        let since = now.addingTimeInterval(-Self.window)
        return try await database.write { tx in
            let failures = tx.signInFailures
            // Parallel attempts on one account wait here for each other's count.
            if let account { _ = try await tx.users.lockForSignIn(email: account) }
            var waits: [TimeInterval] = []
            var subjects: [(SignInFailureRepository.Scope, String, Int)] = [(.address, address, Self.addressLimit)]
            if let account { subjects.insert((.account, account, Self.accountLimit), at: 0) }
            for (scope, subject, limit) in subjects {
                let recent = try await failures.recent(scope, subject: subject, since: since)
                if recent.count >= limit, let oldest = recent.oldest {
                    waits.append(oldest.addingTimeInterval(Self.window).timeIntervalSince(now))
                }
            }
            if let longest = waits.max() {
                throw RateLimitExceeded(retryAfter: max(1, Int(longest.rounded(.up))))
            }
            var ids: [Int64] = []
            for (scope, subject, _) in subjects {
                ids.append(try await failures.record(scope, subject: subject, at: now))
            }
            return ids
        }
    }
}
