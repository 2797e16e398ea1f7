import Hummingbird
import Synchronization

/// The methods each route pattern answers, for telling "no such resource" (404) from "not with this
/// method" (405 with `Allow`). Filled once, when every route is registered.
final class RouteMethods: Sendable {
    private let patterns = Mutex<[(segments: [Substring], methods: [String])]>([])

    /// Records the routes of `router`.
    func load(_ router: Router<EngageRequestContext>) {
        var table: [String: [String]] = [:]
        for route in router.routes {
            table[route.path.description, default: []].append(route.method.rawValue)
        }
        patterns.withLock { stored in
            stored = table.map { (Self.segments($0.key), $0.value.sorted()) }
        }
    }

    /// The methods the routes with `path`'s shape answer; empty when no route has it. As in the
    /// router, a literal segment wins over a parameter: `/documents/stats` is not `/documents/{id}`.
    func allowed(for path: String) -> [String] {
        let parts = Self.segments(path)
        let matching = patterns.withLock { stored in
            stored.filter { pattern in
                pattern.segments.count == parts.count
                    && zip(pattern.segments, parts).allSatisfy { expected, given in expected.hasPrefix("{") || expected == given }
            }
        }
        let literal = { (segments: [Substring]) in segments.map { $0.hasPrefix("{") ? 0 : 1 } }
        guard let best = matching.map({ literal($0.segments) }).max(by: { $0.lexicographicallyPrecedes($1) }) else { return [] }
        return matching.filter { literal($0.segments) == best }.flatMap(\.methods)
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/")
    }
}
