@testable import Engage
import Foundation
import Testing

/// Every (status, change) pair of `DocumentLifecycle`, read from tables written out below, with no database.
@Suite("Document lifecycle")
struct DocumentLifecycleTests {
    /// What a recipient's change does, per status, in the column order of `recipientColumns`:
    /// a status name moves there, `=` records without moving, `*` records the refused view, and
    /// a refusal is E expired, C cancelled, A already accepted, S already signed, P already paid,
    /// D already declined.
    static let recipientTable = """
        status      view        download    accept      sign        register  decline
        draft       viewed      downloaded  accepted    signed      =         rejected
        pending     viewed      downloaded  accepted    signed      =         rejected
        sent        viewed      downloaded  accepted    signed      =         rejected
        viewed      =           downloaded  accepted    signed      =         rejected
        downloaded  =           =           accepted    signed      =         rejected
        accepted    =           =           A           signed      =         rejected
        signed      =           =           A           S           =         S
        paid        =           =           P           P           =         P
        rejected    =           =           D           D           =         D
        expired     E           E           E           E           E         E
        cancelled   *           C           C           C           C         C
        """
    static let recipientColumns: [RecipientAction] = [.view, .download, .accept, .sign, .register, .decline]

    /// Staff asking for the column's status from the row's: y allowed, n refused, - no change.
    static let editTable = """
        from\\to     draft pending sent viewed downloaded accepted signed paid rejected expired cancelled
        draft       -     y       y    y      y          y        y      y    n        n       y
        pending     n     -       y    y      y          y        y      y    y        y       y
        sent        n     n       -    y      y          y        y      y    y        y       y
        viewed      n     n       n    -      y          y        y      y    y        y       y
        downloaded  n     n       n    n      -          y        y      y    y        y       y
        accepted    n     n       n    n      n          -        y      y    y        n       y
        signed      n     n       n    n      n          n        -      y    n        n       y
        paid        n     n       n    n      n          n        n      -    n        n       n
        rejected    y     n       n    n      n          n        n      n    -        n       n
        expired     y     n       n    n      n          n        n      n    n        -       n
        cancelled   y     n       n    n      n          n        n      n    n        n       -
        """

    /// The other changes: a message queued (sent: moves there; = records; V refused), the
    /// changes that only record their event whatever the status, following the payment link
    /// (refused once the document expired or was cancelled), one party's completion while others
    /// are awaited (refused as a signature would be), a transfer, and the expiry sweeper
    /// (expires a document still waiting; - nothing at all otherwise).
    static let otherTable = """
        status      queued  failed  opened  clicked  linkCreated  linkRevoked  pay  party  transfer  expiry
        draft       sent    =       =       =        =            =            =    =      =         -
        pending     sent    =       =       =        =            =            =    =      =         expired
        sent        =       =       =       =        =            =            =    =      =         expired
        viewed      =       =       =       =        =            =            =    =      =         expired
        downloaded  =       =       =       =        =            =            =    =      =         expired
        accepted    =       =       =       =        =            =            =    =      =         -
        signed      =       =       =       =        =            =            =    S      =         -
        paid        =       =       =       =        =            =            =    P      =         -
        rejected    V       =       =       =        =            =            =    D      =         -
        expired     V       =       =       =        =            =            E    E      =         -
        cancelled   V       =       =       =        =            =            C    C      =         -
        """
    static let otherColumns: [DocumentLifecycle.Change] = [
        .messageQueued(.email), .messageFailed(.email), .emailOpened, .linkClicked, .linkCreated, .linkRevoked, .paymentClicked,
        .partyCompleted, .partyTransferred, .expiryReached,
    ]

    /// The rows of a table: the status of each line, then its cells.
    static func rows(_ table: String) -> [(DocumentStatus, [String])] {
        table.split(separator: "\n").dropFirst().map { line in
            let cells = line.split(separator: " ").map(String.init)
            return (DocumentStatus(rawValue: cells[0])!, Array(cells.dropFirst()))
        }
    }

