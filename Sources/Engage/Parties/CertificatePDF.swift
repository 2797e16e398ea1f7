import CCairo
import Foundation

/// The completed PDF: the uploaded PDF (when there is one) with the certificate's page after it.
/// The page is drawn with cairo (DejaVu Sans, A4) and appended with qpdf; a fixed creation date
/// and qpdf's deterministic id make the same certificate the same bytes, whose SHA-256 is signed.
enum CertificatePDF {
    /// The completed PDF's bytes.
    static func render(_ certificate: CompletionCertificate, signature: Data, upload: String?) async throws -> Data {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("engage-certificate-\(SecretToken.randomHexID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("certificate.pdf").path
        let output = directory.appendingPathComponent("completed.pdf").path
        try draw(certificate, signature: signature, to: page)
        // qpdf's exit status 3 means it succeeded with warnings (an upload with small defects).
        let arguments = upload.map { ["--deterministic-id", "--empty", "--pages", $0, page, "--", output] }
            ?? ["--deterministic-id", page, output]
        let status = try await run("/usr/bin/qpdf", arguments)
        guard status == 0 || status == 3 else { throw CertificatePDFFailed(reason: "qpdf exited with status \(status)") }
        return try Data(contentsOf: URL(fileURLWithPath: output))
    }

    /// Draws the certificate's statements, one A4 page (more when the parties need it).
    static func draw(_ certificate: CompletionCertificate, signature: Data, to path: String) throws {
        guard let surface = cairo_pdf_surface_create(path, Pen.pageWidth, Pen.pageHeight) else {
            throw CertificatePDFFailed(reason: "cairo could not create the page")
        }
        defer { cairo_surface_destroy(surface) }
        let document = certificate.document
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "Completion certificate \(document.documentNumber)")
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Oui Engage")
        let stamp = ISOTimestamp.string(certificate.completedAt ?? document.createdAt)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, stamp)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, stamp)
        guard let context = cairo_create(surface) else { throw CertificatePDFFailed(reason: "cairo could not draw") }
        defer { cairo_destroy(context) }

        var pen = Pen(context)
        pen.write("Completion certificate", size: 20, bold: true)
        pen.write("\(document.title) · \(document.documentNumber)", size: 12)
        pen.space(8)
        pen.field("Status", document.status.rawValue)
        pen.field("Completed", certificate.completedAt.map(ISOTimestamp.string) ?? "—")
        pen.field("Signed content", "\(document.pdf == nil ? "page" : "PDF") · SHA-256 \(certificate.contentSHA256)")
        pen.field("Audit trail", certificate.auditTrailVerified
            ? "verified: \(certificate.auditTrailEvents) events, every hash recomputes" : "NOT verified: the event chain was altered")
        pen.space(10)
        pen.write("Parties", size: 14, bold: true)
        for party in certificate.parties {
            pen.keepRoom(150)
            pen.space(6)
            pen.write("\(party.name)\(party.email.map { " <\($0)>" } ?? "") · \(party.role), step \(party.order) · \(party.status)", size: 11, bold: true)
            pen.field("Completed", party.completedAt.map(ISOTimestamp.string) ?? "—")
            if let name = party.signerName { pen.field("Signed as", name) }
            if let check = party.identityCheck { pen.field("Identity", check.summary) }
            pen.field("IP and host", "\(party.ip ?? "unknown")\(party.host.map { " (\($0))" } ?? "")")
            pen.field("User agent", party.userAgent ?? "unknown")
            if let image = party.signatureImage { pen.image(pngDataURL: image, width: 180, height: 54) }
        }
        pen.keepRoom(90)
        pen.space(12)
        pen.write("Signature", size: 14, bold: true)
        pen.write(
            "The certificate's JSON (GET /api/v1/document-engagements/\(document.id)/snapshot?format=json) is signed with Ed25519, "
                + "key \(certificate.keyID), published at GET /api/v1/signing-key. Its signature:", size: 9)
        pen.write(signature.base64EncodedString(), size: 8)
        cairo_show_page(context)
        cairo_surface_finish(surface)
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { throw CertificatePDFFailed(reason: "cairo could not write the page") }
    }

    /// Runs a program to its end without holding a thread while it works.
    private static func run(_ program: String, _ arguments: [String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
    }

    /// Writes down a page: lines wrapped to the margins, a new page when one is full.
    private struct Pen {
        static let pageWidth = 595.0, pageHeight = 842.0, margin = 48.0
        let context: OpaquePointer
        var y = margin

        init(_ context: OpaquePointer) {
            self.context = context
        }

        mutating func write(_ text: String, size: Double, bold: Bool = false, indent: Double = 0) {
            cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
            cairo_set_font_size(context, size)
            for line in wrap(text, width: Self.pageWidth - 2 * Self.margin - indent) {
                keepRoom(size * 1.4)
                y += size * 1.3
                cairo_move_to(context, Self.margin + indent, y)
                cairo_show_text(context, line)
            }
        }

        mutating func field(_ label: String, _ value: String) {
            write("\(label): \(value)", size: 9.5, indent: 12)
        }

        mutating func space(_ points: Double) {
            y += points
        }

        /// Starts a new page unless `points` still fit on this one.
        mutating func keepRoom(_ points: Double) {
            guard y + points > Self.pageHeight - Self.margin else { return }
            cairo_show_page(context)
            y = Self.margin
        }

        /// Draws a PNG given as a data URL, scaled into `width` × `height`.
        mutating func image(pngDataURL: String, width: Double, height: Double) {
            guard let png = Data(base64Encoded: String(pngDataURL.dropFirst("data:image/png;base64,".count))),
                  let surface = PNGStream.surface(png)
            else { return }
            defer { cairo_surface_destroy(surface) }
            let (w, h) = (Double(cairo_image_surface_get_width(surface)), Double(cairo_image_surface_get_height(surface)))
            guard w > 0, h > 0 else { return }
            keepRoom(height + 8)
            // Scaled down into the box, never up: a drawing keeps its strokes' width.
            let scale = min(width / w, height / h, 1)
            cairo_save(context)
            cairo_translate(context, Self.margin + 12, y + 4)
            cairo_scale(context, scale, scale)
            cairo_set_source_surface(context, surface, 0, 0)
            cairo_paint(context)
            cairo_restore(context)
            y += h * scale + 8
        }

        /// `text` cut at spaces (or anywhere, for a long word) into lines no wider than `width`.
        private func wrap(_ text: String, width: Double) -> [String] {
            var lines: [String] = []
            var line = ""
            for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
                let candidate = line.isEmpty ? word : line + " " + word
                if fits(candidate, width) {
                    line = candidate
                    continue
                }
                if !line.isEmpty { lines.append(line) }
                line = ""
                for character in word {
                    if !fits(line + String(character), width), !line.isEmpty {
                        lines.append(line)
                        line = ""
                    }
                    line.append(character)
                }
            }
            if !line.isEmpty { lines.append(line) }
            return lines
        }

        private func fits(_ text: String, _ width: Double) -> Bool {
            var extents = cairo_text_extents_t()
            cairo_text_extents(context, text, &extents)
            return extents.x_advance <= width
        }
    }

    /// Feeds PNG bytes to cairo's stream reader.
    private final class PNGStream {
        let data: Data
        var offset = 0

        init(_ data: Data) {
            self.data = data
        }

        static func surface(_ png: Data) -> OpaquePointer? {
            let stream = Unmanaged.passRetained(PNGStream(png))
            defer { stream.release() }
            let surface = cairo_image_surface_create_from_png_stream({ closure, buffer, length in
                guard let closure, let buffer else { return CAIRO_STATUS_READ_ERROR }
                let stream = Unmanaged<PNGStream>.fromOpaque(closure).takeUnretainedValue()
                let end = stream.offset + Int(length)
                guard end <= stream.data.count else { return CAIRO_STATUS_READ_ERROR }
                stream.data.copyBytes(to: buffer, from: stream.offset..<end)
                stream.offset = end
                return CAIRO_STATUS_SUCCESS
            }, stream.toOpaque())
            guard let surface, cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
                if let surface { cairo_surface_destroy(surface) }
                return nil
            }
            return surface
        }
    }
}

/// The completed PDF could not be made (cairo or qpdf failed).
public struct CertificatePDFFailed: Error, Sendable {
    public let reason: String
}
