import MariaDB
import Testing

@Suite("Database URLs")
struct ConfigurationTests {
    @Test("a TCP URL with percent-encoded credentials")
    func tcp() throws {
        let configuration = try MariaDBConfiguration(url: "mariadb://app%40x:p%3Ass@db.internal:3307/engage?connect_timeout=3")
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 3307)
        #expect(configuration.user == "app@x")
        #expect(configuration.password == "p:ss")
        #expect(configuration.database == "engage")
        #expect(configuration.connectTimeout == 3)
        #expect(configuration.unixSocket == nil)
        #expect(configuration.tls == .off)
    }

    @Test("a socket URL with TLS options")
    func socket() throws {
        let configuration = try MariaDBConfiguration(
            url: "mariadb://engage:secret@localhost/engage?socket=/tmp/m.sock&tls=verify&tls_ca=/etc/ca.pem&read_timeout=9")
        #expect(configuration.unixSocket == "/tmp/m.sock")
        #expect(configuration.port == 3306)
        #expect(configuration.tls == .verify)
        #expect(configuration.tlsCAFile == "/etc/ca.pem")
        #expect(configuration.readTimeout == 9)
    }

    @Test("several hosts name a cluster's nodes, most preferred first")
    func cluster() throws {
        let configuration = try MariaDBConfiguration(url: "mariadb://app:p%40ss@db1:3307,db2,10.0.0.3:3308/engage?read_timeout=4")
        #expect(configuration.endpoints == [
            .init(host: "db1", port: 3307), .init(host: "db2", port: 3306), .init(host: "10.0.0.3", port: 3308),
        ])
        #expect(configuration.isCluster)
        #expect(configuration.host == "db1")
        #expect(configuration.password == "p@ss")
        #expect(configuration.database == "engage")
        #expect(configuration.readTimeout == 4)
        #expect(try !MariaDBConfiguration(url: "mariadb://app@db1/engage").isCluster)
    }

    @Test("bad URLs say what is wrong", arguments: [
        ("mariadb://u@h1,,h2/db", "empty or malformed host ''"),
        ("mariadb://u@h1,h2:70000/db", "host 'h2:70000' whose port is not a number"),
        ("mariadb://u@h1,h2/db?socket=/tmp/m.sock", "names several hosts and a socket"),
        ("postgres://u@h/db", "must start with mariadb://"),
        ("mariadb://h/db", "has no user"),
        ("mariadb://u@h/db?tls=maybe", "option tls must be off, required or verify"),
        ("mariadb://u@h/db?read_timeout=soon", "option read_timeout must be a number of seconds"),
        ("mariadb://u@h/db?colour=blue", "unknown option 'colour'"),
    ])
    func invalid(url: String, message: String) {
        #expect {
            _ = try MariaDBConfiguration(url: url)
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}
