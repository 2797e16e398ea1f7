import Foundation

/// Documents exported as a file to download for an hour (bulk/export): a small selection is built
/// during the request, a large one by a worker (`ExportWorker`); either way the answer is the
/// secret address of the file.
public struct ExportService: Sendable {
    let database: Database

    /// Selections up to this many documents are built before the request answers.
    public static let immediateLimit = 5_000
    /// How long the download address works.
    public static let lifetime: TimeInterval = 3_600
    /// How long a build may go without renewing its claim before another worker takes it over.
    static let lease: TimeInterval = 120
    /// The most bytes stored per chunk of a file.
    static let chunkSize = 1 << 20

    public init(database: Database) {
        self.database = database
    }

    /// An export just asked for: its state, the secret token of its address, and for a list of
    /// ids each document's answer (included, or not found).
    public struct Created: Sendable {
        public let export: DocumentExport
        public let token: String
        public let results: [(documentID: Int64, result: Result<Void, any Error>)]?
    }

    /// Exports `document_ids` (at most 500), or the documents the list's `filters` match (all when
    /// neither is given), as `format` (`csv`, the default, or `xlsx`).
    public func create(_ input: Input, by actor: Actor, now: Date = Date()) async throws -> Created {
        var reader = InputReader(input, allowed: ["document_ids", "filters", "format"])
        let format = reader.choice("format", label: "Format", as: ExportFormat.self).value ?? .csv
        var selection = ExportSelection()
        var query = DocumentQuery()
        let filters = Self.filters(&reader)
        if reader.contains("document_ids") {
            selection.documentIDs = reader.documentIDs(maximum: DocumentService.maximumBulk, purpose: "to export")
            if filters != nil { reader.report("filters", .invalidValue, "Give document_ids or filters, not both.") }
        }
        if let filters {
            selection.filters = filters
            query = Self.query(filters, &reader)
        }
        try reader.finish()
        return try await create(format: format, selection: selection, query: query, by: actor, now: now)
    }

    /// Exports the documents the list's `parameters` (as in its address) match, every page (the portal's "all matching").
    public func create(format: ExportFormat, listParameters parameters: [String: String], by actor: Actor, now: Date = Date()) async throws -> Created {
        let filters = parameters.filter { DocumentQuery.filterNames.contains($0.key) }
        var query = try DocumentQuery(parameters: filters)
        query.page = PageRequest()
        return try await create(format: format, selection: ExportSelection(filters: filters), query: query, by: actor, now: now)
    }

    private func create(format: ExportFormat, selection: ExportSelection, query: DocumentQuery, by actor: Actor, now: Date) async throws -> Created {
        var selection = selection
        let (token, tokenHash) = SecretToken.generate(prefix: "exp_")
        let owner = "request:\(SecretToken.randomHexID().prefix(12))"
        let (id, results, immediate) = try await database.write { tx in
            var results: [(documentID: Int64, result: Result<Void, any Error>)]?
            let documents: Int
            if let ids = selection.documentIDs {
                let live = Set(try await tx.documents.findLive(ids: ids).map(\.id))
                results = ids.map { id in (id, live.contains(id) ? .success(()) : .failure(RecordNotFound("Document", id: id))) }
                selection.documentIDs = ids.filter(live.contains)
                documents = live.count
            } else {
                documents = try await tx.documents.count(query)
            }
            let immediate = documents <= Self.immediateLimit
            let id = try await tx.exports.insert(
                tokenHash: tokenHash, format: format, selection: selection, documents: documents,
                building: immediate ? (owner, now.addingTimeInterval(Self.lease)) : nil, by: actor.userID, at: now,
                expiresAt: now.addingTimeInterval(Self.lifetime))
            return (id, results, immediate)
        }
        if immediate { try await build(id: id, owner: owner) }
        guard let export = try await database.read({ try await $0.exports.find(tokenHash: tokenHash) }) else {
            throw RecordNotFound("Export", id: id)
        }
        return Created(export: export, token: token, results: results)
    }

