import Foundation

/// The changes a unit of work makes to one document it locked: each decided by
/// `DocumentLifecycle` against the document as the earlier ones left it, then written together
/// (the events appended to the chain, status, stamps, counters and chain end in one statement),
/// with the webhooks they announce.
struct DocumentChanges {
    /// The document as the changes so far leave it.
    private(set) var document: Document
    private let chainHead: Data?
    private var events: [DocumentEventRepository.NewEvent] = []
    private var update: DocumentRepository.LifecycleUpdate
    /// A kept decision asked for the status to be written back to the partner.
    private var pushesStatus = false

    init(_ locked: DocumentRepository.Locked, at time: Date = Date()) {
        self.document = locked.document
        self.chainHead = locked.chainHead
        self.update = .init(chainHead: locked.chainHead, time: time)
    }

    /// What `change` would do to the document as it stands; throws the lifecycle's refusal.
    func decide(_ change: DocumentLifecycle.Change) throws -> DocumentLifecycle.Decision {
        try DocumentLifecycle.decide(change, for: document)
    }

    /// Decides `change` and keeps it, its event carrying who and where it came from; throws the
    /// lifecycle's refusal and keeps nothing then.
    @discardableResult
    mutating func apply(
        _ change: DocumentLifecycle.Change, linkID: Int64? = nil, userID: Int64? = nil, client: ClientInfo? = nil,
        details: [String: JSONValue]? = nil
    ) throws -> DocumentLifecycle.Decision {
        let decision = try decide(change)
        keep(decision, linkID: linkID, userID: userID, client: client, details: details)
        return decision
    }

    /// Keeps a decision made by `decide` on the document as it still stands.
    mutating func keep(
        _ decision: DocumentLifecycle.Decision, linkID: Int64? = nil, userID: Int64? = nil, client: ClientInfo? = nil,
        details: [String: JSONValue]? = nil
    ) {
        if let type = decision.event {
            let merged = decision.details.isEmpty ? details : (details ?? [:]).merging(decision.details) { _, rule in rule }
            events.append(.init(type: type, linkID: linkID, userID: userID, client: client, details: merged))
        }
        if let status = decision.status, status != document.status { update.status = status }
        update.stamps.formUnion(decision.stamps.filter { document[keyPath: $0.field] == nil })
        update.views += decision.views
        if decision.effects.contains(.pushStatus) { pushesStatus = true }
        document = document.applying(decision, at: update.time)
    }

    /// True when something was kept that `write` will store.
    var hasChanges: Bool { !events.isEmpty }

    /// Writes what was kept; returns the events as stored.
    /// `audience`: the webhook subscribers, when the caller read them once for many documents.
    @discardableResult
    func write(in tx: Transaction, audience: WebhookAudience? = nil) async throws -> [DocumentEvent] {
        try await Self.write([self], in: tx, audience: audience)
    }

    /// Writes what was kept on several documents, made at one time (a batch's): every event in one
    /// statement, the documents' rows in as few as their changes allow, then the webhooks each announces.
    @discardableResult
    static func write(_ all: [DocumentChanges], in tx: Transaction, audience: WebhookAudience? = nil) async throws -> [DocumentEvent] {
        var audience = audience
        let changed = all.filter(\.hasChanges)
        guard let time = changed.first?.update.time else { return [] }
        let appended = try await tx.events.append(
            changed.map { ($0.document.id, $0.chainHead, AnalyticsDimensions($0.document), $0.events) }, at: time)
        try await tx.documents.record(Dictionary(uniqueKeysWithValues: changed.map { changes in
            var update = changes.update
            update.chainHead = appended.heads[changes.document.id] ?? changes.chainHead
            return (changes.document.id, update)
        }))
        for changes in changed {
            let document = changes.document
            let update = changes.update
            if changes.pushesStatus, let externalID = document.externalID, let source = document.externalSource {
                try await tx.pushes.queue(documentID: document.id, source: source, externalID: externalID, status: .accepted, at: update.time)
            }
            let types = changes.events.compactMap { WebhookEventType.announcing($0.type, status: document.status) }
            // The subscribers are read once, and only if something is to be announced.
            if !types.isEmpty && audience == nil { audience = try await WebhookAudience.read(in: tx) }
            try await tx.announce(types, document, at: update.time, to: audience)
        }
        return appended.events
    }
}

extension Transaction {
    /// Locks a live document and applies one change to it; nil when there is no live document.
    /// Returns the document as it now stands.
    func change(
        documentID: Int64, _ change: DocumentLifecycle.Change, linkID: Int64? = nil, userID: Int64? = nil,
        client: ClientInfo? = nil, details: [String: JSONValue]? = nil
    ) async throws -> Document? {
        guard let locked = try await documents.lockLive(id: documentID) else { return nil }
        var changes = DocumentChanges(locked)
        try changes.apply(change, linkID: linkID, userID: userID, client: client, details: details)
        try await changes.write(in: self)
        return changes.document
    }
}
