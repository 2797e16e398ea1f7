import Foundation
import Hummingbird

/// The languages of recipient pages.
enum RecipientLanguage: String, Sendable, CaseIterable {
    case en, fr

    /// `?lang=` (the page's switch), then a form's `lang` field, then the best of `Accept-Language`; English otherwise.
    static func of(_ request: Request, form: [String: String] = [:]) -> RecipientLanguage {
        if let chosen = request.uri.queryParameters["lang"].flatMap({ Self(rawValue: String($0)) }) { return chosen }
        if let chosen = form["lang"].flatMap(Self.init(rawValue:)) { return chosen }
        return preferred(request.headers[.acceptLanguage] ?? "")
    }

    /// The supported language with the highest `q` in an `Accept-Language` value (the first on a tie).
    static func preferred(_ header: String) -> RecipientLanguage {
        var best: (language: RecipientLanguage, quality: Double)?
        for range in header.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased(),
                  let language = Self(rawValue: String(tag.prefix(while: { $0 != "-" })))
            else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if quality > 0, quality > (best?.quality ?? 0) { best = (language, quality) }
        }
        return best?.language ?? .en
    }

    var locale: Locale { Locale(identifier: self == .fr ? "fr_FR" : "en_US") }

    var strings: RecipientStrings { self == .fr ? .french : .english }

    /// The strings by name, for templates (built once: pages read dozens of them).
    var table: [String: String] { self == .fr ? Self.frenchTable : Self.englishTable }
    private static let englishTable = RecipientStrings.english.table
    private static let frenchTable = RecipientStrings.french.table

    /// The other language, for the switch.
    var other: RecipientLanguage { self == .fr ? .en : .fr }
}

/// Every sentence of the recipient pages, in one language.
struct RecipientStrings: Sendable {
    /// Every sentence by its property name.
    var table: [String: String] {
        Dictionary(uniqueKeysWithValues: Mirror(reflecting: self).children.compactMap { child in
            (child.value as? String).flatMap { text in child.label.map { ($0, text) } }
        })
    }

    let languageName: String
    let from: String
    let amount: String
    let dueDate: String
    let reference: String
    let downloadPDF: String
    let pay: String
    let accept: String
    let acceptIntro: String
    let sign: String
    let signIntro: String
    let fullName: String
    let consent: String
    let drawSignature: String
    let clearSignature: String
    let register: String
    let registerIntro: String
    let name: String
    let email: String
    let company: String
    let phone: String
    let decline: String
    let declineIntro: String
    let reason: String
    let accepted: String
    let signed: String
    let registered: String
    let declined: String
    let alreadySigned: String
    let alreadyAccepted: String
    let alreadyDeclined: String
    let alreadyRegistered: String
    let fixErrors: String
    let errorTitle: String
    let linkInvalid: String
    let expired: String
    let notAllowed: String
    let addressNotAllowed: String
    let noPDF: String
    let noPaymentLink: String
    let withdrawnTitle: String
    let withdrawn: String
    let alreadyPaid: String
    let notYourTurn: String
    let partyDone: String
    let somethingWrong: String
    let quantity: String
    let unitPrice: String
    let lineAmount: String
    let optionLabel: String
    let optionBadge: String
    let leftOut: String
    let subtotalExclVAT: String
    let totalInclVAT: String
    let total: String
    let updateTotal: String
    let chooseIntro: String
    let choicesSaved: String
    let decideOnShownTotal: String

