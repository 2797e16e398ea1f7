import Foundation
import Hummingbird
import HummingbirdTesting
@testable import EngageWeb
import TestSupport

/// What a browser keeps between requests: the session cookie and the last form's CSRF token.
struct Browser {
    var cookie: String?
    var csrfToken: String?

    var headers: HTTPFields {
        var fields: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { fields[.cookie] = "\(SessionCookie.name)=\(cookie)" }
        return fields
    }

    mutating func read(_ response: TestResponse) {
        if let header = response.headers[.setCookie], header.hasPrefix(SessionCookie.name + "=") {
            let value = header.dropFirst(SessionCookie.name.count + 1).prefix { $0 != ";" }
            cookie = value.isEmpty ? nil : String(value)
        }
        let html = String(buffer: response.body)
        if let range = html.range(of: #"name="csrf_token" value=""#) {
            csrfToken = String(html[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    /// GETs a page and keeps its cookie and token.
    mutating func get(_ client: any TestClientProtocol, _ uri: String) async throws -> TestResponse {
        let response = try await client.execute(uri: uri, method: .get, headers: headers)
        read(response)
        return response
    }

    /// Posts a form with this browser's CSRF token and keeps what the answer sets.
    mutating func post(_ client: any TestClientProtocol, _ uri: String, _ fields: [String: String]) async throws -> TestResponse {
        var fields = fields
        fields["csrf_token"] = fields["csrf_token"] ?? csrfToken ?? ""
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: Self.form(fields))
        read(response)
        return response
    }

    /// Posts a multipart form with one file, as a browser's file upload does.
    mutating func upload(
        _ client: any TestClientProtocol, _ uri: String, field: String, filename: String, data: Data, fields: [String: String] = [:]
    ) async throws -> TestResponse {
        let boundary = "----EngageTestBoundary7MA4YWxkTrZu0gW"
        var body = Data()
        for (name, value) in fields.merging(["csrf_token": csrfToken ?? ""], uniquingKeysWith: { given, _ in given }) {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\nContent-Type: application/pdf\r\n\r\n".utf8))
        body.append(data)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        var headers = self.headers
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body))
        read(response)
        return response
    }

    /// Signs in through the real form; throws unless the dashboard opens afterwards.
    static func signedIn(_ client: any TestClientProtocol, email: String, password: String) async throws -> Browser {
        var browser = Browser()
        _ = try await browser.get(client, "/login")
        _ = try await browser.post(client, "/login", ["email": email, "password": password])
        let dashboard = try await browser.get(client, "/")
        guard dashboard.status == .ok else { throw TestSetupError("\(email) could not sign in (\(dashboard.status))") }
        return browser
    }

    /// An urlencoded form body.
    static func form(_ fields: [String: String]) -> ByteBuffer {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
        return ByteBuffer(string: body.sorted().joined(separator: "&"))
    }
}

extension HTTPFields {
    /// These fields with `other`'s set over them.
    func merging(_ other: HTTPFields) -> HTTPFields {
        var merged = self
        for field in other { merged[field.name] = field.value }
        return merged
    }
}
