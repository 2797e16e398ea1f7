import Engage
import Foundation
import Hummingbird

/// `POST /api/v1/document-engagements/bulk/export`, the download address it answers with
/// (`/api/v1/exports/{token}`, the token being the credential), and the portal's page that waits
/// for a large export (`/exports/{token}`).
struct ExportsController {
    let views: ViewRenderer
    let exports: ExportService
    /// The absolute URL of the API, for download addresses.
    let apiURL: String

    /// The portal's page of one export.
    struct ExportPage: PageContext {
        let title = "Export"
        let chrome: PortalChrome?
        /// "1 document", "45900 documents".
        let documents: String
        let format: String
        let pending: Bool
        let ready: Bool
        let downloadURL: String
        let size: String
        let expiresAt: String
        let problem: String?
    }

    func register(on router: Router<EngageRequestContext>, api: RouterGroup<EngageRequestContext>, portal: RouterGroup<EngageRequestContext>) {
        api.post("document-engagements/bulk/export") { request, context in
            let created = try await exports.create(try await request.decodeInput(context: context), by: try context.actor())
            let status: HTTPResponse.Status = created.export.status.isPending ? .accepted : .ok
            let lead = { (w: inout JSONWriter) in writeExport(created.export, token: created.token, &w) }
            var response: Response
            if let results = created.results {
                response = try APIResponse.success(
                    BulkPayload(results: results, done: "exported", lead: lead) { _, w in
                        w.beginObject()
                        w.key("included"); w.value(true)
                        w.endObject()
                    }, status: status)
            } else {
                response = try APIResponse.success(ExportPayload(write: lead), status: status)
            }
            response.headers[.location] = downloadURL(created.token)
            return response
        }
        router.get("/api/v1/exports/:token") { _, context in
            let token = try context.parameters.require("token")
            let (export, chunk) = try await exports.download(token: token)
            guard export.status == .ready else {
                var response = try APIResponse.success(ExportPayload { writeExport(export, token: token, &$0) }, status: .accepted)
                response.headers[.retryAfter] = "2"
                return response
            }
            let body = ResponseBody { writer in
                var position = 0
                while let data = try await chunk(position) {
                    try await writer.write(ByteBuffer(bytes: data))
                    position += 1
                }
                try await writer.finish(nil)
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: export.format.contentType, .contentLength: String(export.size ?? 0),
                    .contentDisposition: "attachment; filename=\"\(export.filename)\"", .cacheControl: "no-store",
                ],
                body: body)
        }
        portal.get("/exports/:token") { _, context in
            let token = try context.parameters.require("token")
            let chrome = PortalChrome(context: context, section: "documents")
            do {
                let export = try await exports.download(token: token).export
                return try views.render("portal/export", ExportPage(
                    chrome: chrome, documents: PortalLocale.current.text(export.documents == 1 ? "oneDocument" : "someDocuments", ["count": String(export.documents)]), format: export.format.rawValue.uppercased(),
                    pending: export.status.isPending, ready: export.status == .ready, downloadURL: downloadURL(token),
                    size: ByteCountFormatter.string(fromByteCount: export.size ?? 0, countStyle: .file),
                    expiresAt: ISOTimestamp.string(export.expiresAt), problem: nil))
            } catch let error as ExportExpired {
                return try problemPage(chrome, APIError.from(error)?.message, status: .gone)
            } catch let error as ExportFailed {
                return try problemPage(chrome, error.reason + " Ask for the export again.", status: .ok)
            }
        }
    }

    private func problemPage(_ chrome: PortalChrome?, _ message: String?, status: HTTPResponse.Status) throws -> Response {
        try views.render("portal/export", ExportPage(
            chrome: chrome, documents: "", format: "", pending: false, ready: false, downloadURL: "", size: "", expiresAt: "",
            problem: message), status: status)
    }

    private func downloadURL(_ token: String) -> String {
        "\(apiURL)/exports/\(token)"
    }

    /// An export's answer: where to download it, until when, and how far it is.
    private func writeExport(_ export: DocumentExport, token: String, _ w: inout JSONWriter) {
        w.key("download_url"); w.value(downloadURL(token))
        w.key("expires_at"); w.value(export.expiresAt)
        w.key("status"); w.value(export.status.isPending ? "pending" : export.status.rawValue)
        w.key("format"); w.value(export.format.rawValue)
        w.key("documents"); w.value(export.documents)
        w.key("size"); w.value(export.size)
    }
}

/// An object of members written by `write`.
struct ExportPayload: JSONWritable {
    let write: (inout JSONWriter) -> Void

    func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        write(&w)
        w.endObject()
    }
}
