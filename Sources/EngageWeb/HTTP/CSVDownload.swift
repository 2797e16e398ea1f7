import Engage
import Hummingbird

/// A CSV file streamed to the browser as it is read from the database, never built in memory.
enum CSVDownload {
    /// A `text/csv` attachment named `<filename>-<UTC date>.csv`: the byte-order mark and header
    /// first, then whatever lines `produce` writes.
    static func response(
        filename: String, header: [String],
        _ produce: @escaping @Sendable (_ write: ([[String]]) async throws -> Void) async throws -> Void
    ) -> Response {
        let day = CalendarDate(.now).description
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: CSV.byteOrderMark + CSV.line(header)))
            try await produce { rows in
                var buffer = ByteBuffer()
                for row in rows { buffer.writeString(CSV.line(row)) }
                try await writer.write(buffer)
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: ExportFormat.csv.contentType,
                .contentDisposition: "attachment; filename=\"\(filename)-\(day).csv\"",
                .cacheControl: "no-store",
            ],
            body: body)
    }
}
