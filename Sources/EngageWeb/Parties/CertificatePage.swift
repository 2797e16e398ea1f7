import Engage
import Foundation

/// The printable completion certificate: the same statements as the signed JSON, with the drawn signatures.
struct CertificatePage: PageContext {
    struct Party: Sendable {
        let name: String
        let email: String?
        let role: String
        let order: Int
        let status: String
        let isCompleted: Bool
        let completedAt: PortalTime?
        let signerName: String?
        let identityCheck: String?
        let ip: String
        let host: String?
        let userAgent: String
        let signatureImage: String?
    }

    let title: String
    /// The portal's navigation; none when the API serves the page.
    let chrome: PortalChrome?
    let id: Int64
    let number: String
    let documentTitle: String
    let status: String
    let completedAt: PortalTime?
    let contentKind: String
    let contentSHA256: String
    let verified: Bool
    let events: Int
    let parties: [Party]
    let keyID: String
    let signature: String

    init(_ signed: SignedCertificate, chrome: PortalChrome?) {
        let certificate = signed.certificate
        let t = PortalLocale.current
        title = "\(t.text("certificateTitle")) · \(certificate.document.documentNumber)"
        self.chrome = chrome
        id = certificate.document.id
        number = certificate.document.documentNumber
        documentTitle = certificate.document.title
        status = certificate.document.status.label
        completedAt = certificate.completedAt.map(PortalTime.init)
        contentKind = t.text(certificate.document.pdf == nil ? "contentPage" : "contentPDF")
        contentSHA256 = certificate.contentSHA256
        verified = certificate.auditTrailVerified
        events = certificate.auditTrailEvents
        parties = certificate.parties.map { party in
            Party(
                name: party.name, email: party.email, role: DocumentParty.Role(rawValue: party.role)?.label ?? party.role, order: party.order,
                status: DocumentParty.Status(rawValue: party.status)?.label ?? party.status,
                isCompleted: party.status == DocumentParty.Status.completed.rawValue, completedAt: party.completedAt.map(PortalTime.init),
                signerName: party.signerName, identityCheck: party.identityCheck?.summary, ip: party.ip ?? t.text("unknown"), host: party.host, userAgent: party.userAgent ?? t.text("unknown"),
                signatureImage: party.signatureImage.flatMap { $0.hasPrefix("data:image/png;base64,") ? $0 : nil })
        }
        keyID = certificate.keyID
        signature = signed.signature.base64EncodedString()
    }
}
