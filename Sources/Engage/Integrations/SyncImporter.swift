import Foundation

/// Imports one page of a partner's documents in the transaction that also moves the job's
/// checkpoint, so that a page is imported and counted once, or not at all.
///
/// A document is matched by `(external_source, external_id)`: a new one is created as a draft
/// and moved to the partner's status by `DocumentLifecycle` (`synced`: forward only); a known one
/// takes the partner's fields where staff did not change them here (each field is compared with
/// its value as last imported) and the partner's status where the lifecycle allows; one staff
/// deleted stays deleted. Customers become organizations (companies) and contacts (people).
struct SyncImporter {
    let partner: Partner

    /// Lost the job to another worker (its lease ended): nothing of the page may be written.
    struct LostLease: Error {}

    /// Imports `page` for `job`, held by `owner`; returns what it added to the counts.
    func importPage(
        _ page: FeedPage, customers fetched: [ImportedCustomer], job: SyncJob, owner: String, leaseEnd: Date,
        next checkpoint: SyncJobRepository.Checkpoint, in tx: Transaction
    ) async throws -> SyncJobRepository.Progress {
        let now = Date()
        guard try await tx.syncJobs.hold(id: job.id, owner: owner, leaseEnd: leaseEnd, at: now) else { throw LostLease() }
        let source = partner.externalSource
        var progress = SyncJobRepository.Progress()
        var problems: [ItemProblem] = []
        var documents: [ImportedDocument] = []
        var seen = Set<String>()
        for item in page.items {
            switch item {
            case .success(let document) where seen.insert(document.externalID).inserted: documents.append(document)
            case .success(let document): problems.append(ItemProblem(externalID: document.externalID, message: "The id appears twice in one page."))
            case .failure(let problem): problems.append(problem)
            }
        }

        let parties = try await resolve(Set(documents.compactMap(\.customerID)), described: page.customers + fetched, in: tx)
        let known = try await tx.documents.imported(source: source, externalIDs: documents.map(\.externalID))
        let audience = try await WebhookAudience.read(in: tx)
        let details: [String: JSONValue] = ["source": .string(partner.rawValue), "sync_job_id": .number(Decimal(job.id))]
        let new = documents.filter { known[$0.externalID] == nil }
        try await create(new, parties: parties, details: details, audience: audience, at: now, in: tx)
        progress.created = new.count

        var ids: [String: Int64] = [:]
        for (externalID, match) in known where match.live { ids[externalID] = match.id }
        let locked = try await tx.documents.lockImported(ids: Array(Set(ids.values)))
        for document in documents where known[document.externalID] != nil {
            // Deleted here: left alone.
            guard let id = ids[document.externalID], let (current, snapshot) = locked[id] else { continue }
            var changes = DocumentChanges(current, at: now)
            try changes.apply(.synced(status: document.status), details: details)
            let fieldsChanged = try await update(current.document, snapshot: snapshot, to: document, party: parties[document.customerID ?? ""], in: tx)
            guard fieldsChanged || changes.hasChanges else { continue }
            progress.updated += 1
            try await changes.write(in: tx, audience: audience)
            if fieldsChanged, let updated = try await tx.documents.find(id: id) {
                try await tx.announce([.documentUpdated], updated, at: now, to: audience)
            }
        }
        progress.processed = documents.count + problems.count
        progress.errors = problems.count
        try await tx.syncJobs.insertErrors(jobID: job.id, problems, at: now)
        try await tx.syncJobs.advance(id: job.id, to: checkpoint, by: progress, total: page.total, at: now)
        return progress
    }

    /// Writes the new documents as `DocumentLifecycle` decides them from a draft: in their status,
    /// their events in one statement, then numbered with their chain ends (a status set at insert
    /// spares the per-document update and its counting triggers).
    private func create(
        _ new: [ImportedDocument], parties: [String: CustomerRepository.Party], details: [String: JSONValue], audience: WebhookAudience,
        at now: Date, in tx: Transaction
    ) async throws {
        guard !new.isEmpty else { return }
        let decisions = new.map { DocumentLifecycle.synced(from: .draft, to: $0.status) }
        let drafts = zip(new, decisions).map { document, decision in
            var draft = self.draft(document, party: parties[document.customerID ?? ""])
            draft.status = decision.status ?? .draft
            draft.stamps = decision.stamps
            draft.stampedAt = now
            return draft
        }
        let ids = try await tx.documents.insertImported(drafts, source: partner.externalSource)
        let chains = zip(drafts, decisions).compactMap { draft, decision
            -> (documentID: Int64, head: Data?, dimensions: AnalyticsDimensions, events: [DocumentEventRepository.NewEvent])? in
            guard let externalID = draft.externalID, let id = ids[externalID], let type = decision.event else { return nil }
            let dimensions = AnalyticsDimensions(
                documentType: draft.documentType, externalSource: draft.externalSource, organizationID: draft.organizationID)
            return (id, nil, dimensions, [.init(type: type, details: details.merging(decision.details) { _, rule in rule })])
        }
        let appended = try await tx.events.append(chains, at: now)
        try await tx.documents.numberImported(ids: Array(ids.values), chainHeads: appended.heads)
        // The documents are read back only when an endpoint wants to hear of them.
        guard !audience.subscribers.isEmpty else { return }
        let created = try await tx.documents.lockImported(ids: Array(ids.values))
        for (document, decision) in zip(new, decisions) {
            guard let id = ids[document.externalID], let row = created[id]?.locked.document else { continue }
            let types = [.documentCreated] + [decision.event.flatMap { WebhookEventType.announcing($0, status: row.status) }].compactMap { $0 }
            try await tx.announce(types, row, at: now, to: audience)
        }
    }

