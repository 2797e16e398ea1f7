import Foundation

/// An export's file as it is written: bytes gathered into chunks of `ExportService.chunkSize`,
/// each stored only while the builder still holds the export, whose claim is renewed as it goes.
final class ExportFileWriter {
    private let database: Database
    private let exportID: Int64
    private let owner: String
    private var buffer = Data()
    private var position = 0
    private var claimRenewed = Date()
    /// Bytes written so far.
    private(set) var size: Int64 = 0

    init(database: Database, exportID: Int64, owner: String) {
        self.database = database
        self.exportID = exportID
        self.owner = owner
    }

    func write(_ data: Data) async throws {
        buffer.append(data)
        size += Int64(data.count)
        while buffer.count >= ExportService.chunkSize {
            try await store(buffer.prefix(ExportService.chunkSize))
            buffer = Data(buffer.dropFirst(ExportService.chunkSize))
        }
    }

    /// Stores what is left.
    func close() async throws {
        if !buffer.isEmpty || position == 0 { try await store(buffer) }
        buffer = Data()
    }

    /// Extends the claim when a third of the lease has passed (a long build between chunks).
    func keepClaim() async throws {
        let now = Date()
        guard now.timeIntervalSince(claimRenewed) > ExportService.lease / 3 else { return }
        let (exportID, owner) = (exportID, owner)
        guard try await database.statements({
            try await $0.exports.renew(id: exportID, owner: owner, leaseEnd: now.addingTimeInterval(ExportService.lease), at: now)
        }) else { throw ExportClaimLost() }
        claimRenewed = now
    }

    private func store(_ chunk: Data) async throws {
        let (exportID, owner, position) = (exportID, owner, position)
        guard try await database.statements({ try await $0.exports.appendChunk(exportID: exportID, position: position, data: Data(chunk), owner: owner) })
        else { throw ExportClaimLost() }
        self.position += 1
        try await keepClaim()
    }
}

/// Writes the selected documents into an export's file, in the documents export's columns.
struct ExportBuilder {
    let database: Database
    let selection: ExportSelection
    let file: ExportFileWriter

    func write(_ format: ExportFormat) async throws {
        switch format {
        case .csv:
            try await file.write(Data((CSV.byteOrderMark + CSV.line(Export.documentHeader)).utf8))
            try await forEachBatch { batch in
                try await file.write(Data(batch.map { CSV.line(Export.cells($0).map(\.text)) }.joined().utf8))
            }
        case .xlsx:
            let workbook = try XLSXWorkbook()
            try workbook.addSheet("Documents", columns: XLSXWorkbook.columns(Export.documentHeader))
            try await forEachBatch { try workbook.append($0.map(Export.cells)) }
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).xlsx")
            defer { try? FileManager.default.removeItem(at: url) }
            try workbook.finish(to: url)
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: ExportService.chunkSize), !chunk.isEmpty {
                try await file.write(chunk)
            }
        }
    }

    /// The selected live documents in batches, in id order for filters and in the order asked for ids.
    private func forEachBatch(_ body: ([Document]) async throws -> Void) async throws {
        if let ids = selection.documentIDs {
            for start in stride(from: 0, to: ids.count, by: 500) {
                let slice = Array(ids[start..<min(start + 500, ids.count)])
                try await body(try await database.read { try await $0.documents.findLive(ids: slice) })
                try await file.keepClaim()
            }
            return
        }
        var query = try DocumentQuery(parameters: selection.filters ?? [:])
        query.page = PageRequest()
        try await database.forEachBatch(fetch: { try await $0.documents.batch(query, after: $1, limit: 1_000) }, id: \.id) { batch in
            try await body(batch)
            try await file.keepClaim()
        }
    }
}
