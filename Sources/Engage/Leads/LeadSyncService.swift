import Foundation

/// The delayed lead sync: a sync is validated and queued at once (requests waiting together share
/// one `INSERT`, atomic by itself), then merged into its lead by `process`, oldest first.
public struct LeadSyncService: Sendable {
    private let database: Database
    private let intake: WriteBatcher<LeadRepository.Queued, Int64>
    /// Syncs per batch request at most.
    public static let maximumBatch = 1_000
    /// Syncs merged per transaction at most.
    public static let processLimit = 1_000

    public init(database: Database) {
        self.database = database
        intake = WriteBatcher(limit: 1_000) { syncs in
            do {
                let ids = try await database.statements { try await $0.leads.queue(syncs, at: Date()) }
                return ids.map { .success($0) }
            } catch {
                return syncs.map { _ in .failure(error) }
            }
        }
    }

    /// Validates a sync and queues it; its id.
    public func accept(_ input: Input, by actor: Actor) async throws -> Int64 {
        try actor.requireWrite()
        let changes = try LeadChanges.sync(input)
        return try await intake.submit(.init(changes: changes, source: .api))
    }

    /// Validates each sync on its own and queues the valid ones in one transaction: per item, its
    /// id or its problems, in the order given.
    public func acceptBatch(_ items: [Input], by actor: Actor) async throws -> [Result<Int64, any Error>] {
        try actor.requireWrite()
        let read = items.map { item in Result { try LeadChanges.sync(item) } }
        let valid = read.compactMap { try? $0.get() }
        let ids = try await database.write { tx in
            try await tx.leads.queue(valid.map { .init(changes: $0, source: .api) }, at: Date())
        }
        var next = ids.makeIterator()
        return read.map { result in result.map { _ in next.next()! } }
    }

    /// One sync and what became of it.
    public func status(id: Int64) async throws -> LeadSync {
        guard let sync = try await database.read({ try await $0.leads.sync(id: id) }) else { throw RecordNotFound("Lead sync", id: id) }
        return sync
    }

    /// Syncs still waiting, and when the oldest was accepted.
    public func backlog() async throws -> (count: Int, oldest: Date?) {
        try await database.read { try await $0.leads.backlog() }
    }

    /// Merges the oldest queued syncs into their leads in one transaction; how many were merged.
    @discardableResult
    public func process(limit: Int = processLimit) async throws -> Int {
        try await database.write { tx in
            let now = Date()
            try await tx.leads.takeTurn(at: now)
            let syncs = try await tx.leads.queued(limit: limit)
            guard !syncs.isEmpty else { return 0 }
            try await LeadWriter(tx: tx, now: now).merge(syncs)
            return syncs.count
        }
    }
}

/// Merges syncs into leads inside one transaction: the leads of their emails are locked, unknown
/// custom fields are created with the type of their first value, every sync is applied in order,
/// and each lead, value and sync is written back in a few multi-row statements.
struct LeadWriter {
    let tx: Transaction
    let now: Date

    func merge(_ syncs: [LeadSync]) async throws {
        let emails = Array(Set(syncs.map(\.email))).sorted()
        let existing = try await tx.leads.lock(emails: emails)
        let directory = try await fields(for: syncs.map(\.changes))

        var states: [String: LeadMerge.State] = [:]
        var ids: [String: Int64] = [:]
        var before: [String: LeadMerge.State] = [:]
        for lead in existing {
            let state = Self.state(of: lead)
            states[lead.email] = state
            before[lead.email] = state
            ids[lead.email] = lead.id
        }
        var source: [String: LeadSource] = [:]
        var applied: [(sync: LeadSync, created: Bool, flagged: [String])] = []
        for sync in syncs {
            let created = states[sync.email] == nil
            if created { source[sync.email] = sync.source }
            var state = states[sync.email] ?? LeadMerge.State(email: sync.email)
            let flagged = LeadMerge.apply(sync.changes, to: &state, directory: directory)
            states[sync.email] = state
            applied.append((sync, created, flagged))
        }

        let new = states.filter { ids[$0.key] == nil }.sorted { $0.key < $1.key }.map(\.value)
        ids.merge(try await tx.leads.insert(new, source: source, at: now)) { $1 }
        let changed = existing.compactMap { lead -> (id: Int64, state: LeadMerge.State)? in
            guard let state = states[lead.email], state != before[lead.email] else { return nil }
            return (lead.id, state)
        }
        try await tx.leads.update(changed, at: now)
        try await writeValues(states, before: before, ids: ids)
        try await tx.leads.markProcessed(applied.map { entry in
            .init(id: entry.sync.id, leadID: ids[entry.sync.email]!, outcome: entry.created ? .created : .updated, flagged: entry.flagged)
        }, at: now)
    }

    /// The fields the syncs name, the unknown ones created.
    func fields(for changes: [LeadChanges]) async throws -> LeadFieldDirectory {
        let names = Array(Set(changes.flatMap { $0.custom.keys.map { $0.lowercased() } }))
        var directory = LeadFieldDirectory(try await tx.leads.fields(named: names))
        for field in try await tx.leads.insertFields(directory.unknown(in: changes), at: now) { directory.add(field) }
        return directory
    }

    /// Writes the custom values that changed.
    func writeValues(_ states: [String: LeadMerge.State], before: [String: LeadMerge.State], ids: [String: Int64]) async throws {
        var set: [(leadID: Int64, fieldID: Int64, value: LeadMerge.State.Value)] = []
        var remove: [(leadID: Int64, fieldID: Int64)] = []
        for (email, state) in states.sorted(by: { $0.key < $1.key }) {
            guard let id = ids[email] else { continue }
            let old = before[email]?.custom ?? [:]
            for (field, value) in state.custom.sorted(by: { $0.key < $1.key }) where old[field] != value {
                set.append((id, field, value))
            }
            for field in old.keys.sorted() where state.custom[field] == nil {
                remove.append((id, field))
            }
        }
        try await tx.leads.writeValues(set: set, remove: remove)
    }

    static func state(of lead: Lead) -> LeadMerge.State {
        var custom: [Int64: LeadMerge.State.Value] = [:]
        for value in lead.custom { custom[value.fieldID] = .init(text: value.value, flagged: value.flagged) }
        return LeadMerge.State(email: lead.email, fields: lead.fields, custom: custom)
    }
}
