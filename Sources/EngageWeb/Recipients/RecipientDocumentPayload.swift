import Engage
import Foundation

/// The document as a recipient's link shows it, for `Accept: application/json`: what the page
/// shows and the actions still possible — never the staff's view (metadata, external ids,
/// contacts, who created it, the custom message or the prefill data of other links).
struct RecipientDocumentPayload: JSONWritable {
    let visit: RecipientVisit
    /// The link's secret, for the PDF's address.
    let secret: String
    /// Who the page names as the sender.
    let sender: String
    /// The link's identity check, where it asks for one.
    var check: VerificationService.Status? = nil

    /// The register form's fields a link may pre-fill.
    static let prefillFields = ["name", "email", "company", "phone"]

    func writeJSON(_ w: inout JSONWriter) {
        let document = visit.document
        let actions = visit.availableActions
        w.beginObject()
        w.key("document_number"); w.value(document.documentNumber)
        w.key("document_type"); w.value(document.documentType.rawValue)
        w.key("title"); w.value(document.title)
        w.key("description"); w.value(document.description)
        w.key("sender"); w.value(sender)
        w.key("total_amount"); w.value(document.totalAmount)
        w.key("currency"); w.value(document.currency)
        w.key("due_date"); w.value(document.dueDate?.description)
        w.key("status"); w.value(document.status.rawValue)
        w.key("pdf_url"); w.value(actions.contains(.download) ? "/p/\(secret)/pdf" : nil)
        w.key("payment_url"); w.value(visit.canPay ? "/p/\(secret)/pay" : nil)
        w.key("available_actions")
        w.beginArray()
        for action in actions { w.value(action.rawValue) }
        w.endArray()
        w.key("prefill")
        w.beginObject()
        for field in Self.prefillFields {
            if case .string(let text)? = visit.link.prefillData?[field] ?? document.prefillData?[field] {
                w.key(named: field); w.value(text)
            }
        }
        w.endObject()
        w.key("content")
        visit.content.writeJSON(&w)
        w.key("identity_check")
        if let check {
            w.beginObject()
            w.key("channel"); w.value(check.channel.rawValue)
            w.key("destination"); w.value(check.destination)
            w.key("verified"); w.value(check.verified)
            w.key("code_pending"); w.value(check.codePending)
            w.key("resend_in"); w.value(check.resendIn)
            w.endObject()
        } else {
            w.value(nil as String?)
        }
        w.endObject()
    }
}
