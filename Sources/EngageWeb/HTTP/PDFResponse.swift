import Engage
import Foundation
import Hummingbird

extension Response {
    /// A stored PDF, never cached by shared caches; `inline` opens it in the browser, else it downloads.
    static func pdf(_ pdf: Document.StoredPDF, from store: PDFStore, inline: Bool = false) throws -> Response {
        let data = try Data(contentsOf: URL(fileURLWithPath: store.path(of: pdf)))
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/pdf",
                .contentDisposition: "\(inline ? "inline" : "attachment"); filename=\"\(pdf.filename)\"",
                .cacheControl: "private, no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