    /// What a decision or refusal looks like in the tables.
    static func cell(_ change: DocumentLifecycle.Change, on document: Document) -> String {
        do {
            let decision = try DocumentLifecycle.decide(change, for: document)
            if decision.refusal == .cancelled { return "*" }
            if decision.event == nil { return "-" }
            return decision.status?.rawValue ?? "="
        } catch let error as RecipientError {
            switch error {
            case .expired: return "E"
            case .cancelled: return "C"
            case .alreadyDone(.accept): return "A"
            case .alreadySigned: return "S"
            case .alreadyPaid: return "P"
            case .alreadyDone(.decline): return "D"
            default: return "\(error)"
            }
        } catch is ValidationError {
            return "V"
        } catch {
            return "\(error)"
        }
    }

    @Test("the tables cover every status once")
    func coverage() {
        for table in [Self.recipientTable, Self.editTable, Self.otherTable] {
            #expect(Self.rows(table).map(\.0) == DocumentStatus.allCases)
        }
    }

    @Test("recipients' actions, by status", arguments: DocumentLifecycleTests.rows(DocumentLifecycleTests.recipientTable))
    func recipient(status: DocumentStatus, expected: [String]) {
        let document = Document.sample(status: status)
        for (action, cell) in zip(Self.recipientColumns, expected) {
            #expect(Self.cell(.recipient(action), on: document) == cell, "\(action) on \(status)")
        }
    }

    @Test("staff edits, by status", arguments: DocumentLifecycleTests.rows(DocumentLifecycleTests.editTable))
    func edit(status: DocumentStatus, expected: [String]) throws {
        for (next, cell) in zip(DocumentStatus.allCases, expected) {
            #expect(DocumentLifecycle.staffCanMove(from: status, to: next) == (cell != "n"), "\(status) to \(next)")
            let document = Document.sample(status: status)
            switch cell {
            case "-":
                #expect(try DocumentLifecycle.decide(.edit(status: next), for: document).event == nil)
            case "y":
                let decision = try DocumentLifecycle.decide(.edit(status: next), for: document)
                #expect(decision.status == next)
                #expect(decision.event == .statusChanged)
                #expect(decision.details == ["from": .string(status.rawValue), "to": .string(next.rawValue)])
                #expect(decision.stamps == (DocumentStamp(entering: next).map { [$0] } ?? []))
            default:
                let refusal = #expect(throws: ValidationError.self) { try DocumentLifecycle.decide(.edit(status: next), for: document) }
                #expect(refusal?.fields.first?.message == "The status cannot change from \(status.rawValue) to \(next.rawValue).")
            }
        }
        // An edit of the fields alone records nothing.
        #expect(try DocumentLifecycle.decide(.edit(status: nil), for: .sample(status: status)).event == nil)
    }

    @Test("messages, tracking and links, by status", arguments: DocumentLifecycleTests.rows(DocumentLifecycleTests.otherTable))
    func others(status: DocumentStatus, expected: [String]) {
        let document = Document.sample(status: status)
        for (change, cell) in zip(Self.otherColumns, expected) {
            #expect(Self.cell(change, on: document) == cell, "\(change) on \(status)")
        }
    }

    @Test("what each kept change writes: events, stamps, views, link uses and side effects")
    func effects() throws {
        let draft = Document.sample(status: .draft)
        let view = try DocumentLifecycle.decide(.recipient(.view), for: draft)
        #expect(view.event == .pageViewed && view.views == 1 && view.stamps == [.firstViewed] && view.usesLink)
        let sign = try DocumentLifecycle.decide(.recipient(.sign), for: draft)
        #expect(sign.event == .signed && sign.stamps == [.signed] && sign.effects == [.signedConfirmation])
        let register = try DocumentLifecycle.decide(.recipient(.register), for: .sample(status: .paid))
        #expect(register.event == .registered && register.stamps == [.registered] && register.status == nil)
        let withdrawn = try DocumentLifecycle.decide(.recipient(.view), for: .sample(status: .cancelled))
        #expect(withdrawn.event == .pageViewed && withdrawn.views == 0 && withdrawn.stamps.isEmpty && !withdrawn.usesLink)
        #expect(withdrawn.details == ["refused": .string("document_cancelled")])
        let queued = try DocumentLifecycle.decide(.messageQueued(.sms), for: .sample(status: .signed))
        #expect(queued.event == .smsQueued && queued.stamps == [.sent] && queued.status == nil)
        let opened = try DocumentLifecycle.decide(.emailOpened, for: .sample(status: .expired))
        #expect(opened.event == .emailOpened && !opened.usesLink && opened.stamps.isEmpty)
    }

