import Engage
import Foundation
import Hummingbird

/// The fields of an `application/x-www-form-urlencoded` body.
public struct FormData: Sendable, Equatable {
    private var fields: [String: String] = [:]
    /// Files of a `multipart/form-data` post, by field name.
    private(set) var files: [String: UploadedFile] = [:]

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

/// A file sent with a multipart form.
public struct UploadedFile: Sendable, Equatable {
    /// The name the browser gave (untrusted).
    public let filename: String
    public let data: Data
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

    /// Parses a `multipart/form-data` body (RFC 7578): text parts become fields, parts with a
    /// filename become files. A body that does not follow the format is a 400.
    init(multipart body: Data, boundary: String) throws {
        let delimiter = Data("--\(boundary)".utf8)
        let lineBreak = Data("\r\n".utf8)
        let headerEnd = Data("\r\n\r\n".utf8)
        guard var cursor = body.range(of: delimiter)?.upperBound else { throw Self.malformed }
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            guard cursor + 2 <= body.endIndex else { throw Self.malformed }
            if body[cursor..<cursor + 2] == Data("--".utf8) { return }
            guard body[cursor..<cursor + 2] == lineBreak,
                  let headersRange = body.range(of: headerEnd, in: (cursor + 2)..<body.endIndex),
                  let next = body.range(of: lineBreak + delimiter, in: headersRange.upperBound..<body.endIndex)
            else { throw Self.malformed }
            let headers = String(decoding: body[(cursor + 2)..<headersRange.lowerBound], as: UTF8.self)
            let content = body[headersRange.upperBound..<next.lowerBound]
            let disposition = Self.dispositionParameters(headers)
            if let name = disposition["name"] {
                if let filename = disposition["filename"] {
                    if files[name] == nil { files[name] = UploadedFile(filename: filename, data: Data(content)) }
                } else if fields[name] == nil {
                    fields[name] = String(decoding: content, as: UTF8.self)
                }
            }
            cursor = next.upperBound
        }
    }

    private static let malformed = HTTPError(.badRequest, message: "The form upload is malformed.")

    /// The parameters of a part's Content-Disposition header (`name`, `filename`).
    private static func dispositionParameters(_ headers: String) -> [String: String] {
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
