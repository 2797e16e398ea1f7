import Crypto
import Foundation

/// The completion certificate of a signed or accepted document, signed with the server's key:
/// each party (or, for a document without parties, its one signer, from the event that signed
/// it) with its evidence, the digest of what was signed, and the audit trail recomputed whole.
public struct CertificateService: Sendable {
    private let database: Database
    private let events: DocumentEventService
    private let pdfs: PDFStore
    public let signer: CertificateSigner

    public init(database: Database, signer: CertificateSigner, pdfs: PDFStore) {
        self.database = database
        self.events = DocumentEventService(database: database)
        self.signer = signer
        self.pdfs = pdfs
    }

    /// The completed PDF (the upload, then the certificate page) with its SHA-256 and the server's
    /// Ed25519 signature over that digest's 32 bytes.
    public func pdf(documentID: Int64) async throws -> CompletedPDF {
        let signed = try await certificate(documentID: documentID)
        let upload = signed.certificate.document.pdf.map(pdfs.path(of:))
        let bytes = try await CertificatePDF.render(signed.certificate, signature: signed.signature, upload: upload)
        let digest = Data(SHA256.hash(data: bytes))
        return CompletedPDF(
            bytes: bytes, sha256: digest.hexString, signature: try signer.sign(digest), keyID: signer.keyID,
            filename: "\(signed.certificate.document.documentNumber)-completed.pdf")
    }

    /// The signed certificate of a live, completed document.
    public func certificate(documentID: Int64) async throws -> SignedCertificate {
        let certificate = try await unsigned(documentID: documentID)
        var writer = JSONWriter()
        certificate.writeJSON(&writer)
        let payload = Data(writer.bytes)
        return SignedCertificate(certificate: certificate, payload: payload, signature: try signer.sign(payload))
    }

    /// The certificate's statements, with the drawn signatures (for the printable page).
    private func unsigned(documentID: Int64) async throws -> CompletionCertificate {
        let trail = try await events.auditTrail(documentID: documentID, page: PageRequest(perPage: 1))
        let document = trail.document
        guard let completedAt = document.completedAt else { throw DocumentNotComplete(status: document.status) }
        let parties = try await database.read { try await $0.parties.all(documentID: documentID) }
        let stated = parties.isEmpty ? try await soleSigner(of: document) : parties.map(Self.party)
        return CompletionCertificate(
            document: document, contentSHA256: RecipientService.contentDigest(document), completedAt: completedAt, parties: stated,
            auditTrailVerified: trail.verified, auditTrailEvents: trail.total, keyID: signer.keyID)
    }

    private static func party(_ party: DocumentParty) -> CompletionCertificate.Party {
        let evidence = party.evidence ?? [:]
        func text(_ key: String) -> String? { evidence[key]?.text }
        return CompletionCertificate.Party(
            name: party.name, email: party.email, role: party.role.rawValue, order: party.step, status: party.status.rawValue,
            completedAt: party.completedAt, ip: text("ip"), host: text("host"), userAgent: text("user_agent"),
            signerName: text("signer_name"), signatureImage: text("signature_image"), signatureImageSHA256: text("signature_image_sha256"),
            identityCheck: .init(evidence["verification"]))
    }

    /// The single recipient of a document without parties, from the newest event that signed or accepted it.
    private func soleSigner(of document: Document) async throws -> [CompletionCertificate.Party] {
        for type in [EventType.signed, .accepted] {
            let found = try await events.list(documentID: document.id, EventQuery(parameters: ["event_type": type.rawValue, "per_page": "1"]))
            guard let event = found.items.first else { continue }
            func text(_ key: String) -> String? { event.details?[key]?.text }
            return [CompletionCertificate.Party(
                name: text("signer_name") ?? document.recipientName ?? document.recipientEmail ?? "Recipient", email: document.recipientEmail,
                role: type == .signed ? DocumentParty.Role.signer.rawValue : DocumentParty.Role.approver.rawValue, order: 1,
                status: DocumentParty.Status.completed.rawValue, completedAt: event.createdAt, ip: event.ipAddress, host: nil,
                userAgent: event.userAgent, signerName: text("signer_name"), signatureImage: text("signature_image"),
                signatureImageSHA256: text("signature_image_sha256"), identityCheck: .init(event.details?["verification"]))]
        }
        return []
    }
}

/// A completed PDF and what proves it: its digest and the signature over it.
public struct CompletedPDF: Sendable {
    public let bytes: Data
    public let sha256: String
    public let signature: Data
    public let keyID: String
    public let filename: String
}

/// How `GET …/snapshot` answers: the signed JSON, the printable page, or the completed PDF.
public enum SnapshotFormat: String, Sendable, CaseIterable {
    case json, html, pdf

    /// The `format` parameter (default json); anything else is refused with every problem at once.
    public init(parameters: [String: String]) throws {
        var query = QueryReader(parameters)
        query.refuseOthers(than: ["format"])
        let format = query.choice("format", SnapshotFormat.self)
        try query.finish()
        self = format ?? .json
    }
}
