import Engage
import Foundation

/// The recipient's document page; after an action, the same page with its confirmation.
struct RecipientPage: PageContext, Hashable {
    let title: String
    /// The page's language; its sentences come from the catalogue (`PortalLocale`, bound to it).
    let lang: String
    let switchLanguage: String
    let switchLanguageName: String
    /// The link's secret, for the forms' addresses.
    let token: String
    let number: String
    let sender: String
    let amount: String?
    let dueDate: String?
    let description: SafeHTML?
    let pdfHref: String?
    /// The payment link, through `/p/{token}/pay`, which records the click.
    let payHref: String?
    /// A confirmation, or why an action is no longer offered.
    let notice: String?
    let noticeIsError: Bool
    let canAccept: Bool
    let canSign: Bool
    let canRegister: Bool
    let canDecline: Bool
    let hasActions: Bool
    let hasErrors: Bool
    let errors: [String: String]
    let values: [String: String]
    /// The price tables, with the recipient's choices while they may still choose.
    let priceTables: PriceTablesView?
    /// Problems with the choices, told above the tables.
    let choiceErrors: [String]
    /// The recipient may choose: accepting or signing agrees to the total as last updated.
    let hasChoices: Bool
    /// The identity check standing between the recipient and their decisions, until they pass it.
    let verification: VerificationPanel?

    init(
        visit: RecipientVisit, secret: String, language: Language, sender: String, check: VerificationService.Status? = nil,
        notice: String? = nil, noticeIsError: Bool = false, errors: [String: String] = [:], values: [String: String] = [:]
    ) {
        let document = visit.document
        var available = Set(visit.availableActions)
        let decisions = available.intersection([.accept, .sign, .decline])
        verification = check.flatMap { $0.verified || decisions.isEmpty ? nil : VerificationPanel($0) }
        if verification != nil { available.subtract(decisions) }
        lang = language.rawValue
        switchLanguage = language.other.rawValue
        switchLanguageName = language.other.name
        title = document.title
        token = secret
        number = document.documentNumber
        self.sender = sender
        amount = document.totalAmount.map { PortalLocale.money($0, currency: document.currency, language: language) }
        dueDate = document.dueDate.map { PortalLocale.longDay($0, language: language) }
        // Markdown from staff, rendered by cmark in safe mode: raw HTML never reaches the page.
        description = document.description.map(Markdown.render)
        pdfHref = available.contains(.download) ? "/p/\(secret)/pdf" : nil
        payHref = visit.canPay ? "/p/\(secret)/pay" : nil
        canAccept = available.contains(.accept)
        canSign = available.contains(.sign)
        canRegister = available.contains(.register)
        canDecline = available.contains(.decline)
        hasActions = canAccept || canSign || canRegister || canDecline || verification != nil
        priceTables = visit.content.isEmpty ? nil : PriceTablesView(
            visit.content, currency: document.currency, language: language, choosable: canAccept || canSign)
        hasChoices = priceTables?.hasChoices ?? false
        choiceErrors = errors.filter { $0.key.hasPrefix("choices") }.sorted { $0.key < $1.key }.map(\.value)
        self.notice = notice ?? Self.state(of: visit).map { PortalLocale.current.text($0) }
        self.noticeIsError = noticeIsError
        hasErrors = !errors.isEmpty
        self.errors = errors
        var prefilled = values
        // The register form starts from the link's prefill data (name, email, company, phone).
        for field in RecipientDocumentPayload.prefillFields where prefilled[field] == nil {
            if case .string(let text)? = visit.link.prefillData?[field] ?? document.prefillData?[field] { prefilled[field] = text }
        }
        self.values = prefilled
    }

    /// What the recipient should know about actions already taken: a signature always (the signer's
    /// copy link only views), an acceptance when the link could accept. A document still on its way
    /// (draft to downloaded, such as one reopened to be revised) shows no earlier round's outcome.
    /// A party is told when its turn has not come, or that its part is done while others' is not.
    /// The message's key.
    private static func state(of visit: RecipientVisit) -> String? {
        let document = visit.document, link = visit.link
        if let party = visit.party, DocumentLifecycle.awaitsDecision(document.status) {
            if party.status == .completed { return "partyDone" }
            if !visit.isPartyTurn, party.role.completes { return "notYourTurn" }
        }
        if DocumentLifecycle.awaitsDecision(document.status) { return nil }
        if document.signedAt != nil { return "alreadySigned" }
        if document.rejectedAt != nil { return "alreadyDeclined" }
        if document.acceptedAt != nil, link.allows(.accept) { return "alreadyAccepted" }
        return nil
    }
}

/// The code form shown instead of the decisions while the link's recipient has not proved who they are.
struct VerificationPanel: Hashable {
    let destination: String
    let byEmail: Bool
    /// True while the last code sent can be typed: the code field is shown.
    let codePending: Bool
    /// Seconds before another code may be asked for; nil when one may be now.
    let resendIn: Int?

    init(_ status: VerificationService.Status) {
        destination = status.destination
        byEmail = status.channel == .email
        codePending = status.codePending
        resendIn = status.resendIn > 0 ? status.resendIn : nil
    }
}

/// A recipient's request that cannot be served: the reason in their language, with the same status as the API.
struct RecipientErrorPage: PageContext {
    let title: String
    let lang: String
    let message: String

    /// Made while `PortalLocale` is bound to `language`.
    init(_ error: any Error, language: Language) {
        let t = PortalLocale.current
        lang = language.rawValue
        title = t.text((error as? RecipientError) == .cancelled ? "withdrawnTitle" : "errorTitle")
        let key = switch error as? RecipientError {
        case .linkInvalid?: "linkInvalid"
        case .expired?: "expired"
        case .alreadySigned?: "alreadySigned"
        case .actionNotAllowed?: "notAllowed"
        case .addressNotAllowed?: "addressNotAllowed"
        case .alreadyDone(.decline)?: "alreadyDeclined"
        case .alreadyDone(.register)?: "alreadyRegistered"
        case .alreadyDone?: "alreadyAccepted"
        case .noPDF?: "noPDF"
        case .noPaymentLink?: "noPaymentLink"
        case .cancelled?: "withdrawn"
        case .alreadyPaid?: "alreadyPaid"
        case .notYourTurn?: "notYourTurn"
        case nil: "somethingWrong"
        }
        message = t.text(key)
    }
}
