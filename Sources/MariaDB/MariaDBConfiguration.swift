import Foundation

/// How to reach a MariaDB server, parsed from a `mariadb://` URL.
///
/// `mariadb://user:pass@host:3306/db` connects over TCP;
/// `mariadb://user:pass@h1:3306,h2:3306,h3:3306/db` names the nodes of a cluster in order of preference;
/// `mariadb://user:pass@localhost/db?socket=/path/mysqld.sock` over a Unix socket.
/// Query options: `connect_timeout`, `read_timeout`, `write_timeout` (seconds),
/// `tls` (`off`, `required`, `verify`) and `tls_ca` (a CA file for `verify`).
public struct MariaDBConfiguration: Sendable, Equatable {
    /// Whether and how the connection is encrypted.
    public enum TLSMode: String, Sendable {
        case off
        /// Encrypted, server certificate not checked.
        case required
        /// Encrypted and the server certificate verified (against `tlsCAFile` when given).
        case verify
    }

    /// One server's address.
    public struct Endpoint: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        public var description: String { "\(host):\(port)" }
    }

    /// The servers, most preferred first; the pool fails over along this list.
    public var endpoints: [Endpoint]
    /// The preferred server's host.
    public var host: String { endpoints[0].host }
    /// The preferred server's port.
    public var port: Int { endpoints[0].port }
    /// True when several servers are named: the nodes of one cluster, such as MariaDB Galera.
    public var isCluster: Bool { endpoints.count > 1 }
    public var unixSocket: String?
    public var user: String
    public var password: String
    public var database: String?
    public var connectTimeout: Int = 5
    public var readTimeout: Int = 30
    public var writeTimeout: Int = 30
    public var tls: TLSMode = .off
    public var tlsCAFile: String?

    /// Creates a configuration field by field.
    public init(
        host: String = "localhost", port: Int = 3306, unixSocket: String? = nil,
        user: String, password: String = "", database: String? = nil
    ) {
        self.endpoints = [Endpoint(host: host, port: port)]
        self.unixSocket = unixSocket
        self.user = user
        self.password = password
        self.database = database
    }

    /// Parses a `mariadb://` URL; the error says which part is wrong.
    public init(url: String) throws(MariaDBConfigurationError) {
        // URLComponents reads one host only: the others are cut out here and parsed on their own.
        let (firstHostURL, otherHosts) = Self.splittingHosts(url)
        guard let components = URLComponents(string: firstHostURL) else {
            throw .init("is not a URL")
        }
        guard components.scheme == "mariadb" || components.scheme == "mysql" else {
            throw .init("must start with mariadb://")
        }
        guard let user = components.user, !user.isEmpty else {
            throw .init("has no user (mariadb://user:password@host/database)")
        }
        self.init(
            host: components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost",
            port: components.port ?? 3306,
            user: user.removingPercentEncoding ?? user,
            password: (components.password ?? "").removingPercentEncoding ?? ""
        )
        for other in otherHosts {
            endpoints.append(try Self.endpoint(other))
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : path
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "socket":
                unixSocket = value
            case "connect_timeout":
                connectTimeout = try Self.seconds(value, option: item.name)
            case "read_timeout":
                readTimeout = try Self.seconds(value, option: item.name)
            case "write_timeout":
                writeTimeout = try Self.seconds(value, option: item.name)
            case "tls":
                guard let mode = TLSMode(rawValue: value) else {
                    throw .init("option tls must be off, required or verify, got '\(value)'")
                }
                tls = mode
            case "tls_ca":
                tlsCAFile = value
            default:
                throw .init("has an unknown option '\(item.name)'")
            }
        }
        if unixSocket != nil && isCluster {
            throw .init("names several hosts and a socket; a socket reaches one local server only")
        }
    }

    /// The URL with only the first of a comma-separated host list, and the other hosts.
    private static func splittingHosts(_ url: String) -> (String, [Substring]) {
        guard let schemeEnd = url.range(of: "://") else { return (url, []) }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        let hostsStart = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
        let hosts = authority[hostsStart...].split(separator: ",", omittingEmptySubsequences: false)
        guard hosts.count > 1 else { return (url, []) }
        return (String(url[..<hostsStart]) + hosts[0] + url[authority.endIndex...], Array(hosts.dropFirst()))
    }

    private static func endpoint(_ text: Substring) throws(MariaDBConfigurationError) -> Endpoint {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let host = parts.first, !host.isEmpty else {
            throw .init("has a host list with an empty or malformed host '\(text)'")
        }
        guard parts.count == 2 else { return Endpoint(host: String(host), port: 3306) }
        guard let port = Int(parts[1]), (1...65535).contains(port) else {
            throw .init("has a host '\(text)' whose port is not a number between 1 and 65535")
        }
        return Endpoint(host: String(host), port: port)
    }

    private static func seconds(_ value: String, option: String) throws(MariaDBConfigurationError) -> Int {
        guard let seconds = Int(value), seconds > 0, seconds <= 3600 else {
            throw .init("option \(option) must be a number of seconds between 1 and 3600, got '\(value)'")
        }
        return seconds
    }

    /// The same server with another default database.
    public func with(database: String?) -> MariaDBConfiguration {
        var copy = self
        copy.database = database
        return copy
    }
}

/// A database URL that cannot be used; the message completes "the database URL …".
public struct MariaDBConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong with the URL.
    public let reason: String
    init(_ reason: String) { self.reason = reason }
    public var description: String { "the database URL \(reason)" }
}
