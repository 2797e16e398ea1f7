import Engage
import Foundation
import Hummingbird

/// The printable audit trail of a document: every event with its evidence and chain hash, and the verdict.
struct AuditTrailController {
    let views: ViewRenderer
    let events: DocumentEventService

    /// The audit trail page.
    struct TrailPage: PageContext {
        let title: String
        let chrome: PortalChrome?
        let id: Int64
        let number: String
        let verified: Bool
        let brokenEventID: Int64?
        let events: [TrailRow]
        let hasEvents: Bool
        let generatedAt: String
        let pager: Pager
    }

    /// One event with everything kept about it.
    struct TrailRow: Sendable {
        let id: Int64
        let row: DocumentShowPage.EventRow
        let userAgent: String
        let details: String
        let hash: String
        let isBroken: Bool
    }

    func register(on portal: RouterGroup<EngageRequestContext>) {
        portal.get("/documents/:id/audit-trail") { request, context in
            let page = try PageRequest(parameters: request.queryDictionary)
            let trail = try await events.auditTrail(documentID: try context.id(), page: page)
            return try views.render("portal/documents/audit-trail", TrailPage(
                title: "Audit trail of \(trail.document.documentNumber)", chrome: PortalChrome(context: context, section: "documents"),
                id: trail.document.id, number: trail.document.documentNumber, verified: trail.verified,
                brokenEventID: trail.firstBrokenEventID,
                events: trail.events.map { event in
                    TrailRow(
                        id: event.id, row: DocumentShowPage.row(event), userAgent: event.userAgent ?? "",
                        details: event.evidence, hash: event.chainHash, isBroken: event.id == trail.firstBrokenEventID)
                },
                hasEvents: !trail.events.isEmpty, generatedAt: ISOTimestamp.string(Date()),
                pager: Pager(
                    trail.eventsPage, path: "/documents/\(trail.document.id)/audit-trail",
                    parameters: trail.page.perPage == PageRequest.maximumSize ? [] : [("per_page", String(trail.page.perPage))])))
        }
        portal.get("/documents/:id/events.csv") { _, context in
            let export = try await events.export(documentID: try context.id())
            return CSVDownload.response(filename: "\(export.document.documentNumber)-events", header: PortalLocale.current.columns(Export.eventHeader)) { write in
                try await export.forEachBatch { try await write($0.map { Export.cells($0).map(\.text) }) }
            }
        }
        portal.get("/documents/:id/events.xlsx") { _, context in
            let export = try await events.export(documentID: try context.id())
            return try await XLSXDownload.response(filename: "\(export.document.documentNumber)-events") { workbook in
                try workbook.addSheet("Events", columns: XLSXWorkbook.columns(PortalLocale.current.columns(Export.eventHeader)))
                try await export.forEachBatch { try workbook.append($0.map(Export.cells)) }
            }
        }
    }
}
