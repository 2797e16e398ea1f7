/// A message the provider accepted, waiting to be marked sent.
struct SentMessage: Sendable {
    let id: Int64
    let providerID: String?
}

/// Marks delivered messages sent in groups, so that a connection goes on to its next message
/// instead of waiting for the database, and the database sees one statement for many rows: the
/// first message of a group waits `linger` for others to join it. A worker that dies loses at most
/// the group being gathered, which is sent again, as any message in flight would be.
actor SentRecorder {
    /// Enough rows for one statement: a group this big is written without waiting.
    static let fullGroup = 50

    private var pending: [SentMessage] = []
    private var writer: Task<Void, Never>?
    private var closing = false
    private let linger: Duration
    private let write: @Sendable ([SentMessage]) async -> Void

    init(linger: Duration = .milliseconds(5), write: @escaping @Sendable ([SentMessage]) async -> Void) {
        self.linger = linger
        self.write = write
    }

    func add(_ message: SentMessage) {
        pending.append(message)
        if writer == nil {
            writer = Task { await self.drain() }
        }
    }

    /// Returns once every message added so far is written; no group waits for more after this.
    func flush() async {
        closing = true
        while let writer {
            await writer.value
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            if !closing, pending.count < Self.fullGroup {
                try? await Task.sleep(for: linger)
            }
            let group = pending
            pending = []
            await write(group)
        }
        writer = nil
    }
}
