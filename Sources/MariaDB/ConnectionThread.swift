import Foundation

/// A dedicated thread that runs one connection's work as a Swift `TaskExecutor`.
///
/// libmariadb blocks, so its calls must run off the cooperative pool and off event loops. While a
/// task borrows a connection it prefers this executor, so its queries run inline here: one thread
/// switch in and one out per borrow, instead of two per query.
final class ConnectionThread: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false
    private var owner: pthread_t?
    static let spinsBeforeSleeping = Int(ProcessInfo.processInfo.environment["SPINS"] ?? "0")!

    /// Starts the thread; returns once it runs.
    init(name: String) {
        let started = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            condition.lock()
            owner = pthread_self()
            condition.unlock()
            started.signal()
            runLoop()
        }
        thread.name = name
        thread.start()
        started.wait()
    }

    /// True on this executor's own thread, where blocking calls may run inline.
    var isCurrent: Bool {
        condition.lock()
        defer { condition.unlock() }
        return owner.map { pthread_equal($0, pthread_self()) != 0 } ?? false
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread finish the jobs already queued, then end.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            var spins = 0
            while jobs.isEmpty && !stopping && spins < Self.spinsBeforeSleeping {
                condition.unlock()
                sched_yield()
                spins += 1
                condition.lock()
            }
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
