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

    func run() async throws {
        let pool = MariaDBConnectionPool(
            configuration: try MariaDBConfiguration(url: url), options: .init(maxConnections: connections))
        let deadline = ContinuousClock.now + .seconds(seconds)
        let started = ContinuousClock.now
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    var count = 0
                    while ContinuousClock.now < deadline {
                        let id = Int.random(in: 1...rows)
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
