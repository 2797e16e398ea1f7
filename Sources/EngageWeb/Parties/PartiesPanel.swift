import Engage
import Foundation

/// The Parties panel of the document page: the steps in order, each party's status, last access
/// and evidence, what staff may do with it, and the add form.
struct PartiesPanel: Sendable {
    /// One step: parties acting in parallel.
    struct Step: Sendable {
        let number: Int
        let parties: [Row]
        /// Every signer and approver of the step completed.
        let isDone: Bool
    }

    struct Row: Sendable {
        /// Where the row's forms post: `/documents/{id}/parties/{party id}`.
        let actions: String
        /// Unique on the page, for the ids of its fields.
        let key: String
        let name: String
        let email: String
        let phone: String
        let contact: String
        let role: String
        /// The role picker of the row's edit form.
        let roleOptions: [SelectOption]
        let verifyOptions: [SelectOption]
        let order: Int
        let status: String
        let statusClass: String
        let lastAccess: PortalTime?
        /// How it completed or declined, in one line.
        let evidence: String?
        let canRenotify: Bool
        let canTransfer: Bool
        let canRemove: Bool
    }

    /// A party's link just made: shown whole this once.
    struct NewLink: Sendable {
        let partyID: Int64
        let name: String
        let url: String
    }

    let steps: [Step]
    let hasParties: Bool
    /// A party completed: the parties no longer change.
    let isLocked: Bool
    let newLinks: [NewLink]
    let hasNewLinks: Bool
    let errors: [String: String]
    let values: [String: String]
    let roleOptions: [SelectOption]
    let verifyOptions: [SelectOption]

    init(_ parties: [DocumentParty], newLinks: [NewLink] = [], errors: ValidationError? = nil, values: [String: String] = [:]) {
        let grouped = Dictionary(grouping: parties, by: \.step)
        let locked = parties.contains { $0.status == .completed }
        steps = grouped.keys.sorted().map { number in
            let members = grouped[number] ?? []
            return Step(
                number: number, parties: members.map { Self.row($0, locked: locked) },
                isDone: members.contains { $0.role.completes } && members.allSatisfy { !$0.role.completes || $0.status == .completed })
        }
        hasParties = !parties.isEmpty
        isLocked = locked
        self.newLinks = newLinks
        hasNewLinks = !newLinks.isEmpty
        self.errors = errors?.messagesByField ?? [:]
        self.values = values
        roleOptions = SelectOption.named(DocumentParty.Role.allCases, selected: values["role"] ?? DocumentParty.Role.signer.rawValue)
        verifyOptions = SelectOption.identityChecks(selected: values["verify"])
    }

    private static func row(_ party: DocumentParty, locked: Bool) -> Row {
        let reachable = party.email != nil || party.phone != nil
        let told = party.notifiedAt != nil
        let decided = party.status == .completed || party.status == .declined
        return Row(
            actions: "/documents/\(party.documentID)/parties/\(party.id)", key: "party-\(party.id)", name: party.name,
            email: party.email ?? "", phone: party.phone ?? "",
            contact: [party.email, party.phone, party.verify?.label]
                .compactMap { $0 }.joined(separator: " · "),
            role: party.role.label, roleOptions: SelectOption.named(DocumentParty.Role.allCases, selected: party.role.rawValue),
            verifyOptions: SelectOption.identityChecks(selected: party.verify?.rawValue),
            order: party.step, status: party.status.label,
            statusClass: badgeClass(party.status),
            lastAccess: party.lastAccessAt.map(PortalTime.init), evidence: evidence(party),
            canRenotify: reachable && told && party.status != .declined, canTransfer: told && !decided, canRemove: !locked)
    }

    private static func badgeClass(_ status: DocumentParty.Status) -> String {
        switch status {
        case .completed: "badge-ok"
        case .declined: "badge-error"
        case .viewed, .notified: "badge-info"
        case .pending: ""
        }
    }

    private static func evidence(_ party: DocumentParty) -> String? {
        guard let evidence = party.evidence else { return nil }
        func text(_ key: String) -> String? { evidence[key]?.text }
        let address = [text("ip"), text("host").map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
        var parts: [String] = []
        let t = PortalLocale.current
        if let name = text("signer_name") { parts.append(t.text("evidenceAs", ["name": name])) }
        if !address.isEmpty { parts.append(t.text("evidenceFrom", ["address": address])) }
        if let check = CompletionCertificate.IdentityCheck(evidence["verification"]) { parts.append(check.summary) }
        if let reason = party.declineReason { parts.append("“\(reason)”") }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }
}
