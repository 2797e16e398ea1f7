import Foundation

/// Pennylane's API v2 (company API): quotes, then customer invoices, 100 at a time with its
/// cursor pagination (`cursor`, `limit`; answers `items`, `has_more`, `next_cursor`), changes
/// since a time by the `filter` parameter on `updated_at`; customers fetched by id, 100 at a time.
struct PennylaneFeed: PartnerFeed {
    let baseURL: String

    static let pageSize = 100
    let stages = ["quotes", "customer_invoices"]

    func pageURL(stage: String, cursor: String?, since: Date?) -> String {
        var url = "\(baseURL)/\(stage)?limit=\(Self.pageSize)"
        if let cursor { url += "&cursor=\(PartnerJSON.query(cursor))" }
        if let since {
            let filter = #"[{"field":"updated_at","operator":"gteq","value":"\#(PartnerJSON.timestamp(since))"}]"#
            url += "&filter=\(PartnerJSON.query(filter))"
        }
        return url
    }

    func page(_ body: Data, stage: String) throws(PartnerFailure) -> FeedPage {
        guard case .object(let page) = try PartnerJSON.decode(body, partner: .pennylane), case .array(let items)? = page["items"] else {
            throw PartnerFailure(kind: .rejected, description: "Pennylane answered a page of \(stage) without its items.")
        }
        let next: String? = page["has_more"] == .bool(true) ? PartnerJSON.text(page["next_cursor"]) : nil
        if page["has_more"] == .bool(true), next == nil {
            throw PartnerFailure(kind: .rejected, description: "Pennylane said more \(stage) follow but gave no next_cursor.")
        }
        return FeedPage(items: items.map { Self.document($0, quote: stage == "quotes") }, next: next)
    }

    /// One quote or customer invoice as a document.
    static func document(_ value: JSONValue, quote: Bool) -> Result<ImportedDocument, ItemProblem> {
        guard case .object(let item) = value else { return .failure(ItemProblem(externalID: nil, message: "The item is not an object.")) }
        guard let id = PartnerJSON.identifier(item["id"]) else {
            return .failure(ItemProblem(externalID: nil, message: "The item has no id."))
        }
        do {
            let number = PartnerJSON.text(quote ? item["quote_number"] : item["invoice_number"])
            let label = PartnerJSON.text(item["label"]) ?? number.map { quote ? "Quote \($0)" : "Invoice \($0)" } ?? "\(quote ? "Quote" : "Invoice") \(id)"
            let customer: String? = if case .object(let customer)? = item["customer"] { PartnerJSON.identifier(customer["id"]) } else { nil }
            return .success(ImportedDocument(
                externalID: id, type: quote ? .pennylaneQuote : .pennylaneInvoice, number: number.map { String($0.prefix(64)) },
                title: String(label.unicodeScalars.prefix(255)), amount: try PartnerJSON.amount(item["amount"]),
                currency: try PartnerJSON.currency(item["currency"]), dueDate: try PartnerJSON.date(item["deadline"]),
                externalURL: PartnerJSON.webAddress(item["url"]), pdfURL: PartnerJSON.webAddress(item["public_file_url"]),
                status: quote ? quoteStatus(item) : invoiceStatus(item), customerID: customer))
        } catch {
            return .failure(ItemProblem(externalID: id, message: "Not imported: \(error.text)."))
        }
    }

    /// pending → pending; accepted or invoiced → accepted; denied → rejected; expired → expired.
    private static func quoteStatus(_ item: [String: JSONValue]) -> DocumentStatus {
        switch PartnerJSON.text(item["status"]) {
        case "accepted", "invoiced": .accepted
        case "denied", "refused": .rejected
        case "expired": .expired
        default: .pending
        }
    }

    /// Paid (or `paid: true`) → paid; cancelled → cancelled; a draft stays a draft; the rest waits (pending).
    private static func invoiceStatus(_ item: [String: JSONValue]) -> DocumentStatus {
        if item["paid"] == .bool(true) { return .paid }
        switch PartnerJSON.text(item["status"]) {
        case "paid": return .paid
        case "cancelled": return .cancelled
        case "draft": return .draft
        default: return .pending
        }
    }

    func customersURL(ids: [String]) -> String? {
        let list = ids.map { id in Int64(id).map(String.init) ?? "\"\(id)\"" }.joined(separator: ",")
        let filter = #"[{"field":"id","operator":"in","value":[\#(list)]}]"#
        return "\(baseURL)/customers?limit=\(Self.pageSize)&filter=\(PartnerJSON.query(filter))"
    }

    func customers(_ body: Data) throws(PartnerFailure) -> [ImportedCustomer] {
        guard case .object(let page) = try PartnerJSON.decode(body, partner: .pennylane), case .array(let items)? = page["items"] else {
            throw PartnerFailure(kind: .rejected, description: "Pennylane answered a list of customers without its items.")
        }
        return items.compactMap { value in
            guard case .object(let item) = value, let id = PartnerJSON.identifier(item["id"]) else { return nil }
            let email: String? = if case .array(let emails)? = item["emails"] { PartnerJSON.text(emails.first) } else { nil }
            let person = [PartnerJSON.text(item["first_name"]), PartnerJSON.text(item["last_name"])].compactMap { $0 }.joined(separator: " ")
            let name = PartnerJSON.text(item["name"]) ?? (person.isEmpty ? "Customer \(id)" : person)
            return ImportedCustomer(
                externalID: id, isCompany: PartnerJSON.text(item["customer_type"]) != "individual", name: String(name.prefix(200)),
                email: email.flatMap { EmailAddress.isValid($0) ? $0 : nil })
        }
    }

    var probeURL: String { "\(baseURL)/me" }

    func account(_ body: Data) -> String? {
        guard case .object(let me)? = try? PartnerJSON.decode(body, partner: .pennylane), case .object(let company)? = me["company"] else {
            return nil
        }
        return PartnerJSON.text(company["name"])
    }

    /// `PUT /quotes/{id}/update_status` with `accepted` (signed here means accepted there too).
    func pushRequest(type: DocumentType, externalID: String, status: DocumentStatus) -> (method: String, url: String, body: Data)? {
        guard type == .pennylaneQuote, status == .accepted || status == .signed else { return nil }
        return ("PUT", "\(baseURL)/quotes/\(PartnerJSON.query(externalID))/update_status", Data(#"{"status":"accepted"}"#.utf8))
    }
}
