import Foundation

/// Document engagements: create, read, list, update, soft delete, restore, statistics.
public struct DocumentService: Sendable {
    private let database: Database
    /// Where uploaded PDFs go.
    public let pdfs: PDFStore

    public init(database: Database, pdfs: PDFStore) {
        self.database = database
        self.pdfs = pdfs
    }

    /// Fields a create request may set.
    static let creatableFields: Set<String> = [
        "document_type", "title", "description", "custom_message", "external_id", "external_source", "external_url",
        "recipient_email", "recipient_name", "recipient_company", "contact_id", "organization_id", "total_amount",
        "currency", "due_date", "expires_at", "pdf_url", "payment_url", "metadata", "prefill_data", "content", "link_actions",
    ]

    /// Fields an update may change (the spec's list).
    public static let updatableFields: Set<String> = [
        "status", "due_date", "title", "description", "total_amount", "currency", "metadata", "custom_message", "expires_at", "content",
    ]

    private static let currencies = Set(Locale.commonISOCurrencyCodes)

    /// A page of live (or, for the Deleted view, deleted) documents matching `query`.
    public func list(_ query: DocumentQuery) async throws -> Page<Document> {
        try await database.read { tx in
            let found = try await tx.documents.page(query)
            return Page(items: found.items, request: query.page, total: found.total)
        }
    }

    /// The live ones of `ids`, in the order asked (one query).
    public func find(ids: [Int64]) async throws -> [Document] {
        try await database.read { try await $0.documents.findLive(ids: ids) }
    }

    /// A live document.
    public func find(id: Int64) async throws -> Document {
        try await database.read { try await $0.documents.requireLive(id: id) }
    }

    /// Creates a draft. Every problem is reported at once, missing contacts and organizations
    /// and a live document with the same external reference included.
    /// The recipient defaults to the contact (and their organization) when not given.
    /// With `template_id`, the template's fields and price tables are the start and those given override them.
    public func create(_ input: Input, by actor: Actor) async throws -> Document {
        try actor.requireWrite()
        let (input, templateProblems) = try await startingFromTemplate(input)
        var reader = InputReader(input, allowed: Self.creatableFields)
        for problem in templateProblems { reader.report(problem.field, problem.code, problem.message) }
        let type = reader.choice("document_type", label: "Document type", as: DocumentType.self, required: true)
        let title = reader.text("title", label: "Title", required: true, min: 3, max: 255)
        let description = reader.text("description", label: "Description", max: 10_000)
        let customMessage = reader.text("custom_message", label: "Custom message", max: 10_000)
        let externalID = reader.text("external_id", label: "External ID", max: 191)
        let externalSource = reader.choice("external_source", label: "External source", as: ExternalSource.self)
        let externalURL = reader.url("external_url", label: "External URL")
        let recipientEmail = reader.email("recipient_email", label: "Recipient email")
        let recipientName = reader.text("recipient_name", label: "Recipient name", max: 200)
        let recipientCompany = reader.text("recipient_company", label: "Recipient company", max: 200)
        let contactID = reader.id("contact_id", label: "Contact")
        let organizationID = reader.id("organization_id", label: "Organization")
        let amount = reader.money("total_amount", label: "Total amount")
        let currency = Self.currency(&reader)
        let dueDate = reader.date("due_date", label: "Due date")
        let expiresAt = reader.deadline("expires_at", label: "Expiry")
        let pdfURL = reader.url("pdf_url", label: "PDF URL")
        let paymentURL = reader.url("payment_url", label: "Payment URL")
        let metadata = reader.object("metadata", label: "Metadata")
        let prefill = reader.object("prefill_data", label: "Prefill data")
        let content = reader.priceTables()
        let linkActions = RecipientLinkService.actions(&reader, field: "link_actions", label: "Link actions", nullMeansDefault: true)

        return try await database.write { tx in
            let contacts = tx.contacts
            let organizations = tx.organizations
            var contact: Contact?
            if let id = contactID.value {
                if let row = try await contacts.find(id: id) {
                    contact = try ContactService.contact(row)
                } else {
                    reader.report("contact_id", .notFound, "Contact \(id) does not exist.")
                }
            }
            if let id = organizationID.value, try await !organizations.exists(id: id) {
                reader.report("organization_id", .notFound, "Organization \(id) does not exist.")
            }
            let tables = try await reader.completedPriceTables(content, in: tx) ?? []
            reader.refuseAmount(besides: !tables.isEmpty)
            try reader.finish()
            guard let type = type.value, let title = title.value else { preconditionFailure("checked by the reader") }

            let new = DocumentRepository.NewDocument(
                documentType: type, title: title, description: description.value, customMessage: customMessage.value,
                externalID: externalID.value, externalSource: externalSource.value, externalURL: externalURL.value,
                recipientEmail: recipientEmail.value ?? contact?.email,
                recipientName: recipientName.value ?? contact?.fullname,
                recipientCompany: recipientCompany.value ?? contact?.organizationName,
                contactID: contactID.value, organizationID: organizationID.value ?? contact?.organizationID,
                totalAmount: tables.isEmpty ? amount.value : PriceCalculator.price(tables).total,
                currency: currency.value ?? "EUR", dueDate: dueDate.value, expiresAt: expiresAt.value,
                pdfURL: pdfURL.value, paymentURL: paymentURL.value, metadata: metadata.value, prefillData: prefill.value,
                createdBy: actor.userID, linkActions: linkActions.value)
            let documents = tx.documents
            guard let id = try await documents.insert(new) else {
                throw ValidationError(fields: [.init(
                    field: "external_id", code: .duplicate,
                    message: "A live document already has this external_source and external_id.")])
            }
            if !tables.isEmpty { try await tx.priceTables.replace(tables, of: .document(id)) }
            guard let document = try await documents.find(id: id) else { throw RecordNotFound("Document", id: id) }
            try await tx.announce(.documentCreated, document)
            return document
        }
    }

