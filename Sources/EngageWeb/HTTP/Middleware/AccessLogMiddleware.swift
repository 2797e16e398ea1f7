import Hummingbird

/// One structured log line per request: method, route, status, duration.
///
/// It logs the matched route pattern (`/p/{token}`) rather than the raw path, so secrets carried
/// in URLs never reach the log; unmatched requests log their path without the query string, and
/// with every segment after `/p/` and `/r/` (where links carry their secret) replaced by `*`.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = EngageRequestContext

    // Hummingbird's endpoint names for requests that matched no route pattern.
    private static let unroutedMarkers: Set<String> = ["NotFound", "FileMiddleware"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let route = context.endpointPath.flatMap { Self.unroutedMarkers.contains($0) ? nil : $0 } ?? Self.loggable(request.uri.path)
        context.logger.info("request", metadata: [
            "method": "\(request.method.rawValue)",
            "route": "\(route)",
            "status": "\(response.status.code)",
            "duration_ms": "\((milliseconds * 100).rounded() / 100)",
        ])
        return response
    }

    /// `path` with the segments that may hold a link's secret hidden.
    static func loggable(_ path: String) -> String {
        for prefix in ["/p/", "/r/"] where path.hasPrefix(prefix) {
            return prefix + path.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false).map { _ in "*" }
                .joined(separator: "/")
        }
        return path
    }
}
