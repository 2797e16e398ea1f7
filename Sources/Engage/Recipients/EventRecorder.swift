import Foundation
import Metrics

/// Records recipients' events in shared transactions (`WriteBatcher`): a caller is answered only
/// once its event is committed (or refused, with nothing written).
///
/// Each batch locks its documents, then its links (the order every writer follows), has
/// `DocumentLifecycle` decide each change against the document as the batch's earlier changes
/// left it, counts link uses against `max_uses` under those locks, writes every document's events
/// and effects, and queues the side effects the lifecycle asked for. A link of a party acts
/// through `PartyFlow`: the party's step and status decide what its action does to the document,
/// and the parties whose turn comes are notified in the same transaction.
struct EventRecorder: Sendable {
    /// One change to record.
    struct Recording: Sendable {
        let documentID: Int64
        let change: DocumentLifecycle.Change
        let linkID: Int64?
        let client: ClientInfo
        /// The link's own address, where a signature's confirmation goes before the document's.
        var recipientEmail: String? = nil
        /// The party the link acts for.
        var partyID: Int64? = nil
        /// The client's host name, resolved for a party's completion evidence.
        var host: String? = nil
        /// The event's details, from the document as the batch found it (a signature's evidence).
        var details: @Sendable (Document) -> [String: JSONValue]? = { _ in nil }
    }

    private let batcher: WriteBatcher<Recording, Document>
    /// Rows per transaction at most, so that one batch never holds its locks for long.
    private static let batchLimit = 500
    /// How many recordings each transaction carried: near 1 when idle, larger as load grows.
    private static let batchSizes = Recorder(label: "engage_event_batch_size", aggregate: true)

    init(database: Database, confirmations: SendService?) {
        batcher = WriteBatcher(limit: Self.batchLimit) { batch in
            Self.batchSizes.record(batch.count)
            do {
                // Each batch extends chains from the heads it reads: never from a stale one.
                return try await Database.$causalReads.withValue(true) {
                    try await database.write { tx in
                        try await Self.write(batch, in: tx, confirmations: confirmations)
                    }
                }
            } catch {
                return batch.map { _ in .failure(error) }
            }
        }
    }

    /// Writes `recording` with whatever else is waiting; returns the document as it stands once
    /// the change is committed.
    func record(_ recording: Recording) async throws -> Document {
        try await batcher.submit(recording)
    }

