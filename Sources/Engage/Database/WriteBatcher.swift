/// Shares writes between concurrent callers: items that arrive while one batch is being written
/// wait together and are written in the next, one write (a transaction, or statements each atomic)
/// for all of them. Each caller is answered only once its batch is committed (or with its error).
actor WriteBatcher<Item: Sendable, Output: Sendable> {
    /// Writes a batch: one result per item, in order.
    typealias Write = @Sendable ([Item]) async -> [Result<Output, any Error>]

    private struct Waiting {
        let item: Item
        let continuation: CheckedContinuation<Output, any Error>
    }

    private let write: Write
    /// Items per transaction at most, so that one batch never holds its locks for long.
    private let limit: Int
    private var waiting: [Waiting] = []
    private var writing = false

    init(limit: Int, write: @escaping Write) {
        self.limit = limit
        self.write = write
    }

    /// Writes `item` with whatever else is waiting; returns its output once committed.
    func submit(_ item: Item) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append(Waiting(item: item, continuation: continuation))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(limit))
            waiting.removeFirst(batch.count)
            let outcomes = await write(batch.map(\.item))
            for (entry, outcome) in zip(batch, outcomes) {
                entry.continuation.resume(with: outcome)
            }
        }
        writing = false
    }
}