    /// `input` over the fields of the template its `template_id` names (the given ones win), and
    /// what is wrong with `template_id`.
    private func startingFromTemplate(_ input: Input) async throws -> (Input, [ValidationError.FieldError]) {
        var values = input.values
        guard let given = values.removeValue(forKey: "template_id") else { return (input, []) }
        var reader = InputReader(Input(["template_id": given], isForm: input.isForm), allowed: ["template_id"])
        if let id = reader.id("template_id", label: "Template").value {
            if let start = try await database.read({ try await DocumentTemplateService.documentFields(template: id, in: $0) }) {
                values = start.merging(values) { _, given in given }
            } else {
                reader.report("template_id", .notFound, "Template \(id) does not exist.")
            }
        } else if case .null = given {
            reader.report("template_id", .invalidFormat, "Template must be a positive whole number.")
        }
        return (Input(values, isForm: input.isForm), reader.allProblems)
    }

    /// Changes the updatable fields `input` mentions. A status change is `DocumentLifecycle`'s to
    /// allow; its refusal names both statuses.
    public func update(id: Int64, _ input: Input, by actor: Actor) async throws -> Document {
        try actor.requireWrite()
        var reader = InputReader(input, allowed: Self.updatableFields)
        let status = reader.choice("status", label: "Status", as: DocumentStatus.self, required: input.values["status"] != nil)
        let title = reader.text("title", label: "Title", required: input.values["title"] != nil, min: 3, max: 255)
        let description = reader.text("description", label: "Description", max: 10_000)
        let customMessage = reader.text("custom_message", label: "Custom message", max: 10_000)
        let amount = reader.money("total_amount", label: "Total amount")
        let currency = Self.currency(&reader)
        let dueDate = reader.date("due_date", label: "Due date")
        let metadata = reader.object("metadata", label: "Metadata")
        let content = reader.priceTables()

        return try await database.write { tx in
            guard let locked = try await tx.documents.lockLive(id: id) else { throw RecordNotFound("Document", id: id) }
            let current = locked.document
            var reader = reader
            let expiresAt = reader.deadline("expires_at", label: "Expiry", kept: current.expiresAt)
            let tables = try await reader.completedPriceTables(content, in: tx)
            if tables != nil { try await PricesFrozen.check(current, in: tx) }
            if let tables {
                reader.refuseAmount(besides: !tables.isEmpty)
            } else if reader.contains("total_amount"), try await tx.priceTables.exist(for: .document(id)) {
                reader.refuseAmount(besides: true)
            }
            var changes = DocumentChanges(locked)
            do {
                try changes.apply(.edit(status: status.value), userID: actor.userID)
            } catch let refusal as ValidationError {
                for problem in refusal.fields { reader.report(problem.field, problem.code, problem.message) }
            }
            try reader.finish()
            try await tx.documents.update(id: id, DocumentRepository.Changes(
                title: title.value ?? current.title,
                description: description.merged(over: current.description),
                customMessage: customMessage.merged(over: current.customMessage),
                totalAmount: tables.flatMap { $0.isEmpty ? nil : PriceCalculator.price($0).total } ?? amount.merged(over: current.totalAmount),
                currency: currency.value ?? current.currency,
                dueDate: dueDate.merged(over: current.dueDate),
                expiresAt: expiresAt.merged(over: current.expiresAt),
                metadata: metadata.merged(over: current.metadata)))
            if let tables { try await tx.priceTables.replace(tables, of: .document(id)) }
            try await changes.write(in: tx)
            // Only the title, of the fields searched, can change here (a trigger keeps the words' status).
            if let newTitle = title.value, newTitle != current.title {
                try await tx.documents.indexWords(of: id...id)
            }
            guard let updated = try await tx.documents.find(id: id) else { throw RecordNotFound("Document", id: id) }
            try await tx.announce(.documentUpdated, updated)
            return updated
        }
    }

    /// Soft-deletes a live document; an admin can restore it.
    public func delete(id: Int64, by actor: Actor) async throws {
        try actor.requireWrite()
        try await database.write { tx in
            guard try await tx.documents.softDelete(id: id, by: actor.userID), let deleted = try await tx.documents.find(id: id) else {
                throw RecordNotFound("Document", id: id)
            }
            try await tx.announce(.documentDeleted, deleted)
        }
    }

