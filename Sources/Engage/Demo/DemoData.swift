import Foundation

/// Bulk demo data, generated inside MariaDB from its `seq_1_to_N` sequence tables so that a
/// million documents load in minutes rather than hours of single inserts. (N is a count checked
/// by the caller, interpolated because a table name cannot be a bound parameter.)
struct DemoDataRepository {
    let connection: SQLConnection

    /// 40 × 50 = 2,000 invented client names ("Kavor", "Lobrin"…), so a client's name is a
    /// realistic, selective search term (about one document in 2,000).
    private static func clientName(of number: String) -> String {
        """
        CONCAT(ELT(1 + (\(number) * 7919) MOD 40, 'Ka','Lo','Mi','Ne','Ta','Ri','Su','Ve','Bo','Da','Fe','Gi','Ha','Jo','Ku','Le','Mo',
            'Na','Or','Pa','Qu','Ro','Sa','Tu','Ul','Va','We','Xa','Yo','Ze','Al','Be','Ci','Du','El','Fa','Go','Hu','Il','Ju'),
        ELT(1 + ((\(number) * 7919) DIV 40) MOD 50, 'vor','brin','dex','lum','rax','tis','mon','gard','vel','nor','pix','zan','quel',
            'ster','bach','ford','wick','holm','dale','mere','ton','ville','berg','stad','heim','dorf','wald','brook','field',
            'gate','haven','land','more','port','rock','shaw','stone','wood','worth','bury','combe','cott','den','ham','ley',
            'lin','mar','nesh','rup','sk'))
        """
    }

    /// Adds organizations number `after + 1` to `after + count` with their names and cities.
    func insertOrganizations(_ count: Int, after: Int) async throws {
        let name = Self.clientName(of: "seq")
        try await connection.execute("""
            INSERT INTO organizations (name, city, country, email, created_at, updated_at)
            SELECT \(name), ELT(1 + seq MOD 6, 'Paris', 'Lyon', 'Breda', 'Nantes', 'Lille', 'Gent'),
                'France', CONCAT('contact', seq, '@example.com'), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)
            FROM (SELECT ? + seq AS seq FROM seq_1_to_\(count)) numbers
            """, [after])
    }

    /// Adds contacts number `after + 1` to `after + count`, spread over the organizations.
    func insertContacts(_ count: Int, after: Int, organizations: Int) async throws {
        try await connection.execute("""
            INSERT INTO contacts (organization_id, email, firstname, lastname, fullname, created_at, updated_at)
            SELECT o.id, CONCAT('person', p.seq, '@example.com'), p.firstname, p.lastname, CONCAT(p.firstname, ' ', p.lastname),
                UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)
            FROM (
                SELECT seq,
                    ELT(1 + seq MOD 8, 'Anne', 'Bruno', 'Chloé', 'David', 'Emma', 'Félix', 'Hugo', 'Inès') AS firstname,
                    ELT(1 + (seq DIV 8) MOD 8, 'Martin', 'Bernard', 'Dubois', 'Durand', 'Lefèvre', 'Moreau', 'Girard', 'Roux') AS lastname
                FROM (SELECT ? + seq AS seq FROM seq_1_to_\(count)) numbers
            ) p
            JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM organizations) o ON o.n = 1 + p.seq MOD ?
            """, [after, organizations])
    }

