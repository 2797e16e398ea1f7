import Engage
import Foundation
import Hummingbird

/// The fields of an `application/x-www-form-urlencoded` body.
public struct FormData: Sendable, Equatable {
    fileprivate var fields: [String: String] = [:]
    /// Files of a `multipart/form-data` post, by field name, waiting on disk.
    fileprivate(set) var files: [String: ReceivedFile] = [:]

    /// Parses a body; a repeated field keeps its first value, undecodable escapes are kept as text.
    public init(urlEncoded body: String) {
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            if fields[name] == nil {
                fields[name] = parts.count > 1 ? Self.decode(parts[1]) : ""
            }
        }
    }

    /// Every field except the CSRF token, as typed (to show a refused form again).
    var values: [String: String] {
        fields.filter { $0.key != "csrf_token" }
    }

    /// Every field except the CSRF token, as `Input` for a service.
    var input: Input {
        Input(form: values)
    }

    /// The field's value, "" when absent.
    public subscript(_ name: String) -> String {
        fields[name] ?? ""
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

extension FormData {
    /// The boundary of a `multipart/form-data` content type, nil for any other type.
    static func multipartBoundary(_ contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                // RFC 2046: 1 to 70 characters.
                return (1...70).contains(value.count) ? value : nil
            }
        }
        return nil
    }

    /// Reads a `multipart/form-data` body (RFC 7578) as it arrives: text parts become fields,
    /// parts with a filename are written to files in `directory`, so memory holds a chunk at a time.
    /// A body that does not follow the format is a 400; one past `maximumBytes`, a 413. On any
    /// error the files written so far are deleted.
    static func multipart(
        _ body: some AsyncSequence<ByteBuffer, any Error>, boundary: String, maximumBytes: Int, directory: String
    ) async throws -> FormData {
        var reader = MultipartReader(boundary: boundary, directory: directory)
        do {
            var received = 0
            for try await chunk in body {
                received += chunk.readableBytes
                guard received <= maximumBytes else { throw HTTPError(.contentTooLarge) }
                try reader.consume(chunk.readableBytesView)
            }
            return try reader.finish()
        } catch {
            reader.abandon()
            throw error
        }
    }

    /// Deletes the files of the post that nothing stored.
    func discardFiles() {
        for file in files.values { file.discard() }
    }

    fileprivate static let malformed = HTTPError(.badRequest, message: "The form upload is malformed.")

    /// The parameters of a part's Content-Disposition header (`name`, `filename`).
    fileprivate static func dispositionParameters(_ headers: String) -> [String: String] {
        guard let line = headers.components(separatedBy: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") })
        else { return [:] }
        var parameters: [String: String] = [:]
        for piece in line.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            parameters[pair[0].lowercased()] = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return parameters
    }
}

/// The state of a multipart body read chunk by chunk: looking for the first delimiter, after a
/// delimiter, in a part's headers, or in its content.
private struct MultipartReader {
    private enum Phase {
        case preamble, afterDelimiter, headers, content, done
    }

    private let delimiter: [UInt8]
    private let directory: String
    // The first delimiter may open the body without a line break before it: one is assumed.
    private var buffer: [UInt8] = Array("\r\n".utf8)
    private var phase = Phase.preamble
    private var form = FormData(urlEncoded: "")
    private var name: String?
    private var filename: String?
    private var file: FileReceiver?
    private var text: [UInt8] = []
    private var textBytes = 0

    // Fields are small (a CSRF token); headers are a line or two.
    private static let maximumTextBytes = 65_536
    private static let maximumHeaderBytes = 8_192

    init(boundary: String, directory: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        self.directory = directory
    }

    mutating func consume(_ bytes: some Collection<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        while try step() {}
    }

    mutating func finish() throws -> FormData {
        guard case .done = phase else { throw FormData.malformed }
        return form
    }

    /// Deletes every file this body wrote.
    func abandon() {
        file?.abandon()
        form.discardFiles()
    }

    /// Moves on as far as the buffer allows; false when more bytes are needed.
    private mutating func step() throws -> Bool {
        switch phase {
        case .preamble:
            guard let found = Self.find(delimiter, in: buffer) else {
                buffer.removeFirst(max(0, buffer.count - delimiter.count + 1))
                return false
            }
            buffer.removeFirst(found.upperBound)
            phase = .afterDelimiter
        case .afterDelimiter:
            guard buffer.count >= 2 else { return false }
            if buffer.starts(with: Array("--".utf8)) {
                phase = .done
                buffer = []
                return false
            }
            guard buffer.starts(with: Array("\r\n".utf8)) else { throw FormData.malformed }
            buffer.removeFirst(2)
            phase = .headers
        case .headers:
            guard let end = Self.find(Self.headerEnd, in: buffer) else {
                if buffer.count > Self.maximumHeaderBytes { throw FormData.malformed }
                return false
            }
            let parameters = FormData.dispositionParameters(String(decoding: buffer[..<end.lowerBound], as: UTF8.self))
            buffer.removeFirst(end.upperBound)
            name = parameters["name"]
            filename = parameters["filename"]
            if let name, filename != nil, form.files[name] == nil { file = try FileReceiver(directory: directory) }
            text = []
            phase = .content
        case .content:
            if let found = Self.find(delimiter, in: buffer) {
                try keep(buffer[..<found.lowerBound])
                buffer.removeFirst(found.upperBound)
                try endPart()
                phase = .afterDelimiter
            } else {
                // The tail might be the start of a delimiter split across chunks: keep it for the next one.
                let safe = max(0, buffer.count - delimiter.count + 1)
                try keep(buffer[..<safe])
                buffer.removeFirst(safe)
                return false
            }
        case .done:
            buffer = []
            return false
        }
        return true
    }

    private static let headerEnd = Array("\r\n\r\n".utf8)

    /// Where `needle` first occurs in `haystack`: memchr finds each candidate first byte, memcmp
    /// checks the rest (a 10 MB upload is scanned in milliseconds, even in a debug build).
    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pin in
                guard let base = hay.baseAddress, let pinBase = pin.baseAddress else { return nil }
                var start = 0
                let lastStart = hay.count - pin.count
                while start <= lastStart, let hit = memchr(base + start, Int32(first), lastStart - start + 1) {
                    let offset = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + offset, pinBase, pin.count) == 0 { return offset..<offset + pin.count }
                    start = offset + 1
                }
                return nil
            }
        }
    }

    private mutating func keep(_ bytes: ArraySlice<UInt8>) throws {
        if let file {
            try file.write(bytes)
        } else if name != nil, filename == nil {
            textBytes += bytes.count
            guard textBytes <= Self.maximumTextBytes else { throw HTTPError(.contentTooLarge) }
            text.append(contentsOf: bytes)
        }
    }

    private mutating func endPart() throws {
        guard let name else { return }
        if let file, let filename {
            form.files[name] = try file.finish(filename: filename)
        } else if filename == nil, form.fields[name] == nil {
            form.fields[name] = String(decoding: text, as: UTF8.self)
        }
        file = nil
    }
}
