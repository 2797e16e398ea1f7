import Foundation

/// A plausible history for a demo document, drawn from the stamps its status gave it: the link
/// and email at sending, opens, views and a download once viewed, then each decision, so that the
/// dashboard and the audit trail of demo data look like a busy account's.
enum DemoHistory {
    private static let browsers = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    ]

    static func events(of document: Document) -> [DocumentEventRepository.NewEvent] {
        guard let sent = document.sentAt else { return [] }
        let client = ClientInfo(
            ipAddress: "203.0.113.\(1 + document.id % 250)", userAgent: browsers[Int(document.id % Int64(browsers.count))])
        var events: [DocumentEventRepository.NewEvent] = []
        var status = DocumentStatus.draft
        func add(_ type: EventType, _ at: Date, recipient: Bool = false, details: [String: JSONValue]? = nil) {
            events.append(.init(type: type, client: recipient ? client : nil, details: details, at: at))
        }
        func move(to next: DocumentStatus, _ at: Date) {
            add(.statusChanged, at, details: ["from": .string(status.rawValue), "to": .string(next.rawValue)])
            status = next
        }
        add(.tokenCreated, sent.addingTimeInterval(-60))
        add(.emailQueued, sent)
        move(to: .sent, sent)
        if let viewed = document.firstViewedAt {
            add(.emailOpened, viewed.addingTimeInterval(-600), recipient: true)
            add(.linkClicked, viewed.addingTimeInterval(-5), recipient: true)
            for view in 0..<max(1, document.viewCount) {
                add(.pageViewed, viewed.addingTimeInterval(Double(view) * 3_600), recipient: true)
            }
            move(to: .viewed, viewed)
            add(.pdfDownloaded, viewed.addingTimeInterval(1_800), recipient: true)
            add(.emailOpened, viewed.addingTimeInterval(7_200), recipient: true)
            if document.status == .downloaded { move(to: .downloaded, viewed.addingTimeInterval(1_800)) }
        }
        if let accepted = document.acceptedAt {
            add(.accepted, accepted, recipient: true)
            move(to: .accepted, accepted)
        }
        if let signed = document.signedAt {
            add(.signed, signed, recipient: true)
            move(to: .signed, signed)
        }
        if let paid = document.paidAt {
            add(.paymentClicked, paid.addingTimeInterval(-3_600), recipient: true)
            move(to: .paid, paid)
        }
        switch document.status {
        case .rejected:
            add(.declined, sent.addingTimeInterval(2 * 86_400), recipient: true)
            move(to: .rejected, sent.addingTimeInterval(2 * 86_400))
        case .expired, .cancelled: move(to: document.status, sent.addingTimeInterval(5 * 86_400))
        default: break
        }
        // The chain is in time order, as appends would have made it.
        return events.sorted { $0.at! < $1.at! }
    }
}