    /// The `filters` object: the list's query parameters with their JSON types (ids as numbers,
    /// `viewed` as a boolean, the others as strings); its pages are ignored, as the whole list is exported.
    private static func filters(_ reader: inout InputReader) -> [String: String]? {
        guard let members = reader.object("filters", label: "filters").value else { return nil }
        var filters: [String: String] = [:]
        for (name, member) in members where !["page", "per_page", "cursor"].contains(name) {
            guard DocumentQuery.filterNames.contains(name) else {
                reader.report("filters.\(name)", .unknownField, "\(name) is not a filter of the document list.")
                continue
            }
            switch (name, member) {
            case ("contact_id", .number(let number)), ("organization_id", .number(let number)): filters[name] = "\(number)"
            case ("contact_id", _), ("organization_id", _): reader.report("filters.\(name)", .invalidFormat, "\(name) must be a whole number.")
            case ("viewed", .bool(let flag)): filters[name] = String(flag)
            case ("viewed", _): reader.report("filters.\(name)", .invalidFormat, "viewed must be true or false.")
            case (_, .string(let text)) where text.isEmpty: reader.report("filters.\(name)", .tooShort, "\(name) is empty: leave it out instead.")
            case (_, .string(let text)): filters[name] = text
            default: reader.report("filters.\(name)", .invalidFormat, "\(name) must be a string.")
            }
        }
        return filters
    }

    /// The list's query for `filters`, each problem reported under `filters.<name>`; pages are ignored.
    private static func query(_ filters: [String: String], _ reader: inout InputReader) -> DocumentQuery {
        do {
            var query = try DocumentQuery(parameters: filters)
            query.page = PageRequest()
            return query
        } catch let error as ValidationError {
            for field in error.fields { reader.report("filters.\(field.field)", field.code, field.message) }
        } catch {
            reader.report("filters", .invalidValue, "filters could not be read.")
        }
        return DocumentQuery()
    }

    /// The export behind `token`, and a reader of its file by chunk position once it is ready.
    /// Unknown: not found; past its hour: `ExportExpired`; a failed build: `ExportFailed`.
    public func download(token: String, now: Date = Date()) async throws -> (
        export: DocumentExport, chunk: @Sendable (_ position: Int) async throws -> Data?
    ) {
        guard let export = try await database.read({ try await $0.exports.find(tokenHash: SecretToken.hash(token)) }) else {
            throw RecordNotFound("Export", id: 0)
        }
        guard export.expiresAt > now else { throw ExportExpired(expiredAt: export.expiresAt) }
        if export.status == .failed { throw ExportFailed(reason: export.error ?? "The export could not be built.") }
        let database = database
        return (export, { position in try await database.read { try await $0.exports.chunk(exportID: export.id, position: position) } })
    }

    /// Builds the export `id` that `owner` holds, in chunks; a build whose claim was taken over
    /// stops quietly, any other failure is recorded on the export.
    func build(id: Int64, owner: String) async throws {
        guard let job = try await database.read({ try await $0.exports.job(id: id) }) else { return }
        try await database.statements { try await $0.exports.clearChunks(exportID: id) }
        let file = ExportFileWriter(database: database, exportID: id, owner: owner)
        do {
            try await ExportBuilder(database: database, selection: job.selection, file: file).write(job.export.format)
            try await file.close()
            _ = try await database.statements { try await $0.exports.finish(id: id, owner: owner, size: file.size, error: nil, at: Date()) }
        } catch is ExportClaimLost {
            return
        } catch let error as ServiceUnavailable {
            throw error
        } catch {
            _ = try await database.statements {
                try await $0.exports.finish(id: id, owner: owner, size: nil, error: "The file could not be written: \(error)".prefix(255).description, at: Date())
            }
        }
    }

    /// Builds the oldest export waiting for a worker, if any; true when one was built.
    public func buildNext(owner: String, now: Date = Date()) async throws -> Bool {
        guard try await database.read({ try await $0.exports.hasDue(now: now) }) else { return false }
        guard let id = try await database.write({ try await $0.exports.claim(owner: owner, leaseEnd: now.addingTimeInterval(Self.lease), now: now) })
        else { return false }
        try await build(id: id, owner: owner)
        return true
    }

    /// Removes expired files (and, a day later, their rows); returns the rows removed.
    @discardableResult
    public func purge(now: Date = Date()) async throws -> Int {
        try await database.statements { try await $0.exports.purge(now: now) }
    }
}

/// The build's claim went to another worker (its lease ended): it is theirs to finish.
struct ExportClaimLost: Error {}
