import Engage

/// A bulk operation's answer: how many were done and failed, then each document's own answer in
/// the order asked — its data, or its error as the single operation would have given it.
struct BulkPayload<Outcome>: JSONWritable {
    let results: [(documentID: Int64, result: Result<Outcome, any Error>)]
    /// The count's name for those done ("queued", "updated", "deleted").
    let done: String
    let writeData: (Outcome, inout JSONWriter) -> Void
    /// Members written before the counts (the operation's own answer, such as an export's address).
    let writeLead: (inout JSONWriter) -> Void

    init(
        results: [(documentID: Int64, result: Result<Outcome, any Error>)], done: String,
        lead: @escaping (inout JSONWriter) -> Void = { _ in }, writeData: @escaping (Outcome, inout JSONWriter) -> Void
    ) {
        self.results = results
        self.done = done
        self.writeLead = lead
        self.writeData = writeData
    }

    func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        writeLead(&w)
        w.key(named: done); w.value(results.filter { if case .success = $0.result { true } else { false } }.count)
        w.key("failed"); w.value(results.filter { if case .failure = $0.result { true } else { false } }.count)
        w.key("results")
        w.beginArray()
        for (documentID, result) in results {
            w.beginObject()
            w.key("document_id"); w.value(documentID)
            switch result {
            case .success(let outcome):
                w.key("success"); w.value(true)
                w.key("data"); writeData(outcome, &w)
            case .failure(let error):
                let apiError = APIError.from(error) ?? .notFound()
                w.key("success"); w.value(false)
                w.key("error")
                w.beginObject()
                w.key("code"); w.value(apiError.code)
                w.key("message"); w.value(apiError.message)
                w.key("details")
                w.beginArray()
                for detail in apiError.details {
                    w.beginObject()
                    w.key("field"); w.value(detail.field)
                    w.key("code"); w.value(detail.code)
                    w.key("message"); w.value(detail.message)
                    w.endObject()
                }
                w.endArray()
                w.endObject()
            }
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}
