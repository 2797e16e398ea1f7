import Foundation

/// Admits API calls: finds the caller (an API key by its hash, or the user of an access token) and
/// counts the call against its rate limit. Calls that arrive together are admitted together: one
/// statement looks up every key of the batch, one every user, and one per caller adds its hits
/// (`WriteBatcher`), so a call costs no database round trip of its own. Each statement is complete
/// by itself, so they run without a transaction around them: two commits' round trips fewer.
public struct APIGate: Sendable {
    /// Who a call acts as.
    public enum Caller: Sendable {
        case apiKey(APIKey)
        case user(User)

        /// The caller as the rate limit counts it ("key:3", "user:12").
        public var principal: String {
            switch self {
            case .apiKey(let key): "key:\(key.id)"
            case .user(let user): "user:\(user.id)"
            }
        }
    }

    /// An admitted call: its caller, and where it stands against the rate limit (nil when the
    /// call is not counted yet: a key that signs its requests is counted once the signature holds).
    public struct Admission: Sendable {
        public let caller: Caller
        public let status: RateLimitStatus?
    }

    /// What a batch resolves: a key's hash, a token's user, or a caller to count.
    enum Entry: Sendable {
        case apiKey(hash: Data, window: Date)
        case user(AccessClaims, window: Date)
        case count(principal: String, window: Date)
    }

    private let tokens: APITokenService
    private let limiter: APIRateLimiter
    private let now: @Sendable () -> Date
    private let batcher: WriteBatcher<Entry, (caller: Caller?, hits: Int?)>

    public init(database: Database, tokens: APITokenService, limit: Int, now: @escaping @Sendable () -> Date = Date.init) {
        self.tokens = tokens
        self.now = now
        let limiter = APIRateLimiter(limit: limit)
        self.limiter = limiter
        batcher = WriteBatcher(limit: 1_000) { entries in
            do {
                // A batch that loses a lock conflict runs again whole; hits it added already stay
                // counted (a conflict on one-row statements is rare, and the error is in the limit's favour).
                return try await database.statements { try await Self.admit(entries, at: now(), in: $0) }
            } catch {
                return entries.map { _ in .failure(error) }
            }
        }
    }

    /// Admits a call made with an API key (`ek_…`).
    public func admit(apiKey secret: String) async throws -> Admission {
        guard secret.utf8.count <= 100 else { throw AuthenticationError.invalidCredentials }
        let (now, window) = moment()
        let admitted = try await batcher.submit(.apiKey(hash: SecretToken.hash(secret), window: window))
        return Admission(caller: admitted.caller!, status: try admitted.hits.map { try limiter.status(hits: $0, window: window, now: now) })
    }

    /// Admits a call made with an access token: its user must be active, with the credentials it had then.
    public func admit(accessToken token: String) async throws -> Admission {
        let claims = try await tokens.claims(ofAccessToken: token)
        let (now, window) = moment()
        let admitted = try await batcher.submit(.user(claims, window: window))
        return Admission(caller: admitted.caller!, status: try limiter.status(hits: admitted.hits ?? 0, window: window, now: now))
    }

    /// Counts a call whose caller is known (a signed key's, once its signature holds).
    public func count(_ caller: Caller) async throws -> RateLimitStatus {
        let (now, window) = moment()
        let counted = try await batcher.submit(.count(principal: caller.principal, window: window))
        return try limiter.status(hits: counted.hits ?? 0, window: window, now: now)
    }

    private func moment() -> (now: Date, window: Date) {
        let now = now()
        return (now, APIRateLimiter.window(of: now))
    }

    // Writing last_used_at on every call would cost a write per request; once a minute is enough.
    private static let usageResolution: TimeInterval = 60

    /// One batch: its keys and users found, each entry resolved to its caller (or refused), keys'
    /// use noted, and the counted callers' hits added.
    private static func admit(
        _ entries: [Entry], at now: Date, in tx: Transaction
    ) async throws -> [Result<(caller: Caller?, hits: Int?), any Error>] {
        var hashes: [Data] = []
        var userIDs: [Int64] = []
        for entry in entries {
            switch entry {
            case .apiKey(let hash, _): hashes.append(hash)
            case .user(let claims, _): userIDs.append(claims.userID)
            case .count: break
            }
        }
        let keys = try await tx.apiKeys.find(hashes: hashes)
        let users = try await tx.users.find(ids: userIDs)

        var resolved: [Result<(caller: Caller?, counted: APIRateLimiter.Hit?), any Error>] = []
        for entry in entries {
            switch entry {
            case .apiKey(let hash, let window):
                guard let key = keys[hash], key.isActive, !key.isExpired(at: now) else {
                    resolved.append(.failure(AuthenticationError.invalidCredentials))
                    continue
                }
                let counted = key.requiresSignature ? nil : APIRateLimiter.Hit(principal: Caller.apiKey(key).principal, window: window)
                resolved.append(.success((.apiKey(key), counted)))
            case .user(let claims, let window):
                guard let user = users[claims.userID], user.isActive, user.credentialsVersion == claims.version else {
                    resolved.append(.failure(AuthenticationError.invalidCredentials))
                    continue
                }
                resolved.append(.success((.user(user), APIRateLimiter.Hit(principal: Caller.user(user).principal, window: window))))
            case .count(let principal, let window):
                resolved.append(.success((nil, APIRateLimiter.Hit(principal: principal, window: window))))
            }
        }

        let used = Set(resolved.compactMap { result -> Int64? in
            guard case .success((.apiKey(let key)?, _)) = result,
                  key.lastUsedAt.map({ now.timeIntervalSince($0) > usageResolution }) ?? true else { return nil }
            return key.id
        })
        for id in used.sorted() { try await tx.apiKeys.markUsed(id: id, at: now) }

        let hits = try await APIRateLimiter.count(resolved.compactMap { try? $0.get().counted }, in: tx)
        var next = hits.makeIterator()
        return resolved.map { result in
            result.map { admitted in (admitted.caller, admitted.counted.map { _ in next.next()! }) }
        }
    }
}
