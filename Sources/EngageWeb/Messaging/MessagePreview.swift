import Engage
import Foundation
import Hummingbird

extension Request {
    /// The query string of a form sent with GET (spaces as `+`), without the CSRF token.
    var formQuery: [String: String] {
        FormData(urlEncoded: uri.query ?? "").values
    }
}

extension Response {
    /// A rendered message for the preview frame: the email's HTML (or an SMS's text) under a policy
    /// of its own — inline styles allowed (emails need them), no script at all, framed by the portal only.
    static func messagePreview(_ message: RenderedMessage) -> Response {
        let html = message.html ?? "<!DOCTYPE html><meta charset=\"utf-8\"><pre style=\"font:15px/1.5 sans-serif;white-space:pre-wrap;margin:16px\">"
            + Self.escapedHTML(message.text) + "</pre>"
        return preview(html)
    }

    /// The preview frame's answer when the form has mistakes.
    static func messagePreview(problems: [String]) -> Response {
        preview("<!DOCTYPE html><meta charset=\"utf-8\"><ul style=\"font:14px sans-serif;color:#b42318\">"
            + problems.map { "<li>\(Self.escapedHTML($0))</li>" }.joined() + "</ul>")
    }

    private static func preview(_ html: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'; sandbox",
                .xFrameOptions: "SAMEORIGIN",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    private static func escapedHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
