import Foundation

/// The file formats documents are exported in.
public enum ExportFormat: String, Sendable, CaseIterable {
    case csv, xlsx

    public var contentType: String {
        switch self {
        case .csv: "text/csv; charset=utf-8"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }
}

/// An export asked for with bulk/export: built at once for a small selection, by a worker for a
/// large one, downloadable for an hour through the secret address it was answered with.
public struct DocumentExport: Sendable, Equatable {
    /// Where the export stands; `queued` and `sending` (a worker building it) are pending to users.
    public enum Status: String, Sendable {
        case queued, sending, ready, failed

        public var isPending: Bool { self == .queued || self == .sending }
    }

    public let id: Int64
    public let format: ExportFormat
    public let status: Status
    /// Documents selected when it was asked for.
    public let documents: Int
    /// Bytes of the file, once built.
    public let size: Int64?
    public let error: String?
    public let createdAt: Date
    public let expiresAt: Date

    /// The file's name: the export's id and day.
    public var filename: String {
        "documents-export-\(id)-\(CalendarDate(createdAt)).\(format.rawValue)"
    }
}

/// The download address of an export whose hour has passed (410 `EXPORT_EXPIRED`).
public struct ExportExpired: Error, Sendable, Equatable {
    public let expiredAt: Date
}

/// An export that could not be built; asking again may work.
public struct ExportFailed: Error, Sendable, Equatable {
    public let reason: String
}
