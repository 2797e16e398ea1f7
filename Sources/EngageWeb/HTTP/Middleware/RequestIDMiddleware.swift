import HTTPTypes
import Hummingbird
import Engage

/// Gives each request an id: the caller's `X-Request-ID` when it is a safe token, else a new one.
/// The id goes into every log line of the request and back in the response header.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = EngageRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let incoming = request.headers[.requestID].flatMap { Self.isSafe($0) ? $0 : nil }
        context.requestID = incoming ?? context.id
        context.logger[metadataKey: "hb.request.id"] = nil
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        var response = try await next(request, context)
        response.headers[.requestID] = context.requestID
        return response
    }

    // Echoed into logs and headers, so only short plain tokens are trusted.
    private static func isSafe(_ value: String) -> Bool {
        (1...64).contains(value.utf8.count)
            && value.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-ID")!
}
