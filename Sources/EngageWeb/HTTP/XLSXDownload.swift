import Engage
import Foundation
import Hummingbird
import NIOCore

/// An .xlsx workbook as a download: built into a temporary file first (a zip is finished only at
/// its end), then streamed from it, and the file removed once sent.
enum XLSXDownload {
    /// An attachment named `<filename>-<UTC date>.xlsx` of what `build` writes into the workbook.
    static func response(filename: String, _ build: (XLSXWorkbook) async throws -> Void) async throws -> Response {
        let workbook = try XLSXWorkbook()
        try await build(workbook)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).xlsx")
        try workbook.finish(to: file)
        let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        let body = ResponseBody { writer in
            defer { try? FileManager.default.removeItem(at: file) }
            let handle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: ExportFormat.xlsx.contentType, .contentLength: String(size),
                .contentDisposition: "attachment; filename=\"\(filename)-\(CalendarDate(.now)).xlsx\"", .cacheControl: "no-store",
            ],
            body: body)
    }
}
