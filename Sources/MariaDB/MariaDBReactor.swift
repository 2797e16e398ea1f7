import CMariaDB
import Foundation

/// One thread that drives the socket I/O of every connection with libmariadb's non-blocking API.
///
/// A call that may wait on the server is split into `_start` and `_cont` steps; the reactor runs
/// them (always on its own thread, as libmariadb's co-routines expect), waits with epoll for the
/// sockets of the calls that wait, and resumes each caller when its call is done. Callers never
/// block a thread: under load one `epoll_wait` wakes up for many connections at once, and only the
/// sockets that became ready cost anything (`poll` walked every waiting socket on every round).
final class MariaDBReactor: TaskExecutor, @unchecked Sendable {
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
    /// Tasks' steps to run on this thread (see `MariaDBConnectionPool.withConnection`).
    private var jobs: [UnownedJob] = []
    private var sleeping = false
    /// The reactor's own thread: a call made there starts at once, without a hand-over.
    private var thread = pthread_t()
    // The calls in flight and those done in this round; touched on the reactor's thread only.
    private var waiting: [Int32: Operation] = [:]
    private var finished: [Operation] = []
    /// No waiting call's deadline comes before this; the waiting calls are scanned only once it passes.
    private var nextDeadline: ContinuousClock.Instant?
    private let epoll: Int32
    /// Written to wake the reactor from `epoll_wait` when a call is submitted.
    private let wakeup: Int32

    private init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(epoll >= 0, "epoll_create1 failed: \(errno)")
        wakeup = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        precondition(wakeup >= 0, "eventfd failed: \(errno)")
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = wakeup
        precondition(epoll_ctl(epoll, EPOLL_CTL_ADD, wakeup, &event) == 0, "epoll_ctl failed: \(errno)")
        let started = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            self.thread = pthread_self()
            // Named from inside: on Linux a name set on `Thread` before `start()` never reaches the OS thread.
            Thread.current.name = "mariadb-reactor"
            started.signal()
            runLoop()
        }
        thread.start()
        started.wait()
    }

    /// Runs a task's step on the reactor's thread (a task that prefers this executor).
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        post { jobs.append(job) }
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
            let operation = Operation(
                connection: connection, start: { start(result) }, resume: { resume(result, $0) },
                continuation: continuation)
            if pthread_equal(pthread_self(), thread) != 0 {
                advance(operation, status: operation.start())
            } else {
                submit(operation)
            }
        }
        return result.pointee
    }

    private func submit(_ operation: Operation) {
        post { submitted.append(operation) }
    }

    /// Adds work under the lock and wakes the thread when it sleeps in `epoll_wait`.
    private func post(_ add: () -> Void) {
        lock.lock()
        add()
        let wake = sleeping
        sleeping = false
        lock.unlock()
        if wake { _ = eventfd_write(wakeup, 1) }
    }

    private func runLoop() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        let executor = asUnownedTaskExecutor()
        while true {
            lock.lock()
            let fresh = submitted
            submitted.removeAll(keepingCapacity: true)
            let steps = jobs
            jobs.removeAll(keepingCapacity: true)
            lock.unlock()
            for operation in fresh {
                advance(operation, status: operation.start())
            }
            for step in steps {
                step.runSynchronously(on: executor)
            }
            resumeAll()

            var timeout = pollTimeout()
            lock.lock()
            if submitted.isEmpty && jobs.isEmpty { sleeping = true } else { timeout = 0 }
            lock.unlock()
            let count = epoll_wait(epoll, &events, Int32(events.count), timeout)
            lock.lock()
            sleeping = false
            lock.unlock()

            for index in 0..<Int(max(count, 0)) {
                let socket = events[index].data.fd
                if socket == wakeup {
                    var value: eventfd_t = 0
                    _ = eventfd_read(wakeup, &value)
                    continue
                }
                // A socket can report after its call gave up on a timeout; nothing waits on it then.
                guard let operation = waiting.removeValue(forKey: socket) else { continue }
                let ready = Self.readyStatus(events[index].events, wanted: operation.waitingFor)
                advance(operation, status: operation.resume(ready))
            }
            expireTimedOut()
            resumeAll()
        }
    }

    // Callers are resumed together after a round, so a sleeping worker thread wakes once for all of them.
    private func resumeAll() {
        for operation in finished { operation.continuation.resume() }
        finished.removeAll(keepingCapacity: true)
    }

    private func advance(_ operation: Operation, status: Int32) {
        guard status != 0 else {
            finished.append(operation)
            return
        }
        operation.waitingFor = status
        operation.deadline = status & MYSQL_WAIT_TIMEOUT != 0
            ? .now + .milliseconds(Int(mysql_get_timeout_value_ms(operation.connection))) : nil
        if let deadline = operation.deadline, nextDeadline.map({ deadline < $0 }) ?? true { nextDeadline = deadline }
        let socket = mysql_get_socket(operation.connection)
        waiting[socket] = operation
        arm(socket, for: status)
    }

    /// Asks epoll for one report when the socket is ready for what the call waits for.
    private func arm(_ socket: Int32, for waitingFor: Int32) {
        var event = epoll_event()
        event.events = Self.epollEvents(waitingFor) | EPOLLONESHOT.rawValue
        event.data.fd = socket
        // A socket is added on its first wait; a closed one leaves epoll by itself, so a reused number is new.
        if epoll_ctl(epoll, EPOLL_CTL_MOD, socket, &event) != 0 && errno == ENOENT {
            _ = epoll_ctl(epoll, EPOLL_CTL_ADD, socket, &event)
        }
    }

    private func expireTimedOut() {
        let now = ContinuousClock.now
        guard let due = nextDeadline, due <= now else { return }
        nextDeadline = nil
        for (socket, operation) in waiting {
            guard let deadline = operation.deadline else { continue }
            if deadline <= now {
                waiting[socket] = nil
                advance(operation, status: operation.resume(MYSQL_WAIT_TIMEOUT))
            } else if nextDeadline.map({ deadline < $0 }) ?? true {
                nextDeadline = deadline
            }
        }
    }

    /// Milliseconds until the next deadline, -1 for none.
    private func pollTimeout() -> Int32 {
        guard let next = nextDeadline else { return -1 }
        let remaining = next - .now
        guard remaining > .zero else { return 0 }
        let milliseconds = remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
        return Int32(clamping: milliseconds + 1)
    }

    private static func epollEvents(_ waitingFor: Int32) -> UInt32 {
        var events: UInt32 = 0
        if waitingFor & MYSQL_WAIT_READ != 0 { events |= EPOLLIN.rawValue }
        if waitingFor & MYSQL_WAIT_WRITE != 0 { events |= EPOLLOUT.rawValue }
        if waitingFor & MYSQL_WAIT_EXCEPT != 0 { events |= EPOLLPRI.rawValue }
        return events
    }

    private static func readyStatus(_ events: UInt32, wanted: Int32) -> Int32 {
        var ready: Int32 = 0
        if events & EPOLLIN.rawValue != 0 { ready |= MYSQL_WAIT_READ }
        if events & EPOLLOUT.rawValue != 0 { ready |= MYSQL_WAIT_WRITE }
        if events & EPOLLPRI.rawValue != 0 { ready |= MYSQL_WAIT_EXCEPT }
        // A closed or broken socket: report what the call waits for, so libmariadb reads the error.
        if events & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { ready |= wanted & (MYSQL_WAIT_READ | MYSQL_WAIT_WRITE) }
        return ready
    }
}
