import Synchronization

/// Tracking pixels already looked up. What a pixel belongs to (its document, link and message)
/// never changes, so a hit on a known pixel skips a database step. Only pixels that exist are
/// kept (an unknown id is anybody's to make up); the set is emptied when full.
final class KnownPixels: Sendable {
    struct Owner: Sendable {
        let documentID: Int64
        let linkID: Int64?
        let messageID: Int64?
    }

    private let owners = Mutex<[String: Owner]>([:])
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func owner(of id: String) -> Owner? {
        owners.withLock { $0[id] }
    }

    func remember(_ owner: Owner, of id: String) {
        owners.withLock { owners in
            if owners.count >= limit { owners.removeAll(keepingCapacity: true) }
            owners[id] = owner
        }
    }
}
