import Foundation

/// A clock a test moves by hand, for timeouts and windows measured in minutes or hours.
public final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    /// A clock at `start` (now by default).
    public init(start: Date = Date()) {
        current = start
    }

    /// The clock's time.
    public var now: Date { lock.withLock { current } }

    /// Moves the clock forward.
    public func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}
