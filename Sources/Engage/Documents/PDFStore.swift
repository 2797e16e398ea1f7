import Crypto
import Foundation

/// Keeps uploaded PDFs on disk under the storage directory, named by their SHA-256 so that a
/// file is written once however often it is uploaded.
public struct PDFStore: Sendable {
    public let directory: String
    public let maximumBytes: Int

    public init(directory: String, maximumBytes: Int) {
        self.directory = directory
        self.maximumBytes = maximumBytes
    }

    /// Checks that `data` is a PDF of an acceptable size; the problems are reported on `field`.
    func check(_ data: Data, field: String) -> [ValidationError.FieldError] {
        if data.isEmpty {
            return [.init(field: field, code: .required, message: "Choose a PDF file to upload.")]
        }
        if data.count > maximumBytes {
            return [.init(field: field, code: .tooLong, message: "The PDF must be at most \(maximumBytes / 1_048_576) MB.")]
        }
        // Judged by content, not by name or declared type: a PDF starts with %PDF- and ends with %%EOF.
        let tail = data.suffix(1024)
        guard data.starts(with: Data("%PDF-".utf8)), tail.range(of: Data("%%EOF".utf8)) != nil else {
            return [.init(field: field, code: .invalidFormat, message: "The file is not a PDF.")]
        }
        return []
    }

    /// Writes `data` (atomically) and describes the stored file.
    func save(_ data: Data, filename: String) throws -> Document.StoredPDF {
        let digest = SHA256.hash(data: data).hexString
        let relative = "pdf/\(digest.prefix(2))/\(digest).pdf"
        let url = URL(fileURLWithPath: directory).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: url.path) {
            try data.write(to: url, options: .atomic)
        }
        return Document.StoredPDF(path: relative, filename: Self.safeName(filename), size: data.count, sha256: digest)
    }

    /// The absolute path of a stored file.
    public func path(of pdf: Document.StoredPDF) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(pdf.path).path
    }

    /// A file name safe to repeat in a Content-Disposition header: no path, quotes or control characters.
    static func safeName(_ name: String) -> String {
        let base = name.split(separator: "/").last.map(String.init) ?? ""
        let cleaned = String(base.unicodeScalars.filter { $0.value >= 0x20 && $0 != "\"" && $0 != "\\" }.prefix(200))
        return cleaned.isEmpty ? "document.pdf" : cleaned
    }
}
