import Engage
import Foundation
import Hummingbird

/// The API's JSON bodies: `{"success": true, "data": …}` and `{"success": false, "error": …}`.
enum APIResponse {
    private struct Success<Data: Encodable>: Encodable {
        let success = true
        let data: Data
    }

    private struct Failure: Encodable {
        struct Body: Encodable {
            let code: String
            let message: String
            let details: [APIError.Detail]
        }
        let success = false
        let error: Body
    }

    /// The JSON encoder of every API response: ISO 8601 dates, stable key order.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// A success envelope around `data`.
    static func success(_ data: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        try json(Success(data: data), status: status)
    }

    /// A success envelope around a record that writes its own JSON, written directly.
    static func written(_ data: some JSONWritable, status: HTTPResponse.Status = .ok) -> Response {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("data"); data.writeJSON(&writer)
        writer.key("success"); writer.value(true)
        writer.endObject()
        return json(bytes: writer.bytes, status: status)
    }

    /// An error envelope.
    static func failure(_ error: APIError) throws -> Response {
        var response = try json(
            Failure(error: .init(code: error.code, message: error.message, details: error.details)), status: error.status)
        response.headers.append(contentsOf: error.headers)
        return response
    }

    /// Any encodable value as a JSON response.
    static func json(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        json(bytes: try encoder.encode(value), status: status)
    }

    /// JSON text already written, as a response.
    static func json(bytes: some Sequence<UInt8>, status: HTTPResponse.Status) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension Request {
    /// Decodes a JSON body, turning malformed JSON and wrong types into a 400 `VALIDATION_INVALID_JSON`.
    /// With `emptyAs`, an empty body stands for that value (a body that may be left out).
    func decodeJSON<T: Decodable>(as type: T.Type, context: EngageRequestContext, emptyAs empty: T? = nil) async throws -> T {
        var request = self
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        if let empty, body.readableBytes == 0 { return empty }
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.invalidJSON("The value of '\(field)' has the wrong JSON type.")
        } catch DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.invalidJSON("The value of '\(field)' cannot be kept: \(context.debugDescription)")
        } catch DecodingError.keyNotFound(let key, _) {
            throw APIError.invalidJSON("The field '\(key.stringValue)' is missing.")
        } catch {
            throw APIError.invalidJSON("The request body is not valid JSON.")
        }
    }
}
