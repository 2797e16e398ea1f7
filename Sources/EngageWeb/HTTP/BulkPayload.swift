import Engage

/// A bulk operation's answer: how many were done and failed, then each item's own answer in the
/// order asked (by document id, or by index in the request) — its data, or its error as the
/// single operation would have given it.
struct BulkPayload<Outcome>: JSONWritable {
    let results: [(key: Int64, result: Result<Outcome, any Error>)]
    /// What each result is keyed by: "document_id" or "index".
    let keyName: StaticString
    /// The count's name for those done ("queued", "updated", "deleted").
    let done: String
    let writeData: (Outcome, inout JSONWriter) -> Void
    /// Members written before the counts (the operation's own answer, such as an export's address).
    let writeLead: (inout JSONWriter) -> Void

    init(
        results: [(documentID: Int64, result: Result<Outcome, any Error>)], done: String,
        lead: @escaping (inout JSONWriter) -> Void = { _ in }, writeData: @escaping (Outcome, inout JSONWriter) -> Void
    ) {
        self.results = results.map { ($0.documentID, $0.result) }
        keyName = "document_id"
        self.done = done
        self.writeLead = lead
        self.writeData = writeData
    }

    /// Results in request order, keyed by their index (a batch of new items).
    init(indexed results: [Result<Outcome, any Error>], done: String, writeData: @escaping (Outcome, inout JSONWriter) -> Void) {
        self.results = results.enumerated().map { (Int64($0.offset), $0.element) }
        keyName = "index"
        self.done = done
        writeLead = { _ in }
        self.writeData = writeData
    }

    func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        writeLead(&w)
        w.key(named: done); w.value(results.filter { if case .success = $0.result { true } else { false } }.count)
        w.key("failed"); w.value(results.filter { if case .failure = $0.result { true } else { false } }.count)
        w.key("results")
        w.beginArray()
        for (key, result) in results {
            w.beginObject()
            w.key(keyName); w.value(key)
            switch result {
            case .success(let outcome):
                w.key("success"); w.value(true)
                w.key("data"); writeData(outcome, &w)
            case .failure(let error):
                w.key("success"); w.value(false)
                w.key("error"); (APIError.from(error) ?? .notFound()).writeJSON(&w)
            }
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}

extension APIError: JSONWritable {
    /// The error object of an envelope, for answers that hold several (bulk and batch results).
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("code"); w.value(code)
        w.key("message"); w.value(message)
        w.key("details")
        w.beginArray()
        for detail in details {
            w.beginObject()
            w.key("field"); w.value(detail.field)
            w.key("code"); w.value(detail.code)
            w.key("message"); w.value(detail.message)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}
