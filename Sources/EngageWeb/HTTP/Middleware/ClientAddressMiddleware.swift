import Engage
import HTTPTypes
import Hummingbird

/// Who the client really is behind a reverse proxy. Only when the connection comes from a trusted
/// proxy are its `X-Forwarded-For` and `X-Forwarded-Proto` believed: the client is the right-most
/// address of `X-Forwarded-For` that is not itself a trusted proxy (a client can prepend anything
/// it likes; it cannot change what the proxies appended after it).
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = EngageRequestContext

    let trustedProxies: [IPNetwork]
    /// The portal's configured address is https.
    let httpsByConfiguration: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.isSecure = httpsByConfiguration
        if isTrusted(context.clientAddress) {
            let forwarded = request.headers[values: .xForwardedFor]
                .flatMap { $0.split(separator: ",") }
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { IPNetwork($0) != nil }
            if let client = forwarded.last(where: { !isTrusted($0) }) ?? forwarded.first {
                context.clientAddress = client
            }
            if request.headers[.xForwardedProto]?.lowercased() == "https" { context.isSecure = true }
        }
        return try await next(request, context)
    }

    private func isTrusted(_ address: String) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let xForwardedProto = Self("X-Forwarded-Proto")!
}
