import Foundation

/// Where a documents list goes on from: the sort, and the sort value and id of the last row shown.
/// Opaque to clients (base64url); it lets a list be followed past any depth without an `OFFSET`.
public struct DocumentCursor: Sendable, Equatable {
    let sort: DocumentQuery.Sort
    let order: DocumentQuery.Order
    /// The last row's sort value as SQL compares it (nil when the column is NULL there).
    let value: String?
    let id: Int64

    /// The cursor as the `cursor` parameter carries it.
    public var encoded: String {
        let fields = [sort.rawValue, order.rawValue, String(id), value.map { "v" + $0 } ?? "n"]
        return Data(fields.joined(separator: "\n").utf8).base64URLEncoded()
    }

    /// The cursor a list gave; nil for anything else.
    init?(encoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard text.count <= 400, let data = Data(base64Encoded: base64) else { return nil }
        let fields = String(decoding: data, as: UTF8.self).split(separator: "\n", maxSplits: 3, omittingEmptySubsequences: false)
        guard fields.count == 4, let sort = DocumentQuery.Sort(rawValue: String(fields[0])),
              let order = DocumentQuery.Order(rawValue: String(fields[1])), let id = Int64(fields[2]), id > 0
        else { return nil }
        let value = fields[3]
        guard value == "n" || value.hasPrefix("v") else { return nil }
        self.init(sort: sort, order: order, value: value == "n" ? nil : String(value.dropFirst()), id: id)
    }

    init(sort: DocumentQuery.Sort, order: DocumentQuery.Order, value: String?, id: Int64) {
        self.sort = sort
        self.order = order
        self.value = value
        self.id = id
    }

    /// The cursor after `document` in a list sorted by `sort` and `order`.
    init(after document: Document, sort: DocumentQuery.Sort, order: DocumentQuery.Order) {
        let value: String? = switch sort {
        case .createdAt: EventChain.timestamp(document.createdAt)
        case .updatedAt: EventChain.timestamp(document.updatedAt)
        case .documentType: document.documentType.rawValue
        case .status: document.status.rawValue
        case .totalAmount: document.totalAmount.map { "\($0)" }
        case .dueDate: document.dueDate?.description
        }
        self.init(sort: sort, order: order, value: value, id: document.id)
    }
}
