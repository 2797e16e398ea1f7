import Synchronization

/// Whether search words are dense, as last probed (`DocumentRepository.denseWordRows`). The
/// documents holding a word grow slowly, so a verdict is kept for ten minutes and a search made
/// again skips the probe; a stale verdict only picks the slower of two readings that find the
/// same page. The set is emptied when full.
final class WordDensities: Sendable {
    struct Key: Hashable, Sendable {
        let word: String
        let status: String?
        let live: Bool
        let limit: Int
    }

    private struct Verdict {
        let dense: Bool
        let until: ContinuousClock.Instant
    }

    private let verdicts = Mutex<[Key: Verdict]>([:])
    private let limit: Int
    private let lifetime: Duration

    init(limit: Int, lifetime: Duration) {
        self.limit = limit
        self.lifetime = lifetime
    }

    /// The verdict on `key` while it is fresh, else nil.
    func isDense(_ key: Key) -> Bool? {
        let now = ContinuousClock.now
        return verdicts.withLock { verdicts in verdicts[key].flatMap { $0.until > now ? $0.dense : nil } }
    }

    func remember(_ key: Key, dense: Bool) {
        let verdict = Verdict(dense: dense, until: .now + lifetime)
        verdicts.withLock { verdicts in
            if verdicts.count >= limit { verdicts.removeAll(keepingCapacity: true) }
            verdicts[key] = verdict
        }
    }
}
