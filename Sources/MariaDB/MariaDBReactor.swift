import CMariaDB
import Foundation

/// One thread that drives the socket I/O of every connection with libmariadb's non-blocking API.
///
/// A call that may wait on the server is split into `_start` and `_cont` steps; the reactor runs
/// them (always on its own thread, as libmariadb's co-routines expect), polls the sockets of the
/// calls that wait, and resumes each caller when its call is done. Callers never block a thread:
/// under load one `poll` wakes up for many connections at once.
final class MariaDBReactor: @unchecked Sendable {
    /// The process-wide reactor.
    static let shared = MariaDBReactor()

    /// One suspended libmariadb call.
    private final class Operation {
        let connection: UnsafeMutablePointer<MYSQL>
        let start: () -> Int32
        let resume: (Int32) -> Int32
        let continuation: UnsafeContinuation<Void, Never>
        var waitingFor: Int32 = 0
        var deadline: ContinuousClock.Instant?

        init(
            connection: UnsafeMutablePointer<MYSQL>, start: @escaping () -> Int32, resume: @escaping (Int32) -> Int32,
            continuation: UnsafeContinuation<Void, Never>
        ) {
            self.connection = connection
            self.start = start
            self.resume = resume
            self.continuation = continuation
        }
    }

    private let lock = NSLock()
    private var submitted: [Operation] = []
    private var sleeping = false
    /// A byte written to this pipe wakes the reactor from `poll` when a call is submitted.
    private let wakeReader: Int32
    private let wakeWriter: Int32

    private init() {
        var pipeEnds: [Int32] = [0, 0]
        precondition(pipe(&pipeEnds) == 0, "pipe failed: \(errno)")
        for end in pipeEnds {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        wakeReader = pipeEnds[0]
        wakeWriter = pipeEnds[1]
        let thread = Thread { [self] in runLoop() }
        thread.name = "mariadb-reactor"
        thread.start()
    }

    /// Runs one non-blocking libmariadb call to completion and returns what its blocking twin returns.
    ///
    /// `start` calls `mysql_…_start(&result, …)`, `resume` calls `mysql_…_cont(&result, …, status)`;
    /// both return the events the call still waits for, 0 when it is done.
    func run<Result>(
        on connection: UnsafeMutablePointer<MYSQL>, initial: Result,
        start: @escaping (UnsafeMutablePointer<Result>) -> Int32,
        resume: @escaping (UnsafeMutablePointer<Result>, Int32) -> Int32
    ) async -> Result {
        let result = UnsafeMutablePointer<Result>.allocate(capacity: 1)
        result.initialize(to: initial)
        defer { result.deinitialize(count: 1).deallocate() }
        await withUnsafeContinuation { continuation in
            submit(Operation(
                connection: connection, start: { start(result) }, resume: { resume(result, $0) },
                continuation: continuation))
        }
        return result.pointee
    }

    private func submit(_ operation: Operation) {
        lock.lock()
        submitted.append(operation)
        let wake = sleeping
        sleeping = false
        lock.unlock()
        if wake {
            var byte: UInt8 = 1
            _ = write(wakeWriter, &byte, 1)
        }
    }

    private func runLoop() {
        var waiting: [Operation] = []
        var finished: [Operation] = []
        var descriptors: [pollfd] = []
        while true {
            lock.lock()
            let fresh = submitted
            submitted.removeAll(keepingCapacity: true)
            lock.unlock()
            for operation in fresh {
                advance(operation, status: operation.start(), waiting: &waiting, finished: &finished)
            }
            resumeAll(&finished)

            descriptors.removeAll(keepingCapacity: true)
            descriptors.append(pollfd(fd: wakeReader, events: Int16(POLLIN), revents: 0))
            for operation in waiting {
                descriptors.append(pollfd(
                    fd: mysql_get_socket(operation.connection), events: Self.pollEvents(operation.waitingFor), revents: 0))
            }
            var timeout = pollTimeout(waiting)
            lock.lock()
            if submitted.isEmpty { sleeping = true } else { timeout = 0 }
            lock.unlock()
            _ = poll(&descriptors, nfds_t(descriptors.count), timeout)
            lock.lock()
            sleeping = false
            lock.unlock()
            if descriptors[0].revents != 0 {
                var drain = [UInt8](repeating: 0, count: 64)
                while read(wakeReader, &drain, drain.count) > 0 {}
            }

            let now = ContinuousClock.now
            let polled = waiting
            waiting.removeAll(keepingCapacity: true)
            for (index, operation) in polled.enumerated() {
                var ready = Self.readyStatus(descriptors[index + 1].revents, wanted: operation.waitingFor)
                if ready == 0, let deadline = operation.deadline, deadline <= now { ready = MYSQL_WAIT_TIMEOUT }
                if ready == 0 {
                    waiting.append(operation)
                } else {
                    advance(operation, status: operation.resume(ready), waiting: &waiting, finished: &finished)
                }
            }
            resumeAll(&finished)
        }
    }

    // Callers are resumed together after a round, so a sleeping worker thread wakes once for all of them.
    private func resumeAll(_ finished: inout [Operation]) {
        for operation in finished { operation.continuation.resume() }
        finished.removeAll(keepingCapacity: true)
    }

    private func advance(_ operation: Operation, status: Int32, waiting: inout [Operation], finished: inout [Operation]) {
        guard status != 0 else {
            finished.append(operation)
            return
        }
        operation.waitingFor = status
        operation.deadline = status & MYSQL_WAIT_TIMEOUT != 0
            ? .now + .milliseconds(Int(mysql_get_timeout_value_ms(operation.connection))) : nil
        waiting.append(operation)
    }

    private func pollTimeout(_ waiting: [Operation]) -> Int32 {
        guard let next = waiting.compactMap(\.deadline).min() else { return -1 }
        let remaining = next - .now
        guard remaining > .zero else { return 0 }
        let milliseconds = remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
        return Int32(clamping: milliseconds + 1)
    }

    private static func pollEvents(_ waitingFor: Int32) -> Int16 {
        var events: Int32 = 0
        if waitingFor & MYSQL_WAIT_READ != 0 { events |= Int32(POLLIN) }
        if waitingFor & MYSQL_WAIT_WRITE != 0 { events |= Int32(POLLOUT) }
        if waitingFor & MYSQL_WAIT_EXCEPT != 0 { events |= Int32(POLLPRI) }
        return Int16(events)
    }

    private static func readyStatus(_ revents: Int16, wanted: Int32) -> Int32 {
        let events = Int32(revents)
        var ready: Int32 = 0
        if events & Int32(POLLIN) != 0 { ready |= MYSQL_WAIT_READ }
        if events & Int32(POLLOUT) != 0 { ready |= MYSQL_WAIT_WRITE }
        if events & Int32(POLLPRI) != 0 { ready |= MYSQL_WAIT_EXCEPT }
        // A closed or broken socket: report what the call waits for, so libmariadb reads the error.
        if events & Int32(POLLHUP | POLLERR | POLLNVAL) != 0 { ready |= wanted & (MYSQL_WAIT_READ | MYSQL_WAIT_WRITE) }
        return ready
    }
}