    /// Adds `size` documents numbered after the current highest id (one statement; callers keep
    /// batches small) and returns their ids, whose search words the caller indexes.
    ///
    /// Statuses, types, sources, amounts, due dates and creation times are spread the way a busy
    /// account's would be; the title names one of 2,000 clients.
    func insertDocuments(_ size: Int) async throws -> ClosedRange<Int64> {
        let client = Self.clientName(of: "n")
        let start: Int64 = try await connection.queryFirst("SELECT CAST(IFNULL(MAX(id), 0) AS SIGNED) AS last FROM documents")?.decode("last") ?? 0
        // document_number repeats DocumentNumber.format in SQL: DOC- and the id on at least six digits.
        try await connection.execute("""
            INSERT INTO documents (id, document_number, document_type, external_id, external_source, title, status,
                recipient_name, recipient_email, total_amount, currency, due_date, view_count, first_viewed_at,
                sent_at, accepted_at, signed_at, paid_at, created_at, updated_at)
            SELECT id, CONCAT('DOC-', IF(id < 1000000, LPAD(id, 6, '0'), id)), type,
                IF(source IS NULL, NULL, CONCAT(IF(type = 'project_approval', 'P-', 'Q-'), id)), source,
                CONCAT(ELT(1 + n MOD 8, 'Website redesign', 'Annual maintenance', 'Hosting renewal', 'Brand workshop',
                    'Mobile app phase', 'SEO audit', 'Support contract', 'Data migration'), ' for ', \(client)),
                status, \(client), CONCAT('billing', n MOD 5000, '@example.com'),
                ROUND(100 + (n * 37) MOD 20000 + (n MOD 100) / 100, 2), IF(n MOD 10 = 0, 'USD', 'EUR'),
                DATE_ADD('2025-01-01', INTERVAL (n * 13) MOD 730 DAY),
                IF(status IN ('viewed', 'downloaded', 'accepted', 'signed', 'paid'), 1 + n MOD 7, 0),
                IF(status IN ('viewed', 'downloaded', 'accepted', 'signed', 'paid'), created + INTERVAL 2 DAY, NULL),
                IF(status IN ('draft', 'pending'), NULL, created + INTERVAL 1 DAY),
                IF(status IN ('accepted', 'signed', 'paid'), created + INTERVAL 3 DAY, NULL),
                IF(status IN ('signed', 'paid'), created + INTERVAL 4 DAY + INTERVAL (n MOD 86400) SECOND, NULL),
                IF(status = 'paid', created + INTERVAL 9 DAY, NULL),
                created, created + INTERVAL (n MOD 9) DAY
            FROM (
                -- CRC32 spreads statuses and types independently of the client (a linear mix of n would not).
                SELECT id, n,
                    ELT(1 + CRC32(n) MOD 20, 'draft','draft','pending','sent','sent','viewed','viewed','viewed','downloaded',
                        'accepted','accepted','signed','signed','paid','paid','paid','paid','rejected','expired','cancelled') AS status,
                    ELT(1 + (CRC32(n) DIV 20) MOD 4, 'pennylane_quote', 'pennylane_invoice', 'project_approval', 'custom') AS type,
                    ELT(1 + (CRC32(n) DIV 20) MOD 4, 'pennylane', 'pennylane', 'projectflow', NULL) AS source,
                    TIMESTAMP('2024-01-01') + INTERVAL (n * 7777) MOD (1050 * 86400) SECOND AS created
                FROM (SELECT ? + seq AS id, ? + seq AS n FROM seq_1_to_\(size)) numbers
            ) generated
            """, [start, start])
        return (start + 1)...(start + Int64(size))
    }
}

/// Loads demo data (`engage demo`).
public struct DemoDataService: Sendable {
    private let database: Database

    /// Rows one demo statement adds at most (a few megabytes of write set).
    static let rowsPerStatement = 20_000

    public init(database: Database) {
        self.database = database
    }

    /// Adds organizations, contacts and documents, each document with a plausible history of
    /// events (`DemoHistory`), and counts them for analytics; progress is reported after each step.
    public func load(organizations: Int, contacts: Int, documents: Int, progress: @Sendable (String) -> Void) async throws {
        // Not repeatable as a whole: a lock conflict is reported, not retried. Every statement adds at
        // most `chunk` rows: on a Galera cluster each is one write set, which must stay well under
        // `wsrep_max_ws_size` and small enough not to stall the other nodes while it replicates.
        let chunk = Self.rowsPerStatement
        let added = try await database.statements(attempts: 1) { tx -> ClosedRange<Int64>? in
            let demo = tx.demo
            if organizations > 0 {
                for after in stride(from: 0, to: organizations, by: chunk) {
                    try await demo.insertOrganizations(min(chunk, organizations - after), after: after)
                }
                progress("\(organizations) organizations")
            }
            if contacts > 0, organizations > 0 {
                for after in stride(from: 0, to: contacts, by: chunk) {
                    try await demo.insertContacts(min(chunk, contacts - after), after: after, organizations: organizations)
                }
                progress("\(contacts) contacts")
            }
            var added: ClosedRange<Int64>?
            while (added?.count ?? 0) < documents {
                let ids = try await demo.insertDocuments(min(chunk, documents - (added?.count ?? 0)))
                try await tx.documents.indexWords(of: ids)
                added = (added?.lowerBound ?? ids.lowerBound)...ids.upperBound
                if added!.count % 100_000 == 0 || added!.count == documents { progress("\(added!.count) of \(documents) documents") }
            }
            return added
        }
        guard let added else { return }
        var events = 0
        // 250 documents' histories per statement stay under the 65,535 parameters a statement may bind.
        for start in stride(from: added.lowerBound, through: added.upperBound, by: 250) {
            events += try await database.write { tx in
                let chains = try await tx.documents.find(ids: Array(start...min(start + 249, added.upperBound))).map { document in
                    (document.id, Data?.none, AnalyticsDimensions(document), DemoHistory.events(of: document))
                }
                let appended = try await tx.events.append(chains, at: Date())
                try await tx.documents.setChainHeads(appended.heads)
                return appended.events.count
            }
            if (start - added.lowerBound + 250) % 100_000 == 0 { progress("\(events) events (\(start - added.lowerBound + 250) documents)") }
        }
        progress("\(events) events")
        try await AnalyticsService(database: database).countDocuments(after: added.lowerBound - 1)
        progress("analytics counts of \(added.count) documents")
    }
}
