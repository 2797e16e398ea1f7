import Foundation

/// How a document's parties move through their steps, decided on the parties as a unit of work
/// locked them with their document: whose turn it is, what one party's action does to the
/// document, and who is told what once it is kept. Pure; the caller persists the parties it changed.
struct PartyFlow {
    private(set) var parties: [DocumentParty]
    /// Ids of the parties changed so far.
    private(set) var changed: Set<Int64> = []

    /// What is to be sent once a kept action is written.
    enum Notice: Sendable, Equatable {
        /// The party's turn has come: its link goes out.
        case turn(Int64)
        /// Every signer and approver completed: a copy of the completed document for each party.
        case completed
        /// The party declined: the document's owner is told why.
        case declined(Int64)
    }

    init(_ parties: [DocumentParty]) {
        self.parties = parties
    }

    /// The step whose signers and approvers are awaited; nil once none is (or there are none).
    var currentStep: Int? {
        parties.filter(\.awaited).map(\.step).min()
    }

    /// True once every signer and approver completed.
    var isComplete: Bool {
        currentStep == nil && parties.contains { $0.role.completes }
    }

    /// True when the party's step has begun: no signer or approver of an earlier step is awaited.
    func isTurn(of party: DocumentParty) -> Bool {
        currentStep.map { party.step <= $0 } ?? true
    }

    /// The parties whose turn has come and who were not told yet (copies wait for completion); one
    /// that looked early through its link is still told.
    var due: [DocumentParty] {
        parties.filter { $0.role != .cc && $0.notifiedAt == nil && !$0.hasDecided && isTurn(of: $0) }
    }

    func party(_ id: Int64) -> DocumentParty? {
        parties.first { $0.id == id }
    }

    /// The change to the document that `action` by the party makes: signing or approving completes
    /// the document only when no other signer or approver is awaited; before its turn, a party may
    /// look but not act.
    func change(for action: RecipientAction, by partyID: Int64) throws -> DocumentLifecycle.Change {
        guard let party = party(partyID) else { throw RecipientError.linkInvalid }
        switch action {
        case .view, .download, .register:
            return .recipient(action)
        case .sign, .accept, .decline:
            guard isTurn(of: party) else { throw RecipientError.notYourTurn }
            if party.status == .completed { throw action == .sign ? RecipientError.alreadySigned : RecipientError.alreadyDone(.accept) }
            if action == .decline { return .recipient(.decline) }
            let othersAwaited = parties.contains { $0.awaited && $0.id != partyID }
            if othersAwaited { return .partyCompleted }
            // The last completion gives the document the strongest outcome its parties asked for.
            return .recipient(parties.contains { $0.role == .signer } ? .sign : .accept)
        }
    }

    /// Keeps what `action` did to the party, with `evidence` of a completion or decline (a
    /// decline's `reason` among it; built only for those); returns what must be sent.
    mutating func keep(
        _ action: RecipientAction, by partyID: Int64, at time: Date, evidence: @autoclosure () -> [String: JSONValue]
    ) -> [Notice] {
        guard let index = parties.firstIndex(where: { $0.id == partyID }) else { return [] }
        let wasComplete = isComplete
        var party = parties[index]
        party.lastAccessAt = time
        party.updatedAt = time
        switch action {
        case .view, .download, .register:
            if party.status == .pending || party.status == .notified { party.status = .viewed }
        case .sign, .accept:
            party.status = .completed
            party.completedAt = time
            party.evidence = evidence()
        case .decline:
            let evidence = evidence()
            party.status = .declined
            party.declinedAt = time
            party.declineReason = evidence["reason"]?.text
            party.evidence = evidence
        }
        parties[index] = party
        changed.insert(partyID)
        switch action {
        case .decline: return [.declined(partyID)]
        case .sign, .accept:
            if isComplete, !wasComplete { return [.completed] }
            return due.map { .turn($0.id) }
        default: return []
        }
    }

    /// Marks the party as told (its link sent) at `time`.
    mutating func notified(_ partyID: Int64, at time: Date) {
        guard let index = parties.firstIndex(where: { $0.id == partyID }) else { return }
        if parties[index].status == .pending { parties[index].status = .notified }
        parties[index].notifiedAt = time
        parties[index].updatedAt = time
        changed.insert(partyID)
    }
}
