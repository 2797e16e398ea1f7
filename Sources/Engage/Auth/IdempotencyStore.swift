import Foundation

/// `Idempotency-Key` on API POSTs: the first request with a key does the work and its answer is
/// kept; a retry with the same key and the same request within 24 hours gets that answer again
/// without the work being done twice; the same key with another request is refused; a duplicate
/// arriving while the first is still running waits for it.
public struct IdempotencyStore: Sendable {
    private let database: Database
    private let lifetime: TimeInterval
    private let waitLimit: Duration

    public init(database: Database, lifetime: TimeInterval = 86_400, waitLimit: Duration = .seconds(30)) {
        self.database = database
        self.lifetime = lifetime
        self.waitLimit = waitLimit
    }

    /// An answer kept for replay.
    public struct Answer: Sendable, Equatable {
        public let status: Int
        public let location: String?
        public let body: Data

        public init(status: Int, location: String?, body: Data) {
            self.status = status
            self.location = location
            self.body = body
        }
    }

    /// What to do with a request that carries a key.
    public enum Start: Sendable, Equatable {
        /// Do the work, then `finish` (or `abandon`).
        case proceed
        /// Answer with the first request's answer.
        case replay(Answer)
        /// The key was used for another request.
        case reused
    }

    /// Claims `key` for `caller`'s request with `fingerprint`, or says how it was used before.
    public func start(caller: String, key: String, fingerprint: Data) async throws -> Start {
        let deadline = ContinuousClock.now + waitLimit
        while true {
            let now = Date()
            let found = try await database.statements { tx in
                try await tx.idempotency.claim(
                    caller: caller, key: key, fingerprint: fingerprint, at: now, expiredBefore: now.addingTimeInterval(-lifetime))
            }
            switch found {
            case .claimed: return .proceed
            case .existing(let existing) where existing.fingerprint != fingerprint: return .reused
            case .existing(let existing):
                if let answer = existing.answer { return .replay(answer) }
                // The first request is still running: wait for its answer.
                guard ContinuousClock.now < deadline else { throw IdempotencyKeyInUse() }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Keeps the answer of the request that claimed `key`; now and then, forgets expired keys too.
    public func finish(caller: String, key: String, answer: Answer) async throws {
        let cutoff = Date().addingTimeInterval(-lifetime)
        try await database.statements { tx in
            try await tx.idempotency.complete(caller: caller, key: key, answer: answer)
            // About one answer in a hundred also clears a batch of expired keys, so the table stays a day deep.
            if Int.random(in: 0..<100) == 0 { try await tx.idempotency.purge(before: cutoff, limit: 1_000) }
        }
    }

    /// Forgets a claim whose request ended without an answer worth keeping (a server error).
    public func abandon(caller: String, key: String) async throws {
        try await database.statements { try await $0.idempotency.delete(caller: caller, key: key) }
    }
}

/// A duplicate waited as long as it may for the first request with its key (409).
public struct IdempotencyKeyInUse: Error, Sendable {}