    /// Brings back a deleted document (admins only), unless a live one took its external reference meanwhile.
    public func restore(id: Int64, by actor: Actor) async throws -> Document {
        try actor.requireAdmin()
        return try await database.write { tx in
            let documents = tx.documents
            switch try await documents.restore(id: id) {
            case nil:
                throw ValidationError(fields: [.init(
                    field: "external_id", code: .duplicate,
                    message: "Another live document has the same external reference; delete it first.")])
            case false?:
                throw RecordNotFound("Deleted document", id: id)
            case true?:
                guard let document = try await documents.find(id: id) else { throw RecordNotFound("Document", id: id) }
                try await tx.announce(.documentRestored, document)
                return document
            }
        }
    }

    /// Stores an uploaded PDF (checked by content and size) and attaches it to a live document.
    public func attachPDF(id: Int64, file: ReceivedFile?, by actor: Actor) async throws -> Document {
        try actor.requireWrite()
        _ = try await find(id: id)
        let problems = pdfs.check(file, field: "pdf")
        guard problems.isEmpty, let file else { throw ValidationError(fields: problems) }
        let stored = try pdfs.save(file)
        return try await database.statements { tx in
            let documents = tx.documents
            try await documents.attach(pdf: stored, to: id)
            guard let document = try await documents.find(id: id) else { throw RecordNotFound("Document", id: id) }
            return document
        }
    }

    /// Documents a bulk operation may name at once.
    public static let maximumBulk = 500

    /// Moves each of `document_ids` to `status` through the same rules as a single update; each
    /// answers on its own (the document, or why not), in the order asked.
    public func bulkStatus(_ input: Input, by actor: Actor) async throws -> [(documentID: Int64, result: Result<Document, any Error>)] {
        try actor.requireWrite()
        var reader = InputReader(input, allowed: ["document_ids", "status"])
        let ids = reader.documentIDs(maximum: Self.maximumBulk, purpose: "to change")
        let status = reader.choice("status", label: "Status", as: DocumentStatus.self, required: true)
        try reader.finish()
        guard let status = status.value else { preconditionFailure("checked by the reader") }
        return try await Self.each(ids) { try await update(id: $0, Input(["status": .string(status.rawValue)]), by: actor) }
    }

    /// Soft-deletes each of `document_ids`; each answers on its own.
    public func bulkDelete(_ input: Input, by actor: Actor) async throws -> [(documentID: Int64, result: Result<Document, any Error>)] {
        try actor.requireWrite()
        var reader = InputReader(input, allowed: ["document_ids"])
        let ids = reader.documentIDs(maximum: Self.maximumBulk, purpose: "to delete")
        try reader.finish()
        return try await Self.each(ids) { id in
            try await delete(id: id, by: actor)
            return try await database.read { tx in
                guard let document = try await tx.documents.find(id: id) else { throw RecordNotFound("Document", id: id) }
                return document
            }
        }
    }

    /// Runs `body` for each id, keeping a refusal (invalid, not found) as that id's answer; any
    /// other error ends the whole operation.
    private static func each(_ ids: [Int64], _ body: (Int64) async throws -> Document) async throws -> [(documentID: Int64, result: Result<Document, any Error>)] {
        var results: [(Int64, Result<Document, any Error>)] = []
        for id in ids {
            do {
                results.append((id, .success(try await body(id))))
            } catch let error as ValidationError {
                results.append((id, .failure(error)))
            } catch let error as RecordNotFound {
                results.append((id, .failure(error)))
            }
        }
        return results
    }

    /// Statistics of the live documents created between `date_from` and `date_to`, of one `document_type` or all.
    public func stats(parameters: [String: String]) async throws -> DocumentStats {
        let allowed: Set<String> = ["date_from", "date_to", "document_type"]
        let query = try DocumentQuery(parameters: parameters.filter { allowed.contains($0.key) })
        let rows = try await database.read {
            try await $0.documents.statsRows(query)
        }
        return DocumentStats(rows: rows)
    }

    /// Every document matching `query`'s filters (its page ignored), `batch` at a time in id order.
    public func forEachBatch(_ query: DocumentQuery, batch: Int = 1_000, _ body: ([Document]) async throws -> Void) async throws {
        try await database.forEachBatch(
            fetch: { try await $0.documents.batch(query, after: $1, limit: batch) }, id: \.id, body)
    }

    static func currency(_ reader: inout InputReader) -> Provided<String> {
        let text = reader.text("currency", label: "Currency", max: 64)
        guard case .value(let code) = text else { return text }
        let upper = code.uppercased()
        guard currencies.contains(upper) else {
            reader.report("currency", .invalidValue, "Currency must be an ISO 4217 code such as EUR or USD.")
            return .absent
        }
        return .value(upper)
    }
}

extension Provided {
    /// The new value when given, nil when cleared, `current` when absent.
    func merged(over current: Value?) -> Value? {
        switch self {
        case .absent: current
        case .null: nil
        case .value(let value): value
        }
    }
}
