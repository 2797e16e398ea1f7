import Engage
import Hummingbird

/// `GET /healthz` for load balancers and monitoring: 200 when the database answers, else 503.
struct HealthController {
    let database: Database

    private struct Health: Encodable {
        let status: String
        let database: String
        let version: String
    }

    func register(on router: Router<EngageRequestContext>) {
        router.get("/healthz") { _, _ in try await show() }
    }

    func show() async throws -> Response {
        let reachable = await database.isReachable()
        return try APIResponse.json(
            Health(status: reachable ? "ok" : "unavailable", database: reachable ? "ok" : "unreachable", version: EngageVersion.current),
            status: reachable ? .ok : .serviceUnavailable)
    }
}
