import Synchronization

/// How many rows search words have, as last counted (up to a limit) by `DocumentRepository.reading`.
/// The documents holding a word grow slowly, so a count is kept for ten minutes and a search made
/// again skips the probe; a stale count only picks the slower of readings that find the same page.
/// The set is emptied when full.
final class WordRowCounts: Sendable {
    struct Key: Hashable, Sendable {
        let word: String
        let status: String?
        let live: Bool
        let limit: Int
    }

    private struct Count {
        let rows: Int
        let until: ContinuousClock.Instant
    }

    private let counts = Mutex<[Key: Count]>([:])
    private let capacity: Int
    private let lifetime: Duration

    init(capacity: Int, lifetime: Duration) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    /// The rows counted for `key` while the count is fresh, else nil.
    func rows(_ key: Key) -> Int? {
        let now = ContinuousClock.now
        return counts.withLock { counts in counts[key].flatMap { $0.until > now ? $0.rows : nil } }
    }

    func remember(_ key: Key, rows: Int) {
        let count = Count(rows: rows, until: .now + lifetime)
        counts.withLock { counts in
            if counts.count >= capacity { counts.removeAll(keepingCapacity: true) }
            counts[key] = count
        }
    }
}
