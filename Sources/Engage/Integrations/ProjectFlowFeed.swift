import Foundation

/// ProjectFlow's approvals API, as Oui Engage defines the contract (docs/sync.md):
/// `GET {base}/api/v1/approvals?page=&per_page=&updated_since=` with a bearer token, oldest change
/// first, answering `{data: [...], meta: {page, per_page, total_pages, total}}`; each approval
/// carries its client.
struct ProjectFlowFeed: PartnerFeed {
    let baseURL: String

    static let pageSize = 100
    let stages = ["approvals"]

    func pageURL(stage: String, cursor: String?, since: Date?) -> String {
        var url = "\(baseURL)/api/v1/approvals?page=\(cursor ?? "1")&per_page=\(Self.pageSize)"
        if let since { url += "&updated_since=\(PartnerJSON.query(PartnerJSON.timestamp(since)))" }
        return url
    }

    func page(_ body: Data, stage: String) throws(PartnerFailure) -> FeedPage {
        guard case .object(let page) = try PartnerJSON.decode(body, partner: .projectflow), case .array(let items)? = page["data"],
              case .object(let meta)? = page["meta"], let number = Self.count(meta["page"]), let pages = Self.count(meta["total_pages"])
        else {
            throw PartnerFailure(kind: .rejected, description: "ProjectFlow answered a page of approvals without data and meta.page/total_pages.")
        }
        var customers: [ImportedCustomer] = []
        let documents = items.map { value -> Result<ImportedDocument, ItemProblem> in
            let result = Self.document(value)
            if case .success(let document) = result, case .object(let item) = value, case .object(let client)? = item["client"],
               let id = document.customerID {
                customers.append(Self.customer(id: id, client))
            }
            return result
        }
        return FeedPage(
            items: documents, customers: customers, next: number < pages ? String(number + 1) : nil,
            total: Self.count(meta["total"]))
    }

    private static func count(_ value: JSONValue?) -> Int? {
        guard case .number(let number)? = value, let whole = InputReader.wholeNumber(number), whole >= 0 else { return nil }
        return Int(exactly: whole)
    }

    /// pending → pending, approved → accepted, rejected → rejected, cancelled → cancelled.
    static func document(_ value: JSONValue) -> Result<ImportedDocument, ItemProblem> {
        guard case .object(let item) = value else { return .failure(ItemProblem(externalID: nil, message: "The item is not an object.")) }
        guard let id = PartnerJSON.identifier(item["id"]) else {
            return .failure(ItemProblem(externalID: nil, message: "The approval has no id."))
        }
        do {
            let reference = PartnerJSON.text(item["reference"])
            let title = PartnerJSON.text(item["title"]) ?? reference.map { "Approval \($0)" } ?? "Approval \(id)"
            let status: DocumentStatus = switch PartnerJSON.text(item["status"]) {
            case "approved": .accepted
            case "rejected": .rejected
            case "cancelled": .cancelled
            default: .pending
            }
            let client: String? = if case .object(let client)? = item["client"] { PartnerJSON.identifier(client["id"]) } else { nil }
            return .success(ImportedDocument(
                externalID: id, type: .projectApproval, number: reference.map { String($0.prefix(64)) },
                title: String(title.unicodeScalars.prefix(255)), amount: try PartnerJSON.amount(item["amount"]),
                currency: try PartnerJSON.currency(item["currency"]), dueDate: try PartnerJSON.date(item["due_date"]),
                externalURL: PartnerJSON.webAddress(item["url"]), pdfURL: PartnerJSON.webAddress(item["pdf_url"]),
                status: status, customerID: client))
        } catch {
            return .failure(ItemProblem(externalID: id, message: "Not imported: \(error.text)."))
        }
    }

    private static func customer(id: String, _ client: [String: JSONValue]) -> ImportedCustomer {
        ImportedCustomer(
            externalID: id, isCompany: PartnerJSON.text(client["type"]) != "person",
            name: String((PartnerJSON.text(client["name"]) ?? "Client \(id)").prefix(200)),
            email: PartnerJSON.text(client["email"]).flatMap { EmailAddress.isValid($0) ? $0 : nil })
    }

    func customersURL(ids: [String]) -> String? { nil }

    func customers(_ body: Data) throws(PartnerFailure) -> [ImportedCustomer] { [] }

    var probeURL: String { "\(baseURL)/api/v1/me" }

    func account(_ body: Data) -> String? {
        guard case .object(let me)? = try? PartnerJSON.decode(body, partner: .projectflow), case .object(let account)? = me["account"] else {
            return nil
        }
        return PartnerJSON.text(account["name"])
    }

    func pushRequest(type: DocumentType, externalID: String, status: DocumentStatus) -> (method: String, url: String, body: Data)? {
        nil
    }
}
