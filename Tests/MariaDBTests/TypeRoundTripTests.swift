import Foundation
import MariaDB
import TestSupport
import Testing

@Suite("Binding and decoding every supported type")
struct TypeRoundTripTests {
    private static let createTable = """
        CREATE TABLE samples (
            id BIGINT AUTO_INCREMENT PRIMARY KEY,
            i BIGINT NULL, u BIGINT UNSIGNED NULL, d DOUBLE NULL, money DECIMAL(15,2) NULL,
            s VARCHAR(255) NULL, b TINYINT(1) NULL, at DATETIME(6) NULL, on_day DATE NULL,
            blob_value LONGBLOB NULL, doc JSON NULL
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
        """

    private func withSamples<T>(_ body: (MariaDBConnection) async throws -> T) async throws -> T {
        try await TestDatabase.withPool { pool in
            try await pool.withConnection { connection in
                try await connection.execute(Self.createTable)
                return try await body(connection)
            }
        }
    }

    @Test("integers keep their extremes, signed and unsigned")
    func integers() async throws {
        try await withSamples { connection in
            for (signed, unsigned) in [(Int64.max, UInt64.max), (Int64.min, 0), (0, 1), (-1, UInt64(Int64.max) + 1)] {
                let inserted = try await connection.execute("INSERT INTO samples (i, u) VALUES (?, ?)", [signed, unsigned])
                let row = try #require(try await connection.queryFirst(
                    "SELECT i, u FROM samples WHERE id = ?", [inserted.lastInsertID]))
                #expect(try row.decode("i", as: Int64.self) == signed)
                #expect(try row.decode("u", as: UInt64.self) == unsigned)
            }
            let small = try #require(try await connection.queryFirst("SELECT ? AS n", [42]))
            #expect(try small.decode("n", as: Int.self) == 42)
        }
    }

    @Test("DECIMAL(15,2) money is exact: 0.10 + 0.20, the largest value, negatives")
    func money() async throws {
        try await withSamples { connection in
            let values = ["0.10", "0.20", "99999999999.99", "-12345.67", "-0.01"].map { Decimal(string: $0)! }
            for value in values {
                try await connection.execute("INSERT INTO samples (money) VALUES (?)", [value])
            }
            let stored = try await connection.query("SELECT money FROM samples ORDER BY id")
            #expect(try stored.map { try $0.decode("money", as: Decimal.self) } == values)
            let sum = try #require(try await connection.queryFirst(
                "SELECT SUM(money) AS total FROM samples WHERE money IN (?, ?)", [values[0], values[1]]))
            #expect(try sum.decode("total", as: Decimal.self) == Decimal(string: "0.30")!)
            #expect(try sum.decode("total", as: Decimal.self).description == "0.3")
        }
    }

    @Test("DECIMAL text reads as Decimal(string:) reads it: scale, zeros, signs, 18 digits and more")
    func decimalText() async throws {
        try await TestDatabase.withPool { pool in
            try await pool.withConnection { connection in
                let texts = ["0.00", "-0.00", "0.05", "5000.10", "1250.50", "100.00", "7.00", "-12.34", "99999999999.99",
                             "123456789012345678", "1234567890123456789", "-98765432109876543.21", "0.0000000001", "1000000"]
                for text in texts {
                    // Each value in the column type its text needs, as MariaDB sends it back.
                    let scale = text.split(separator: ".").dropFirst().first?.count ?? 0
                    let row = try #require(try await connection.queryFirst(
                        "SELECT CAST(? AS DECIMAL(38, \(scale))) AS value, CAST(CAST(? AS DECIMAL(38, \(scale))) AS CHAR) AS text",
                        [text, text]))
                    let decoded = try row.decode("value", as: Decimal.self)
                    let expected = try #require(Decimal(string: try row.decode("text", as: String.self)))
                    #expect(decoded == expected, "\(text)")
                    #expect(decoded.description == expected.description, "\(text)")
                    #expect(decoded.exponent == expected.exponent, "\(text)")
                    #expect(decoded.hashValue == expected.hashValue, "\(text)")
                }
            }
        }
    }

    @Test("doubles round-trip bit for bit")
    func doubles() async throws {
        try await withSamples { connection in
            for value in [0.1, Double.pi, -1e300, Double.leastNonzeroMagnitude] {
                let id = try await connection.execute("INSERT INTO samples (d) VALUES (?)", [value]).lastInsertID
                let row = try #require(try await connection.queryFirst("SELECT d FROM samples WHERE id = ?", [id]))
                #expect(try row.decode("d", as: Double.self) == value)
            }
        }
    }

    @Test("strings keep emoji, right-to-left text and quotes")
    func strings() async throws {
        try await withSamples { connection in
            let texts = ["👩‍👩‍👧‍👦 Devis n°42 🎉", "مرحبا بالعالم", "שלום עולם", "O'Brien \"quoted\" \\ back", "", "日本語テキスト"]
            for text in texts {
                let id = try await connection.execute("INSERT INTO samples (s) VALUES (?)", [text]).lastInsertID
                let row = try #require(try await connection.queryFirst("SELECT s FROM samples WHERE id = ?", [id]))
                #expect(try row.decode("s", as: String.self) == text)
            }
            let found = try await connection.query("SELECT id FROM samples WHERE s = ?", ["مرحبا بالعالم"])
            #expect(found.count == 1)
        }
    }

    @Test("booleans are TINYINT(1)")
    func booleans() async throws {
        try await withSamples { connection in
            try await connection.execute("INSERT INTO samples (b) VALUES (?), (?)", [true, false])
            let rows = try await connection.query("SELECT b FROM samples ORDER BY id")
            #expect(try rows.map { try $0.decode("b", as: Bool.self) } == [true, false])
        }
    }

    @Test("DATETIME(6) keeps microseconds in UTC; DATE reads as UTC midnight")
    func dates() async throws {
        try await withSamples { connection in
            let moments = [
                Date(timeIntervalSince1970: 1_737_369_000.123456),
                Date(timeIntervalSince1970: 0.000001),
                Date(timeIntervalSince1970: -86_400 * 365 * 30 + 0.5),
                Date(timeIntervalSince1970: 4_102_444_799.999999),
            ]
            for moment in moments {
                let id = try await connection.execute("INSERT INTO samples (at) VALUES (?)", [moment]).lastInsertID
                let row = try #require(try await connection.queryFirst(
                    "SELECT at, DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f') AS text FROM samples WHERE id = ?", [id]))
                let back = try row.decode("at", as: Date.self)
                #expect(Self.micros(back) == Self.micros(moment))
                #expect(try row.decode("text", as: String.self) == Self.utcText(moment))
            }
            try await connection.execute("INSERT INTO samples (on_day) VALUES ('2025-02-15')")
            let day = try #require(try await connection.queryFirst("SELECT on_day FROM samples WHERE on_day IS NOT NULL"))
            #expect(try day.decode("on_day", as: Date.self) == Date(timeIntervalSince1970: 1_739_577_600))
        }
    }

    @Test("a 5 MiB BLOB comes back byte for byte")
    func largeBlob() async throws {
        try await withSamples { connection in
            let urandom = try #require(FileHandle(forReadingAtPath: "/dev/urandom"))
            let blob = urandom.readData(ofLength: 5 * 1024 * 1024)
            #expect(blob.count == 5 * 1024 * 1024)
            let id = try await connection.execute("INSERT INTO samples (blob_value) VALUES (?)", [blob]).lastInsertID
            let row = try #require(try await connection.queryFirst("SELECT blob_value FROM samples WHERE id = ?", [id]))
            #expect(try row.decode("blob_value", as: Data.self) == blob)
        }
    }

    @Test("JSON values encode from and decode to Codable types")
    func json() async throws {
        struct Prefill: Codable, Equatable {
            var name: String
            var company: String
            var tags: [String]
            var amount: Decimal
        }
        try await withSamples { connection in
            let prefill = Prefill(name: "Zoë 🚀", company: "Acme", tags: ["a", "b"], amount: Decimal(string: "12.34")!)
            let id = try await connection.execute(
                "INSERT INTO samples (doc) VALUES (?)", [try MariaDBValue.json(prefill)]).lastInsertID
            let row = try #require(try await connection.queryFirst(
                "SELECT doc, JSON_VALUE(doc, '$.company') AS company FROM samples WHERE id = ?", [id]))
            #expect(try row.decodeJSON("doc", as: Prefill.self) == prefill)
            #expect(try row.decode("company", as: String.self) == "Acme")
        }
    }

    @Test("NULL binds and decodes as nil into optionals, and is refused by non-optionals")
    func nulls() async throws {
        try await withSamples { connection in
            let missing: String? = nil
            let id = try await connection.execute(
                "INSERT INTO samples (s, i, at) VALUES (?, ?, ?)", [missing, MariaDBValue.null, Optional<Date>.none]
            ).lastInsertID
            let row = try #require(try await connection.queryFirst("SELECT s, i, at, doc FROM samples WHERE id = ?", [id]))
            #expect(try row.decode("s", as: String?.self) == nil)
            #expect(try row.decode("i", as: Int?.self) == nil)
            #expect(try row.decode("at", as: Date?.self) == nil)
            #expect(try row.decodeJSON("doc", as: [String: String].self) == nil)
            #expect(throws: MariaDBUsageError.typeMismatch(column: "s", expected: "String", actual: "NULL")) {
                try row.decode("s", as: String.self)
            }
        }
    }

    @Test("decoding names the column on a type mismatch or an unknown column")
    func decodeErrors() async throws {
        try await withSamples { connection in
            let row = try #require(try await connection.queryFirst("SELECT 'text' AS label, 7 AS n"))
            #expect(throws: MariaDBUsageError.typeMismatch(column: "label", expected: "Int", actual: "a string")) {
                try row.decode("label", as: Int.self)
            }
            #expect(throws: MariaDBUsageError.columnNotFound("nope")) { try row.decode("nope", as: Int.self) }
            #expect(try row.decode("n", as: Int.self) == 7)
        }
    }

    @Test("every one of 120 columns is found by its name, a repeated name gives the first, and lookalikes are told apart")
    func columnsByName() async throws {
        try await withSamples { connection in
            let names = (0..<120).map { "c\($0)" } + ["C1", "c1 ", "prix_€", "c10"]
            let select = names.enumerated().map { "\($0.offset) AS `\($0.element)`" }.joined(separator: ", ")
            let row = try #require(try await connection.queryFirst("SELECT \(select)"))
            for (position, name) in names.enumerated().prefix(123) {
                #expect(try row.decode(name, as: Int.self) == position, "\(name)")
            }
            #expect(try row.decode("c10", as: Int.self) == 10, "the first of two columns named c10")
            for missing in ["c120", "c", "", "c1  ", "prix_e"] {
                #expect(throws: MariaDBUsageError.columnNotFound(missing)) { try row.decode(missing, as: Int.self) }
            }
        }
    }

    private static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    private static func utcText(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let fraction = ((date.timeIntervalSince1970 * 1_000_000).rounded()).truncatingRemainder(dividingBy: 1_000_000)
        let micros = Int(fraction < 0 ? fraction + 1_000_000 : fraction)
        let wholeSeconds = Date(timeIntervalSince1970: (Double(Self.micros(date) - Int64(micros)) / 1_000_000))
        return formatter.string(from: wholeSeconds) + String(format: ".%06d", micros)
    }
}
