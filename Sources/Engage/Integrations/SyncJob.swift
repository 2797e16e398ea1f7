import Foundation

/// One pull from a partner: what it was asked to do, where it stands, and what it did so far.
public struct SyncJob: Sendable, Equatable, Identifiable {
    public enum Status: String, Sendable, CaseIterable {
        /// Waiting for a worker.
        case queued
        case running, completed, failed
    }

    public enum Origin: String, Sendable {
        case manual, schedule
    }

    public let id: Int64
    public let source: Partner
    public let full: Bool
    public let origin: Origin
    public let status: Status
    /// The lower bound of an incremental pull; nil for everything.
    public let since: Date?
    /// The list being read ("quotes", "customer_invoices", "approvals").
    public let stage: String?
    public let pages: Int
    /// Items in all, when the partner says.
    public let total: Int?
    public let processed: Int
    public let created: Int
    public let updated: Int
    public let errorCount: Int
    /// Why it failed.
    public let failure: String?
    /// Times a worker took it up (more than one: it was resumed after a worker stopped).
    public let claims: Int
    public let requestedBy: Int64?
    public let createdAt: Date
    public let startedAt: Date?
    public let finishedAt: Date?
    public let updatedAt: Date

    public var isActive: Bool { status == .queued || status == .running }

    /// Done so far, from 0 to 100; nil while the total is unknown.
    public var percent: Int? {
        if status == .completed { return 100 }
        guard let total, total > 0 else { return nil }
        return min(100, processed * 100 / total)
    }
}

/// An item a job could not import.
public struct SyncError: Sendable, Equatable {
    public let externalID: String?
    public let message: String
    public let createdAt: Date
}

extension SyncJob: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        writeJSON(&w) { _ in }
    }

    /// The job's object, with `more` members before it closes (the details' errors).
    public func writeJSON(_ w: inout JSONWriter, more: (inout JSONWriter) -> Void) {
        w.beginObject()
        w.key("id"); w.value(id)
        w.key("source"); w.value(source.rawValue)
        w.key("status"); w.value(status.rawValue)
        w.key("full"); w.value(full)
        w.key("trigger"); w.value(origin.rawValue)
        w.key("since"); w.value(since)
        w.key("stage"); w.value(stage)
        w.key("pages"); w.value(Int64(pages))
        w.key("total"); w.value(total.map(Int64.init))
        w.key("percent"); w.value(percent.map(Int64.init))
        w.key("documents_processed"); w.value(Int64(processed))
        w.key("documents_created"); w.value(Int64(created))
        w.key("documents_updated"); w.value(Int64(updated))
        w.key("error_count"); w.value(Int64(errorCount))
        w.key("failure"); w.value(failure)
        w.key("resumed"); w.value(Int64(max(0, claims - 1)))
        w.key("requested_by"); w.value(requestedBy)
        w.key("created_at"); w.value(createdAt)
        w.key("started_at"); w.value(startedAt)
        w.key("finished_at"); w.value(finishedAt)
        w.key("updated_at"); w.value(updatedAt)
        more(&w)
        w.endObject()
    }
}

extension SyncError: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("external_id"); w.value(externalID)
        w.key("message"); w.value(message)
        w.key("created_at"); w.value(createdAt)
        w.endObject()
    }
}

/// A sync was asked for while another of the same source is queued or running (409).
public struct SyncAlreadyRunning: Error, Sendable {
    public let jobID: Int64
    public let source: Partner
}

/// The partner cannot be reached or answers 5xx when a sync starts (503).
public struct PartnerUnavailable: Error, Sendable {
    public let partner: Partner
    public let reason: String
}
