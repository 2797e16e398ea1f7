import Engage
import Foundation
import HTTPTypes
import Hummingbird

/// Completion certificates: `GET /api/v1/document-engagements/{id}/snapshot?format=json|html`, the
/// portal's printable `/documents/{id}/certificate`, and the public `GET /api/v1/signing-key`
/// anyone verifies them with.
struct CertificatesController {
    let views: ViewRenderer
    let certificates: CertificateService

    func register(on router: Router<EngageRequestContext>, api: RouterGroup<EngageRequestContext>, portal: RouterGroup<EngageRequestContext>) {
        router.get("/api/v1/signing-key") { _, _ in
            try APIResponse.success(SigningKeyPayload(signer: certificates.signer))
        }
        api.get("document-engagements/:id/snapshot") { request, context in
            let format = try SnapshotFormat(parameters: try request.apiQuery())
            if format == .pdf { return Self.download(try await certificates.pdf(documentID: try context.id())) }
            let signed = try await certificates.certificate(documentID: try context.id())
            return format == .json
                ? try APIResponse.success(signed) : try views.render("portal/documents/certificate", CertificatePage(signed, chrome: nil))
        }
        portal.get("/documents/:id/completed.pdf") { _, context in
            Self.download(try await certificates.pdf(documentID: try context.id()))
        }
        portal.get("/documents/:id/certificate") { _, context in
            let signed = try await certificates.certificate(documentID: try context.id())
            return try views.render(
                "portal/documents/certificate", CertificatePage(signed, chrome: PortalChrome(context: context, section: "documents")))
        }
    }
}

extension CertificatesController {
    /// The completed PDF as a download, its digest and signature in headers.
    static func download(_ pdf: CompletedPDF) -> Response {
        var headers: HTTPFields = [
            .contentType: "application/pdf", .contentDisposition: "attachment; filename=\"\(pdf.filename)\"",
        ]
        headers[HTTPField.Name("X-Engage-PDF-SHA256")!] = pdf.sha256
        headers[HTTPField.Name("X-Engage-Signature")!] = pdf.signature.base64EncodedString()
        headers[HTTPField.Name("X-Engage-Key-ID")!] = pdf.keyID
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: pdf.bytes)))
    }
}

/// The public half of the certificate key, raw and as PEM.
struct SigningKeyPayload: JSONWritable {
    let signer: CertificateSigner

    func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("algorithm"); w.value("Ed25519")
        w.key("key_id"); w.value(signer.keyID)
        w.key("public_key"); w.value(signer.publicKey.base64EncodedString())
        w.key("public_key_pem"); w.value(signer.publicKeyPEM)
        w.endObject()
    }
}
