import Foundation

/// A message the provider accepted, waiting to be marked sent.
struct SentMessage: Sendable {
    let id: Int64
    let providerID: String?
    /// When its worker's claim on it ends: past it, another worker may send it again.
    let leaseEnd: Date
}

/// Marks delivered messages sent in groups, so that a connection goes on to its next message
/// instead of waiting for the database, and the database sees one statement for many rows: the
/// first message of a group waits `linger` for others to join it (20 ms, about what a full group
/// takes to gather at full speed: a commit per 50 messages, not per 13). Adding is a lock, not an
/// actor hop, so a connection's thread wakes no task per message. A worker that dies loses at most
/// the group being gathered, which is sent again, as any message in flight would be.
final class SentRecorder: @unchecked Sendable {
    /// Enough rows for one statement: a group this big is written without waiting.
    static let fullGroup = 50

    private let lock = NSLock()
    private var pending: [SentMessage] = []
    private var writer: Task<Void, Never>?
    /// Callers waiting in `flush()`: while there are any, no group waits for more.
    private var flushing = 0
    private let linger: Duration
    private let write: @Sendable ([SentMessage]) async -> Void

    init(linger: Duration = .milliseconds(20), write: @escaping @Sendable ([SentMessage]) async -> Void) {
        self.linger = linger
        self.write = write
    }

    func add(_ message: SentMessage) {
        lock.withLock {
            pending.append(message)
            if writer == nil {
                writer = Task { await self.drain() }
            }
        }
    }

    /// Returns once every message added so far is written, without waiting for more to join them.
    func flush() async {
        lock.withLock { flushing += 1 }
        while let writer = lock.withLock({ writer }) {
            await writer.value
        }
        lock.withLock { flushing -= 1 }
    }

    private func drain() async {
        while true {
            // Nothing left: the writer ends, and the next message added starts another.
            let lingers = lock.withLock { () -> Bool? in
                if pending.isEmpty {
                    writer = nil
                    return nil
                }
                return flushing == 0 && pending.count < Self.fullGroup
            }
            guard let lingers else { return }
            if lingers {
                try? await Task.sleep(for: linger)
            }
            let group = lock.withLock {
                defer { pending = [] }
                return pending
            }
            await write(group)
        }
    }
}