    @Test("only a change that may use the link ever does, whatever the status (the recorder locks links by it)")
    func linkUseDeclared() {
        let changes = Self.recipientColumns.map(DocumentLifecycle.Change.recipient) + Self.otherColumns + DocumentStatus.allCases.map { .edit(status: $0) }
        for status in DocumentStatus.allCases {
            for change in changes where (try? DocumentLifecycle.decide(change, for: .sample(status: status)))?.usesLink == true {
                #expect(change.mayUseLink, "\(change) on \(status)")
            }
        }
    }

    @Test("a download needs a PDF, a payment a payment link; a registration happens once")
    func onlyOnce() throws {
        #expect(throws: RecipientError.noPaymentLink) { try DocumentLifecycle.decide(.paymentClicked, for: .sample(status: .sent, payable: false)) }
        #expect(try DocumentLifecycle.decide(.paymentClicked, for: .sample(status: .sent)).usesLink)
        #expect(Self.cell(.recipient(.download), on: .sample(status: .sent, pdf: false)) == "\(RecipientError.noPDF)")
        #expect(throws: RecipientError.alreadyDone(.register)) {
            try DocumentLifecycle.decide(.recipient(.register), for: .sample(status: .sent, registered: true))
        }
    }

    @Test("changes decided one after another: stamps kept once, views counted, status forward only")
    func sequence() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var document = Document.sample(status: .sent)
        for (offset, action) in [RecipientAction.view, .sign, .view].enumerated() {
            let decision = try DocumentLifecycle.decide(.recipient(action), for: document)
            document = document.applying(decision, at: start.addingTimeInterval(Double(offset)))
        }
        #expect(document.status == .signed)
        #expect(document.viewCount == 2)
        #expect(document.firstViewedAt == start)
        #expect(document.lastViewedAt == start.addingTimeInterval(2))
        #expect(document.signedAt == start.addingTimeInterval(1))
    }

    @Test("a document declined, reopened as draft and sent again can be accepted; its page no longer says declined")
    func reopened() throws {
        var document = Document.sample(status: .sent)
        document = document.applying(try DocumentLifecycle.decide(.recipient(.decline), for: document), at: Date())
        #expect(DocumentLifecycle.refusal(of: .accept, on: document) == .alreadyDone(.decline))
        document = document.applying(try DocumentLifecycle.decide(.edit(status: .draft), for: document), at: Date())
        #expect(DocumentLifecycle.awaitsDecision(document.status))
        #expect(DocumentLifecycle.refusal(of: .accept, on: document) == nil)
    }
}

extension Document {
    /// A document in `status` with nothing recorded yet.
    static func sample(status: DocumentStatus, pdf: Bool = true, payable: Bool = true, registered: Bool = false) -> Document {
        let created = Date(timeIntervalSince1970: 1_700_000_000)
        return Document(
            id: 1, documentNumber: "DOC-000001", documentType: .pennylaneQuote, externalID: nil, externalSource: nil,
            externalURL: nil, title: "Website redesign", description: nil, customMessage: nil, status: status,
            recipientEmail: "ann@globex.example", recipientName: "Ann Lee", recipientCompany: nil, contactID: nil,
            organizationID: nil, totalAmount: 5000, currency: "EUR", dueDate: nil, expiresAt: nil,
            pdfURL: pdf ? "https://files.example.com/q.pdf" : nil, paymentURL: payable ? "https://pay.example.com/q" : nil, pdf: nil, metadata: nil,
            prefillData: nil, viewCount: 0, firstViewedAt: nil, lastViewedAt: nil, sentAt: nil, downloadedAt: nil,
            acceptedAt: nil, signedAt: nil, paidAt: nil, rejectedAt: nil, expiredAt: nil, cancelledAt: nil,
            registeredAt: registered ? created : nil, remindersEnabled: true, createdBy: nil, createdAt: created,
            updatedAt: created, deletedAt: nil)
    }
}
