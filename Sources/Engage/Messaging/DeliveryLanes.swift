import Foundation
import NIOCore

/// One connection of one channel; none when the channel has no transport (its lane refuses each message).
struct LaneSession: Sendable {
    let channel: MessageChannel
    let delivery: (any DeliverySession)?
}

/// A claimed message and the batch it came in.
struct ClaimedMessage: Sendable {
    let message: OutboxMessage
    let batch: BatchProgress
}

/// A batch's messages whose outcome is not recorded yet; `finished()` returns once none is left.
final class BatchProgress: @unchecked Sendable {
    let leaseEnd: Date
    private let lock = NSLock()
    private var remaining: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(count: Int, leaseEnd: Date) {
        remaining = count
        self.leaseEnd = leaseEnd
    }

    /// One more message's outcome is recorded (or it was left for its lease to end).
    func recorded() {
        let resumed: [CheckedContinuation<Void, Never>] = lock.withLock {
            remaining -= 1
            guard remaining == 0 else { return [] }
            defer { waiters = [] }
            return waiters
        }
        for waiter in resumed { waiter.resume() }
    }

    var isFinished: Bool { lock.withLock { remaining <= 0 } }

    func finished() async {
        await withCheckedContinuation { continuation in
            let done = lock.withLock {
                if remaining > 0 { waiters.append(continuation) }
                return remaining <= 0
            }
            if done { continuation.resume() }
        }
    }
}

/// The claimed messages waiting for a connection, per channel, and the connections free to take
/// them. A connection's lane takes the next message as soon as it is free, from one batch to the
/// next, and ends when none is waiting; adding messages starts lanes on the free connections.
final class DeliveryLanes: @unchecked Sendable {
    private let lock = NSLock()
    private var waiting: [MessageChannel: CircularBuffer<ClaimedMessage>] = [:]
    private var free: [MessageChannel: [LaneSession]]
    private var queued = 0
    private var lowWater: (limit: Int, continuation: CheckedContinuation<Void, Never>)?

    init(sessions: [MessageChannel: [any DeliverySession]]) {
        free = Dictionary(uniqueKeysWithValues: MessageChannel.allCases.map { channel in
            let open = sessions[channel] ?? []
            let lanes = open.isEmpty ? [LaneSession(channel: channel, delivery: nil)] : open.map { LaneSession(channel: channel, delivery: $0) }
            return (channel, lanes)
        })
    }

    /// Queues messages in order; returns the free connections that now have work, to start lanes on.
    func add(_ messages: [ClaimedMessage]) -> [LaneSession] {
        lock.withLock {
            for message in messages { waiting[message.message.channel, default: []].append(message) }
            queued += messages.count
            var started: [LaneSession] = []
            for (channel, queue) in waiting where !queue.isEmpty {
                let count = min(queue.count, free[channel]?.count ?? 0)
                started += free[channel]?.suffix(count) ?? []
                free[channel]?.removeLast(count)
            }
            return started
        }
    }

    /// The next message for `session`'s channel; nil frees the connection, and its lane ends.
    func next(for session: LaneSession) -> ClaimedMessage? {
        let (message, reached) = lock.withLock { () -> (ClaimedMessage?, CheckedContinuation<Void, Never>?) in
            guard let message = waiting[session.channel]?.popFirst() else {
                free[session.channel, default: []].append(session)
                return (nil, nil)
            }
            queued -= 1
            guard let wait = lowWater, queued <= wait.limit else { return (message, nil) }
            lowWater = nil
            return (message, wait.continuation)
        }
        reached?.resume()
        return message
    }

    /// Returns once at most `limit` messages wait for a connection (one caller at a time).
    func waitUntilQueued(atMost limit: Int) async {
        await withCheckedContinuation { continuation in
            let reached = lock.withLock {
                if queued > limit { lowWater = (limit, continuation) }
                return queued <= limit
            }
            if reached { continuation.resume() }
        }
    }
}
