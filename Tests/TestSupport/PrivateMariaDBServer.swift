import Foundation
import MariaDB

/// A MariaDB server of a test's own, in a temporary directory, that the test may kill and restart
/// without disturbing the shared test server. Socket only, no TCP port.
public final class PrivateMariaDBServer: Sendable {
    /// The server's directory (data, socket, log).
    public let directory: String
    /// Connects as the operating-system user through the socket (unix_socket authentication).
    public let configuration: MariaDBConfiguration

    /// Makes a server in a new temporary directory; `start` it before use.
    public init() {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("engage-mdb-\(UInt32.random(in: .min ... .max))").path
        configuration = MariaDBConfiguration(
            unixSocket: directory + "/mariadb.sock", user: Self.osUser, database: "mysql")
    }

    /// Starts the server, initialising its data directory the first time (a few seconds).
    public func start() async throws { try await control("start", "0") }
    /// Kills the server with SIGKILL, as a crash would.
    public func kill() async throws { try await control("kill") }

    /// Stops the server and deletes its directory.
    public func destroy() async {
        try? await control("stop")
        try? FileManager.default.removeItem(atPath: directory)
    }

    // Foundation's Process never reaped the script here, so spawn and wait by hand, off the cooperative pool.
    private func control(_ arguments: String...) async throws {
        let argv = ["/bin/bash", Checkout.path(".ci/lib/mariadb.sh"), arguments[0], directory] + arguments.dropFirst()
        let status: Int32 = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Self.run(argv))
            }
        }
        guard status == 0 else {
            throw TestSetupError("mariadb.sh \(arguments.joined(separator: " ")) failed for \(directory) (status \(status))")
        }
    }

    private static func run(_ argv: [String]) -> Int32 {
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], nil, nil, &cArguments, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status >> 8) & 0xff
    }

    private static var osUser: String {
        String(cString: getpwuid(geteuid()).pointee.pw_name)
    }
}
