import Engage
import Foundation

/// The portal's document page: facts, recipient links, the timeline of events, the PDF.
struct DocumentShowPage: PageContext {
    /// Events listed on the page; the audit trail has them all.
    static let timelineLength = 50

    let title: String
    let chrome: PortalChrome?
    let id: Int64
    let number: String
    let status: String
    let statusClass: String
    let facts: [Fact]
    let firsts: [TimeFact]
    let events: [EventRow]
    let hasEvents: Bool
    let links: [LinkRow]
    let hasLinks: Bool
    let messages: [OutboxRow]
    let hasMessages: Bool
    let remindersEnabled: Bool
    /// A link just created: the only time its whole URL is shown.
    let newLink: String?
    let linkErrors: [String: String]
    let linkValues: [String: String]
    let verifyOptions: [SelectOption]
    let actionChoices: [ActionChoice]
    let parties: PartiesPanel
    /// Staff's Markdown, rendered by cmark in safe mode.
    let description: SafeHTML?
    let metadata: String?
    let pdf: Document.StoredPDF?
    let notice: String?
    let uploadError: String?
    let canWrite: Bool
    /// The document was signed or accepted: its completion certificate exists.
    let hasCertificate: Bool
    /// The price tables as they stand (the recipient's choices included), with the recipient page's labels.
    let priceTables: PriceTablesView?
    /// Until a recipient accepted or signed (or a party completed), staff may change the prices.
    let canEditPrices: Bool

    /// One event of the timeline.
    struct EventRow: Sendable {
        let type: String
        let time: PortalTime
        let device: String
        let address: String
        let detail: String
    }

    /// When something first happened to the document.
    struct TimeFact: Sendable {
        let label: String
        let time: PortalTime
    }

    /// One recipient link.
    struct LinkRow: Sendable {
        let revokeURL: String
        let prefix: String
        let actions: String
        /// Nil for a link that never expires.
        let expires: PortalTime?
        let uses: String
        let state: String
        let stateClass: String
        let isActive: Bool
    }

    /// A checkbox of the new-link form.
    struct ActionChoice: Sendable {
        let name: String
        let label: String
        let checked: Bool

        init(_ action: RecipientAction, checked: Bool) {
            name = action.rawValue
            label = action.label
            self.checked = checked
        }
    }

    init(
        details: DocumentDetails, context: EngageRequestContext, notice: String? = nil, uploadError: String? = nil,
        newLink: String? = nil, linkErrors: ValidationError? = nil, linkValues: [String: String] = [:],
        newPartyLinks: [PartiesPanel.NewLink] = [], partyErrors: ValidationError? = nil, partyValues: [String: String] = [:]
    ) throws {
        let document = details.document
        let now = Date()
        title = document.title
        chrome = PortalChrome(context: context, section: "documents")
        id = document.id
        number = document.documentNumber
        status = document.status.label
        statusClass = document.status.badgeClass
        let t = PortalLocale.current
        facts = [
            Fact(t.text("type"), document.documentType.label),
            Fact(t.text("amount"), document.totalAmount.map { t.money($0, currency: document.currency) }),
            Fact(t.text("dueDate"), document.dueDate.map(t.day)),
            Fact(t.text("expires"), document.expiresAt.map(t.time)),
            Fact(t.text("recipient"), [document.recipientName, document.recipientEmail].compactMap { $0 }.joined(separator: " · ")),
            Fact(t.text("company"), document.recipientCompany),
            Fact(t.text("contact"), document.contactID.map { "#\($0)" }, url: document.contactID.map { "/contacts/\($0)" }),
            Fact(t.text("organization"), document.organizationID.map { "#\($0)" }, url: document.organizationID.map { "/organizations/\($0)" }),
            Fact(t.text("externalReference"), [document.externalSource?.rawValue, document.externalID].compactMap { $0 }.joined(separator: " ")),
            Fact(t.text("externalLink"), document.externalURL, url: document.externalURL),
            Fact(t.text("pdfLink"), document.pdfURL, url: document.pdfURL),
            Fact(t.text("paymentLink"), document.paymentURL, url: document.paymentURL),
            Fact(t.text("views"), String(document.viewCount)),
            Fact(t.text("messageToRecipient"), document.customMessage),
        ].filter { !$0.value.isEmpty }
        let timestamps: [(String, Date?)] = [
            ("created", document.createdAt), ("sentAt", document.sentAt), ("firstViewedAt", document.firstViewedAt),
            ("lastViewedAt", document.lastViewedAt), ("downloadedAt", document.downloadedAt), ("acceptedAt", document.acceptedAt),
            ("signedAt", document.signedAt), ("registeredAt", document.registeredAt), ("paidAt", document.paidAt),
            ("rejectedAt", document.rejectedAt), ("expiredAt", document.expiredAt), ("cancelledAt", document.cancelledAt),
            ("lastChanged", document.updatedAt),
        ]
        firsts = timestamps.compactMap { key, date in date.map { TimeFact(label: t.text(key), time: PortalTime($0)) } }
        events = details.recentEvents.map(Self.row)
        messages = details.messages.map(OutboxRow.init)
        hasMessages = !messages.isEmpty
        remindersEnabled = document.remindersEnabled
        hasEvents = !events.isEmpty
        links = details.tokens.map { token in
            let state = token.revokedAt != nil ? "linkRevoked" : token.isUsedUp ? "linkUsedUp"
                : token.expiresAt.map { $0 <= now } == true ? "linkExpired" : "linkActive"
            return LinkRow(
                revokeURL: "/documents/\(document.id)/links/\(token.id)/revoke", prefix: token.prefix + "…",
                // The identity check the link asks for before a decision, beside what it allows.
                actions: ([token.allowedActions.map(\.label).joined(separator: ", ")]
                    + [token.verify?.label].compactMap { $0 }).joined(separator: " · "),
                expires: token.expiresAt.map(PortalTime.init),
                uses: token.maxUses.map { t.text("usesOf", ["used": String(token.useCount), "allowed": String($0)]) } ?? String(token.useCount),
                state: t.text(state), stateClass: state == "linkActive" ? "badge-ok" : "badge-error", isActive: state == "linkActive")
        }
        hasLinks = !links.isEmpty
        self.newLink = newLink
        self.linkErrors = linkErrors?.messagesByField ?? [:]
        self.linkValues = linkValues
        verifyOptions = SelectOption.identityChecks(selected: linkValues["verify"])
        let chosen = linkValues.isEmpty ? ["view", "download"] : RecipientAction.allCases.map(\.rawValue).filter { linkValues["action_\($0)"] != nil }
        actionChoices = RecipientAction.allCases.map { ActionChoice($0, checked: chosen.contains($0.rawValue)) }
        parties = PartiesPanel(details.parties, newLinks: newPartyLinks, errors: partyErrors, values: partyValues)
        description = document.description.map(Markdown.render)
        metadata = try document.metadata.map { String(decoding: try APIResponse.encoder.encode($0), as: UTF8.self) }
        pdf = document.pdf
        self.notice = notice
        self.uploadError = uploadError
        canWrite = try context.actor().role.canWrite
        hasCertificate = document.completedAt != nil
        canEditPrices = canWrite && !PricesFrozen.applies(to: document, parties: details.parties)
        priceTables = details.content.isEmpty ? nil : PriceTablesView(
            details.content, currency: document.currency, language: t.language, choosable: false)
    }

