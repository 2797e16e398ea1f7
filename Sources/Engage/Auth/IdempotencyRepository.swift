import Foundation

/// SQL for `idempotency_keys`.
struct IdempotencyRepository {
    let connection: SQLConnection

    /// A key as it was first used.
    struct Existing {
        let fingerprint: Data
        /// Nil while the first request is running.
        let answer: IdempotencyStore.Answer?
    }

    enum Claim {
        case claimed
        case existing(Existing)
    }

    /// Inserts the claim, or reads the key's first use; an expired one is replaced.
    func claim(caller: String, key: String, fingerprint: Data, at time: Date, expiredBefore cutoff: Date) async throws -> Claim {
        do {
            try await connection.execute("""
                INSERT INTO idempotency_keys (caller, idempotency_key, fingerprint, state, created_at) VALUES (?, ?, ?, 'in_progress', ?)
                """, [caller, key, fingerprint, time] as [any SQLBindable])
            return .claimed
        } catch let error where SQLFailure.isDuplicateKey(error) {
            guard let row = try await connection.queryFirst("""
                SELECT fingerprint, state, response_status, response_location, response_body, created_at FROM idempotency_keys
                WHERE caller = ? AND idempotency_key = ?
                """, [caller, key])
            else { return try await claim(caller: caller, key: key, fingerprint: fingerprint, at: time, expiredBefore: cutoff) }
            // Past its day the key is free again: the old row goes only when a request reuses it.
            if try row.decode("created_at", as: Date.self) < cutoff {
                try await delete(caller: caller, key: key)
                return try await claim(caller: caller, key: key, fingerprint: fingerprint, at: time, expiredBefore: cutoff)
            }
            let done: String = try row.decode("state")
            let answer: IdempotencyStore.Answer? = done == "done"
                ? IdempotencyStore.Answer(
                    status: Int(try row.decode("response_status", as: Int64.self)), location: try row.decode("response_location"),
                    body: try row.decode("response_body") ?? Data())
                : nil
            return .existing(Existing(fingerprint: try row.decode("fingerprint"), answer: answer))
        }
    }

    func complete(caller: String, key: String, answer: IdempotencyStore.Answer) async throws {
        try await connection.execute("""
            UPDATE idempotency_keys SET state = 'done', response_status = ?, response_location = ?, response_body = ?
            WHERE caller = ? AND idempotency_key = ?
            """, [answer.status, answer.location, answer.body, caller, key] as [any SQLBindable])
    }

    /// Removes up to `limit` keys older than `cutoff`; returns how many.
    @discardableResult
    func purge(before cutoff: Date, limit: Int) async throws -> Int {
        Int(try await connection.execute("DELETE FROM idempotency_keys WHERE created_at < ? LIMIT ?", [cutoff, limit] as [any SQLBindable]).affectedRows)
    }

    func delete(caller: String, key: String) async throws {
        try await connection.execute("DELETE FROM idempotency_keys WHERE caller = ? AND idempotency_key = ?", [caller, key])
    }
}