    private static func write(_ batch: [Recording], in tx: Transaction, confirmations: SendService?) async throws -> [Result<Document, any Error>] {
        // One statement locks every document of the batch, one every link: a batch of views of many
        // documents costs a few statements more than a batch of one, not a few per document.
        let now = Date()
        var changes = try await tx.documents.lockLive(ids: Set(batch.map(\.documentID)).sorted()).mapValues { DocumentChanges($0, at: now) }
        var flows: [Int64: PartyFlow] = [:]
        for id in Set(batch.filter { $0.partyID != nil }.map(\.documentID)).sorted() where changes[id] != nil {
            flows[id] = PartyFlow(try await tx.parties.all(documentID: id))
        }
        // What an acceptance or a signature agrees to pay, as the document's price tables stand under its lock.
        var prices: [Int64: Pricing] = [:]
        for id in Set(batch.filter(\.change.agreesToPrices).map(\.documentID)).sorted() where changes[id] != nil {
            let tables = try await tx.priceTables.tables(of: .document(id))
            if !tables.isEmpty { prices[id] = PriceCalculator.price(tables) }
        }
        var usage = try await tx.links.lockUsage(ids: Set(batch.filter(\.change.mayUseLink).compactMap(\.linkID)).sorted())

        var outcomes: [Result<Document, any Error>] = []
        var effects: [(DocumentLifecycle.SideEffect, Recording, Document, [String: JSONValue]?)] = []
        var notices: [(documentID: Int64, notice: PartyFlow.Notice)] = []
        var registrations: [LeadRepository.Queued] = []
        for recording in batch {
            guard var document = changes[recording.documentID] else {
                outcomes.append(.failure(RecipientError.linkInvalid))  // deleted meanwhile
                continue
            }
            do {
                let party = try recording.partyID.map { id in
                    guard let flow = flows[recording.documentID], let party = flow.party(id) else { throw RecipientError.linkInvalid }
                    return (flow: flow, party: party)
                }
                var change = recording.change
                if let party, case .recipient(let action) = change { change = try party.flow.change(for: action, by: party.party.id) }
                let decision = try document.decide(change)
                if decision.usesLink, let id = recording.linkID {
                    if let refusal = usage[id].map({ $0.refusal() }) ?? .linkInvalid { throw refusal }
                    usage[id]?.granted += 1
                }
                var details = recording.details(document.document)
                if let party {
                    details = (details ?? [:]).merging(["party": .string(party.party.name), "party_id": .number(Decimal(party.party.id))]) { $1 }
                }
                if recording.change.agreesToPrices, let pricing = prices[recording.documentID] {
                    details = (details ?? [:]).merging(["pricing": pricing.evidence(currency: document.document.currency)]) { $1 }
                }
                document.keep(decision, linkID: recording.linkID, client: recording.client, details: details)
                changes[recording.documentID] = document
                if let party, case .recipient(let action) = recording.change, decision.refusal == nil {
                    let kept = flows[recording.documentID]!.keep(
                        action, by: party.party.id, at: now, evidence: Self.evidence(of: recording, details, at: now))
                    notices += kept.map { (recording.documentID, $0) }
                }
                if case .recipient(.register) = recording.change, decision.refusal == nil, let lead = Self.registration(details) {
                    registrations.append(.init(changes: lead, source: .document, documentID: recording.documentID))
                }
                // A party's flow sends its own copies on completion.
                effects += decision.effects.filter { recording.partyID == nil || $0 != .signedConfirmation }
                    .map { ($0, recording, document.document, details) }
                outcomes.append(decision.refusal.map { .failure($0) } ?? .success(document.document))
            } catch {
                outcomes.append(.failure(error))
            }
        }

        try await DocumentChanges.write(changes.sorted { $0.key < $1.key }.map(\.value), in: tx)
        try await tx.links.addUses(usage.filter { $0.value.granted > 0 }.mapValues(\.granted))
        for (effect, recording, document, details) in effects {
            switch effect {
            case .signedConfirmation:
                guard case .string(let signer)? = details?["signer_name"] else { break }
                try await confirmations?.queueSignedConfirmation(
                    documentID: document.id, signerName: signer,
                    email: recording.recipientEmail ?? document.recipientEmail, in: tx)
            case .pushStatus:
                break  // queued by DocumentChanges.write
            }
        }
        _ = try await tx.leads.queue(registrations, at: now)
        for (id, var flow) in flows.sorted(by: { $0.key < $1.key }) {
            for notice in notices where notice.documentID == id {
                try await confirmations?.deliver(notice.notice, flow: &flow, in: tx, at: now)
            }
            for partyID in flow.changed.sorted() {
                if let party = flow.party(partyID) { try await tx.parties.save(party) }
            }
        }
        return outcomes
    }

    /// The lead a Register makes (the details `RecipientService.register` gave).
    private static func registration(_ details: [String: JSONValue]?) -> LeadChanges? {
        guard case .string(let name)? = details?["name"], case .string(let email)? = details?["email"] else { return nil }
        return .registration(name: name, email: email, company: details?["company"]?.text, phone: details?["phone"]?.text)
    }

    /// How a party completed or declined: where from, when, and what it signed with.
    private static func evidence(of recording: Recording, _ details: [String: JSONValue]?, at time: Date) -> [String: JSONValue] {
        var evidence: [String: JSONValue] = [
            "at": .string(ISOTimestamp.string(time)),
            "ip": recording.client.ipAddress.map(JSONValue.string) ?? .null,
            "host": recording.host.map(JSONValue.string) ?? .null,
            "user_agent": recording.client.userAgent.map(JSONValue.string) ?? .null,
        ]
        for key in ["signer_name", "signature_image", "signature_image_sha256", "content_sha256", "consent_sha256", "reason", "verification"] {
            if let value = details?[key] { evidence[key] = value }
        }
        return evidence
    }
}