    static let english = RecipientStrings(
        languageName: "English", from: "From", amount: "Amount", dueDate: "Due date", reference: "Reference",
        downloadPDF: "Download the PDF", pay: "Pay", accept: "Accept", acceptIntro: "Accept this document as it stands.",
        sign: "Sign", signIntro: "Type your full name and tick the box to sign electronically.", fullName: "Full name",
        consent: "I have read this document and I agree to sign it electronically; my typed name is my signature.",
        drawSignature: "Draw your signature (optional)", clearSignature: "Clear",
        register: "Register", registerIntro: "Check and send your details.", name: "Name", email: "Email",
        company: "Company", phone: "Phone", decline: "Decline", declineIntro: "Tell us why, if you wish.", reason: "Reason",
        accepted: "Thank you: the document is accepted.", signed: "Thank you: your signature is recorded.",
        registered: "Thank you: your details are registered.", declined: "The document is declined. Thank you for letting us know.",
        alreadySigned: "This document is already signed.", alreadyAccepted: "This document is already accepted.",
        alreadyDeclined: "This document was declined.", alreadyRegistered: "Your details are already registered.", fixErrors: "Please correct the fields below.",
        errorTitle: "This link cannot be used", linkInvalid: "This link is not valid: it may have been revoked or used up. Ask the sender for a new one.",
        expired: "Access to this document has expired. Ask the sender for a new link.",
        notAllowed: "This link does not allow that action.", addressNotAllowed: "This link cannot be used from your network.",
        noPDF: "This document has no PDF.", noPaymentLink: "This document has no payment link.",
        withdrawnTitle: "Document withdrawn",
        withdrawn: "This document was withdrawn by its sender. Contact them if you still need it.",
        alreadyPaid: "This document is already paid.",
        notYourTurn: "Your turn has not come yet: the parties before you must act first. You will be notified when it does.",
        partyDone: "Thank you: your part is done. You will receive a copy once every party has completed.",
        somethingWrong: "Something went wrong. Please try again in a moment.",
        quantity: "Quantity", unitPrice: "Unit price", lineAmount: "Amount", optionLabel: "Include", optionBadge: "Option", leftOut: "left out", subtotalExclVAT: "Total excl. VAT",
        totalInclVAT: "Total incl. VAT", total: "Total", updateTotal: "Update the total",
        chooseIntro: "Tick the options you want and adjust the quantities: the total follows. Your choice is final once you accept or sign.",
        choicesSaved: "Your choices are saved and the total is updated.",
        decideOnShownTotal: "You agree to the total shown above. Changed an option or a quantity? Press “Update the total” first.")

    static let french = RecipientStrings(
        languageName: "Français", from: "De la part de", amount: "Montant", dueDate: "Échéance", reference: "Référence",
        downloadPDF: "Télécharger le PDF", pay: "Payer", accept: "Accepter", acceptIntro: "Accepter ce document en l’état.",
        sign: "Signer", signIntro: "Saisissez votre nom complet et cochez la case pour signer électroniquement.",
        fullName: "Nom complet",
        consent: "J’ai lu ce document et j’accepte de le signer électroniquement ; mon nom saisi vaut signature.",
        drawSignature: "Dessinez votre signature (facultatif)", clearSignature: "Effacer",
        register: "S’enregistrer", registerIntro: "Vérifiez et envoyez vos coordonnées.", name: "Nom", email: "E-mail",
        company: "Société", phone: "Téléphone", decline: "Refuser", declineIntro: "Dites-nous pourquoi, si vous le souhaitez.",
        reason: "Motif", accepted: "Merci : le document est accepté.", signed: "Merci : votre signature est enregistrée.",
        registered: "Merci : vos coordonnées sont enregistrées.", declined: "Le document est refusé. Merci de nous avoir prévenus.",
        alreadySigned: "Ce document est déjà signé.", alreadyAccepted: "Ce document est déjà accepté.",
        alreadyDeclined: "Ce document a été refusé.", alreadyRegistered: "Vos coordonnées sont déjà enregistrées.", fixErrors: "Merci de corriger les champs ci-dessous.",
        errorTitle: "Ce lien ne peut pas être utilisé",
        linkInvalid: "Ce lien n’est pas valide : il a peut-être été révoqué ou déjà trop utilisé. Demandez-en un nouveau à l’expéditeur.",
        expired: "L’accès à ce document a expiré. Demandez un nouveau lien à l’expéditeur.",
        notAllowed: "Ce lien ne permet pas cette action.", addressNotAllowed: "Ce lien ne peut pas être utilisé depuis votre réseau.",
        noPDF: "Ce document n’a pas de PDF.", noPaymentLink: "Ce document n’a pas de lien de paiement.",
        withdrawnTitle: "Document retiré",
        withdrawn: "Ce document a été retiré par son expéditeur. Contactez-le si vous en avez encore besoin.",
        alreadyPaid: "Ce document est déjà payé.",
        notYourTurn: "Ce n’est pas encore votre tour : les parties précédentes doivent d’abord agir. Vous serez prévenu le moment venu.",
        partyDone: "Merci : votre part est faite. Vous recevrez une copie lorsque toutes les parties auront terminé.",
        somethingWrong: "Une erreur est survenue. Merci de réessayer dans un instant.",
        quantity: "Quantité", unitPrice: "Prix unitaire", lineAmount: "Montant", optionLabel: "Inclure", optionBadge: "Option", leftOut: "non retenue", subtotalExclVAT: "Total HT",
        totalInclVAT: "Total TTC", total: "Total", updateTotal: "Mettre à jour le total",
        chooseIntro: "Cochez les options souhaitées et ajustez les quantités : le total suit. Votre choix est définitif une fois accepté ou signé.",
        choicesSaved: "Vos choix sont enregistrés et le total est mis à jour.",
        decideOnShownTotal: "Vous acceptez le total affiché ci-dessus. Vous avez changé une option ou une quantité ? Appuyez d’abord sur « Mettre à jour le total ».")
}
