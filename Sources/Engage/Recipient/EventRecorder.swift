import Foundation
import MariaDB

/// Records recipients' events in shared transactions: requests that arrive while one batch is
/// being written wait together and are written in the next, one transaction for all of them. A
/// caller is answered only once its event is committed (or refused, with nothing written).
///
/// Each batch locks its documents, then its links (the order every writer follows), counts link
/// uses against `max_uses` under those locks, checks again that each action still makes sense,
/// appends every document's events to its chain and commits.
actor EventRecorder {
    /// One event to record.
    struct Recording: Sendable {
        let documentID: Int64
        /// Counts a use of the event's link (views, downloads, actions; not email opens).
        let claimsUse: Bool
        /// The action checked again under the document's lock, for events that change the document.
        let action: RecipientAction?
        let event: DocumentEventRepository.NewEvent
        /// More work in the same transaction once the event is appended (a signature's confirmation email).
        var followUp: FollowUp? = nil
    }

    typealias FollowUp = @Sendable (MariaDBConnection) async throws -> Void

    private struct Waiting {
        let recording: Recording
        let continuation: CheckedContinuation<Void, any Error>
    }

    private let database: Database
    private var waiting: [Waiting] = []
    private var writing = false
    /// Rows per transaction at most, so that one batch never holds its locks for long.
    private static let batchLimit = 500
    private static let lockConflictRetries = 3

    init(database: Database) {
        self.database = database
    }

    /// Writes `recording` with whatever else is waiting; returns once it is committed.
    func record(_ recording: Recording) async throws {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append(Waiting(recording: recording, continuation: continuation))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(Self.batchLimit))
            waiting.removeFirst(batch.count)
            let outcomes = await write(batch.map(\.recording))
            var deferred: [Waiting] = []
            for (entry, outcome) in zip(batch, outcomes) {
                switch outcome {
                case .done(let result): entry.continuation.resume(with: result)
                case .deferred: deferred.append(entry)
                }
            }
            waiting.insert(contentsOf: deferred, at: 0)
        }
        writing = false
    }

    private enum Outcome {
        case done(Result<Void, any Error>)
        /// A second action on the same document in one batch waits for the next, which sees the first one's effect.
        case deferred
    }

    private func write(_ batch: [Recording]) async -> [Outcome] {
        do {
            return try await database.retryingLockConflicts(attempts: Self.lockConflictRetries + 1) {
                try await database.pool.withTransaction { try await Self.write(batch, $0) }
            }
        } catch {
            return batch.map { _ in .done(.failure(error)) }
        }
    }

    private static func write(_ batch: [Recording], _ connection: MariaDBConnection) async throws -> [Outcome] {
        let documents = DocumentRepository(connection: connection)
        let tokens = AccessTokenRepository(connection: connection)
        var locked: [Int64: Document] = [:]
        for id in Set(batch.map(\.documentID)).sorted() {
            locked[id] = try await documents.find(id: id, lock: true)
        }
        var usage: [Int64: AccessTokenRepository.Usage] = [:]
        for id in Set(batch.filter(\.claimsUse).compactMap(\.event.accessTokenID)).sorted() {
            usage[id] = try await tokens.lockUsage(id: id)
        }

        var outcomes: [Outcome] = []
        var accepted: [Int64: [DocumentEventRepository.NewEvent]] = [:]
        var followUps: [FollowUp] = []
        var acted: Set<Int64> = []
        for recording in batch {
            guard let document = locked[recording.documentID], document.deletedAt == nil else {
                outcomes.append(.done(.failure(RecipientError.tokenInvalid)))
                continue
            }
            if let action = recording.action, action != .view, action != .download {
                if acted.contains(document.id) {
                    outcomes.append(.deferred)
                    continue
                }
                if let refusal = RecipientService.refusal(of: action, on: document) {
                    outcomes.append(.done(.failure(refusal)))
                    continue
                }
            }
            if recording.claimsUse, let id = recording.event.accessTokenID {
                if let refusal = usage[id].map({ $0.refusal() }) ?? .tokenInvalid {
                    outcomes.append(.done(.failure(refusal)))
                    continue
                }
                usage[id]?.granted += 1
            }
            if recording.action.map({ $0 != .view && $0 != .download }) == true { acted.insert(document.id) }
            accepted[document.id, default: []].append(recording.event)
            if let followUp = recording.followUp { followUps.append(followUp) }
            outcomes.append(.done(.success(())))
        }

        let events = DocumentEventRepository(connection: connection)
        for (documentID, new) in accepted.sorted(by: { $0.key < $1.key }) {
            _ = try await events.append(new, to: documentID)
        }
        for (id, counted) in usage.sorted(by: { $0.key < $1.key }) where counted.granted > 0 {
            try await tokens.addUses(counted.granted, to: id)
        }
        for followUp in followUps {
            try await followUp(connection)
        }
        return outcomes
    }
}
