import Foundation

/// What a completed document's certificate states: the document and the digest of what was
/// signed, each party with when, where from and as whom it completed, and the audit trail's
/// verdict. Deterministic: the same document gives the same bytes, and so the same signature.
public struct CompletionCertificate: Sendable, JSONWritable {
    /// One party as the certificate states it.
    public struct Party: Sendable {
        public let name: String
        public let email: String?
        public let role: String
        public let order: Int
        public let status: String
        public let completedAt: Date?
        public let ip: String?
        public let host: String?
        public let userAgent: String?
        /// The name typed to sign.
        public let signerName: String?
        /// The drawn signature (a PNG data URL), shown on the certificate; its digest is what is signed.
        public let signatureImage: String?
        public let signatureImageSHA256: String?
        /// The one-time code the party typed before deciding, where its link asked for one.
        public var identityCheck: IdentityCheck? = nil
    }

    /// A code check as the decision's evidence names it.
    public struct IdentityCheck: Sendable {
        public let channel: String
        /// Masked, as the page showed it.
        public let destination: String
        public let verifiedAt: String?

        /// The check named in `evidence` (a decision's `verification`), if any.
        public init?(_ evidence: JSONValue?) {
            guard case .object(let check)? = evidence, let channel = check["channel"]?.text, let destination = check["destination"]?.text else { return nil }
            self.channel = channel
            self.destination = destination
            verifiedAt = check["verified_at"]?.text
        }

        /// "email code to j•••@acme.example, typed 2026-11-30T13:35:00Z".
        public var summary: String {
            "\(channel == "sms" ? "SMS" : channel) code to \(destination)\(verifiedAt.map { ", typed \($0)" } ?? "")"
        }
    }

    public let document: Document
    /// The SHA-256 of what the parties saw: the uploaded PDF, or the page's content.
    public let contentSHA256: String
    public let completedAt: Date?
    public let parties: [Party]
    public let auditTrailVerified: Bool
    public let auditTrailEvents: Int
    public let keyID: String

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("version"); w.value(1)
        w.key("document")
        w.beginObject()
        w.key("id"); w.value(document.id)
        w.key("number"); w.value(document.documentNumber)
        w.key("title"); w.value(document.title)
        w.key("status"); w.value(document.status.rawValue)
        w.key("completed_at"); w.value(completedAt)
        w.key("content_kind"); w.value(document.pdf == nil ? "page" : "pdf")
        w.key("content_sha256"); w.value(contentSHA256)
        w.endObject()
        w.key("parties")
        w.beginArray()
        for party in parties {
            w.beginObject()
            w.key("name"); w.value(party.name)
            w.key("email"); w.value(party.email)
            w.key("role"); w.value(party.role)
            w.key("order"); w.value(party.order)
            w.key("status"); w.value(party.status)
            w.key("completed_at"); w.value(party.completedAt)
            w.key("ip"); w.value(party.ip)
            w.key("host"); w.value(party.host)
            w.key("user_agent"); w.value(party.userAgent)
            w.key("signer_name"); w.value(party.signerName)
            w.key("signature_image_sha256"); w.value(party.signatureImageSHA256)
            // Only where there was one, so that certificates made before identity checks keep their bytes.
            if let check = party.identityCheck {
                w.key("identity_check")
                w.beginObject()
                w.key("channel"); w.value(check.channel)
                w.key("destination"); w.value(check.destination)
                w.key("verified_at"); w.value(check.verifiedAt)
                w.endObject()
            }
            w.endObject()
        }
        w.endArray()
        w.key("audit_trail")
        w.beginObject()
        w.key("verified"); w.value(auditTrailVerified)
        w.key("events"); w.value(auditTrailEvents)
        w.endObject()
        w.key("key_id"); w.value(keyID)
        w.endObject()
    }
}

/// A certificate with the server's Ed25519 signature over its exact JSON bytes (`payload`).
public struct SignedCertificate: Sendable, JSONWritable {
    public let certificate: CompletionCertificate
    public let payload: Data
    public let signature: Data

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("certificate"); certificate.writeJSON(&w)
        w.key("algorithm"); w.value("Ed25519")
        w.key("key_id"); w.value(certificate.keyID)
        w.key("signed_payload"); w.value(payload.base64EncodedString())
        w.key("signature"); w.value(signature.base64EncodedString())
        w.endObject()
    }
}

/// The document has not been completed yet: no certificate (409 `DOCUMENT_NOT_COMPLETE`).
public struct DocumentNotComplete: Error, Sendable, Equatable {
    public let status: DocumentStatus
}
