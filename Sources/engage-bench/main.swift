import ArgumentParser
import MariaDB

/// Point selects through the pool for a fixed time, like sysbench oltp_point_select; prints queries/s.
@main
struct PoolBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engage-bench", abstract: "Primary-key SELECTs on sbtest1 through the connection pool.")

    @Option(help: "mariadb:// URL of a database holding sysbench's sbtest1 table.")
    var url: String
    @Option(help: "Concurrent tasks.")
    var tasks = 16
    @Option(help: "Pool size.")
    var connections = 16
    @Option(help: "Duration in seconds.")
    var seconds = 10
    @Option(help: "Rows in sbtest1 (ids 1...rows).")
    var rows = 100_000
    @Flag(help: "Run the tasks on the pool's executor, as sysbench's threads loop on their connections.")
    var onExecutor = false

    func run() async throws {
        let pool = MariaDBConnectionPool(
            configuration: try MariaDBConfiguration(url: url), options: .init(maxConnections: connections))
        let deadline = ContinuousClock.now + .seconds(seconds)
        let started = ContinuousClock.now
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<tasks {
                group.addTask(executorPreference: onExecutor ? pool.executor : nil) {
                    var count = 0
                    var random = SplitMix64(seed: UInt64.random(in: .min ... .max))
                    while ContinuousClock.now < deadline {
                        let id = Int.random(in: 1...rows, using: &random)
                        _ = try await pool.withConnection { try await $0.queryFirst("SELECT c FROM sbtest1 WHERE id = ?", [id]) }
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = ContinuousClock.now - started
        let secondsElapsed = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        await pool.shutdown()
        print(String(format: "%.2f", Double(total) / secondsElapsed))
    }
}

/// A user-space generator, as sysbench uses: the system one costs a getrandom syscall per number.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
