import Synchronization

/// Values already made, keyed by everything they depend on: a hit is exactly what `make` would
/// give. The set is emptied when it reaches `limit`.
final class Memo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let values = Mutex<[Key: Value]>([:])
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// The value for `key`, made by `make` only the first time.
    func value(for key: Key, make: (Key) throws -> Value) rethrows -> Value {
        if let value = values.withLock({ $0[key] }) { return value }
        let value = try make(key)
        values.withLock { values in
            if values.count >= limit { values.removeAll(keepingCapacity: true) }
            values[key] = value
        }
        return value
    }
}
