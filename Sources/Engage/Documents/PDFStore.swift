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

    /// Where uploads wait while they arrive, beside the stored files (so storing one is a rename).
    public var incomingDirectory: String {
        URL(fileURLWithPath: directory).appendingPathComponent("incoming").path
    }

    /// Checks that `file` is a PDF of an acceptable size; the problems are reported on `field`.
    func check(_ file: ReceivedFile?, field: String) -> [ValidationError.FieldError] {
        guard let file, file.size > 0 else {
            return [.init(field: field, code: .required, message: "Choose a PDF file to upload.")]
        }
        if file.size > maximumBytes {
            return [.init(field: field, code: .tooLong, message: "The PDF must be at most \(maximumBytes / 1_048_576) MB.")]
        }
        // Judged by content, not by name or declared type: a PDF starts with %PDF- and ends with %%EOF.
        guard file.head.starts(with: Data("%PDF-".utf8)), file.tail.range(of: Data("%%EOF".utf8)) != nil else {
            return [.init(field: field, code: .invalidFormat, message: "The file is not a PDF.")]
        }
        return []
    }

    /// Moves `file` to its place, named by its digest (a file already there is kept), and describes it.
    func save(_ file: ReceivedFile) throws -> Document.StoredPDF {
        let relative = "pdf/\(file.sha256.prefix(2))/\(file.sha256).pdf"
        let url = URL(fileURLWithPath: directory).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: url.path) {
            file.discard()
        } else {
            // rename(2) within one file system: the stored file appears whole or not at all.
            try FileManager.default.moveItem(atPath: file.path, toPath: url.path)
        }
        return Document.StoredPDF(path: relative, filename: Self.safeName(file.filename), size: file.size, sha256: file.sha256)
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
