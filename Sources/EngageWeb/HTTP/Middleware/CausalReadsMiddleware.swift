import Engage
import Hummingbird

/// On a cluster, a person or an integrator may read through one app node what they wrote through
/// another a moment before (sign in, then the next page; create, then fetch): their requests read
/// causally (`Database.causalReads`). The pixel, which only records, and health checks do not wait.
struct CausalReadsMiddleware: RouterMiddleware {
    typealias Context = EngageRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard !path.hasPrefix("/t/") && path != "/healthz" && path != "/metrics" else {
            return try await next(request, context)
        }
        return try await Database.$causalReads.withValue(true) { try await next(request, context) }
    }
}