    /// The customers' organizations and contacts: known ones by id, the others (described by the
    /// page or fetched) adopted by email or created.
    private func resolve(_ ids: Set<String>, described: [ImportedCustomer], in tx: Transaction) async throws -> [String: CustomerRepository.Party] {
        var parties = try await tx.customers.parties(source: partner.externalSource, ids: ids.sorted())
        for customer in described where ids.contains(customer.externalID) && parties[customer.externalID] == nil {
            parties[customer.externalID] = try await tx.customers.adopt(customer, source: partner.externalSource)
        }
        return parties
    }

    /// The fields as imported, to compare with on the next sync.
    static func snapshot(_ document: ImportedDocument) -> [String: JSONValue] {
        fields(
            title: document.title, currency: document.currency, amount: document.amount, dueDate: document.dueDate,
            externalURL: document.externalURL, pdfURL: document.pdfURL, number: document.number.map(JSONValue.string))
    }

    /// A document's own fields in the snapshot's form.
    private static func snapshot(of document: Document) -> [String: JSONValue] {
        fields(
            title: document.title, currency: document.currency, amount: document.totalAmount, dueDate: document.dueDate,
            externalURL: document.externalURL, pdfURL: document.pdfURL, number: document.metadata?["external_number"])
    }

    private static func fields(
        title: String, currency: String, amount: Decimal?, dueDate: CalendarDate?, externalURL: String?, pdfURL: String?, number: JSONValue?
    ) -> [String: JSONValue] {
        [
            "title": .string(title), "currency": .string(currency), "total_amount": amount.map { .string("\($0)") } ?? .null,
            "due_date": dueDate.map { .string($0.description) } ?? .null, "external_url": externalURL.map(JSONValue.string) ?? .null,
            "pdf_url": pdfURL.map(JSONValue.string) ?? .null, "number": number ?? .null,
        ]
    }

    private func draft(_ document: ImportedDocument, party: CustomerRepository.Party?) -> DocumentRepository.NewDocument {
        DocumentRepository.NewDocument(
            documentType: document.type, title: document.title, externalID: document.externalID, externalSource: partner.externalSource,
            externalURL: document.externalURL, recipientEmail: party?.email, recipientName: party?.name, recipientCompany: party?.company,
            contactID: party?.contactID, organizationID: party?.organizationID, totalAmount: document.amount, currency: document.currency,
            dueDate: document.dueDate, pdfURL: document.pdfURL, paymentURL: nil,
            metadata: document.number.map { ["external_number": .string($0)] }, prefillData: nil, createdBy: nil,
            externalSnapshot: Self.snapshot(document))
    }

    /// Takes the partner's value of each field staff left as last imported; true when a field changed.
    private func update(
        _ current: Document, snapshot: [String: JSONValue]?, to document: ImportedDocument, party: CustomerRepository.Party?, in tx: Transaction
    ) async throws -> Bool {
        let incoming = Self.snapshot(document)
        let had = Self.snapshot(of: current)
        // A field is staff's when it differs from what was imported (all of them, if never imported).
        func take(_ key: String) -> Bool { snapshot?[key] == had[key] }
        var metadata = current.metadata ?? [:]
        if take("number") { metadata["external_number"] = document.number.map(JSONValue.string) }
        let changes = DocumentRepository.ImportedChanges(
            title: take("title") ? document.title : current.title,
            totalAmount: take("total_amount") ? document.amount : current.totalAmount,
            currency: take("currency") ? document.currency : current.currency,
            dueDate: take("due_date") ? document.dueDate : current.dueDate,
            externalURL: take("external_url") ? document.externalURL : current.externalURL,
            pdfURL: take("pdf_url") ? document.pdfURL : current.pdfURL,
            metadata: metadata.isEmpty ? nil : metadata, party: party ?? .init(), snapshot: incoming)
        let fieldsChanged = changes.title != current.title || changes.totalAmount != current.totalAmount
            || changes.currency != current.currency || changes.dueDate != current.dueDate || changes.externalURL != current.externalURL
            || changes.pdfURL != current.pdfURL || changes.metadata != current.metadata
            || (current.organizationID == nil && party?.organizationID != nil) || (current.contactID == nil && party?.contactID != nil)
        guard fieldsChanged || snapshot != incoming else { return false }
        try await tx.documents.updateImported(id: current.id, changes)
        if changes.title != current.title { try await tx.documents.indexWords(of: current.id...current.id) }
        return fieldsChanged
    }
}
