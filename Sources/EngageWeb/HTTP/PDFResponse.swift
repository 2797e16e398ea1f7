import Engage
import Foundation
import Hummingbird

extension Response {
    /// A stored PDF, streamed from disk in chunks (never read whole into memory) and never cached;
    /// `inline` opens it in the browser, else it downloads.
    static func pdf(
        _ pdf: Document.StoredPDF, from store: PDFStore, inline: Bool = false, context: EngageRequestContext
    ) async throws -> Response {
        let body = try await FileIO().loadFile(path: store.path(of: pdf), context: context)
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/pdf",
                .contentDisposition: "\(inline ? "inline" : "attachment"); filename=\"\(pdf.filename)\"",
                .cacheControl: "private, no-store",
            ],
            body: body)
    }
}
