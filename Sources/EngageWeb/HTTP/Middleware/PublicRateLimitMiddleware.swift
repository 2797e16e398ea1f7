import Engage
import Foundation
import Hummingbird

/// Limits how often one client address may use the routes that need no account and write per
/// request: the recipients' (`/p/`, `/t/`, `/r/`) and partners' callbacks. Counted per process and per calendar minute:
/// with N instances an address gets N times the limit, which still bounds what it can write.
struct PublicRateLimitMiddleware: RouterMiddleware {
    typealias Context = EngageRequestContext

    let counter: AddressCounter

    init(limit: Int) {
        counter = AddressCounter(limit: limit)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.isRecipientPath || request.isCallbackPath, let wait = await counter.refusal(for: context.clientAddress) else {
            return try await next(request, context)
        }
        var limited = APIError(
            .tooManyRequests, code: "RATE_LIMIT_EXCEEDED", message: "Too many requests from your address. Try again in \(wait) seconds.")
        limited.headers[.retryAfter] = String(wait)
        throw limited
    }
}

/// Requests per address in the current minute.
actor AddressCounter {
    private let limit: Int
    private var minute = 0
    private var counts: [String: Int] = [:]
    /// Addresses kept at most; past it the minute's counts start again rather than grow without end.
    private static let maximumAddresses = 100_000

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts one request from `address`; the seconds to wait when it is over the limit.
    func refusal(for address: String, now: Date = Date()) -> Int? {
        let seconds = Int(now.timeIntervalSince1970)
        if seconds / 60 != minute || counts.count >= Self.maximumAddresses {
            minute = seconds / 60
            counts.removeAll(keepingCapacity: true)
        }
        let count = counts[address, default: 0] + 1
        counts[address] = count
        return count > limit ? 60 - seconds % 60 : nil
    }
}