    /// "for 1982.37 EUR": the total of the price tables an acceptance or a signature agreed to.
    private static func agreedTotal(_ event: DocumentEvent) -> String? {
        guard case .object(let pricing)? = event.details?["pricing"], case .number(let total)? = pricing["total"] else { return nil }
        return "for \(Money.format(total)) \(pricing["currency"]?.text ?? "")"
    }

    /// The identity check a decision names: its code's channel and masked address.
    private static func verifiedBy(_ event: DocumentEvent) -> String? {
        guard case .object(let check)? = event.details?["verification"] else { return nil }
        return "identity verified by \(check["channel"]?.text ?? "") code to \(check["destination"]?.text ?? "")"
    }

    static func row(_ event: DocumentEvent) -> EventRow {
        let detail: String = switch event.eventType {
        case .signed: [event.details?["signer_name"].flatMap(\.text).map { "by \($0)" }, agreedTotal(event), verifiedBy(event)].compactMap { $0 }
            .joined(separator: " · ")
        case .accepted: [agreedTotal(event), verifiedBy(event)].compactMap { $0 }.joined(separator: " · ")
        case .declined: [event.details?["reason"].flatMap(\.text), verifiedBy(event)].compactMap { $0 }.joined(separator: " · ")
        case .registered: [event.details?["name"], event.details?["email"]].compactMap { $0.flatMap(\.text) }.joined(separator: " · ")
        case .statusChanged:
            [event.details?["from"], event.details?["to"]].compactMap { $0.flatMap(\.text) }.joined(separator: " → ")
                + (event.details?["source"]?.text.map { " · from \($0)" } ?? "")
        case .partnerUpdated, .partnerUpdateFailed:
            [event.details?["source"]?.text.map { "\($0): " + (event.details?["status"]?.text ?? "") }, event.details?["error"]?.text]
                .compactMap { $0 }.joined(separator: " · ")
        case .emailQueued, .smsQueued: ["to " + (event.details?["recipient"]?.text ?? ""), event.details?["template"]?.text]
            .compactMap { $0 }.joined(separator: " · ")
        case .emailFailed, .smsFailed: [event.details?["status"]?.text, event.details?["error"]?.text].compactMap { $0 }.joined(separator: ": ")
        case .verificationSent, .identityVerified: [event.details?["channel"]?.text, event.details?["destination"]?.text]
            .compactMap { $0 }.joined(separator: " · ")
        default: event.linkID.map { "link #\($0)" } ?? ""
        }
        // A view the document refused (it was cancelled) says so, beside its link.
        let refused = event.details?["refused"]?.text.map { "refused: " + $0.replacingOccurrences(of: "_", with: " ") }
        return EventRow(
            type: event.eventType.label, time: PortalTime(event.createdAt),
            device: event.deviceType?.label ?? "", address: event.ipAddress ?? "",
            detail: [detail, refused].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · "))
    }
}
