/// The show payload of a document: the document, its links and its latest events.
public struct DocumentDetails: Sendable, JSONWritable {
    public let document: Document
    public let tokens: [AccessToken]
    public let recentEvents: [DocumentEvent]

    public func writeJSON(_ w: inout JSONWriter) {
        document.writeJSON(&w) { w in
            w.key("tokens")
            w.beginArray()
            for token in tokens { token.writeJSON(&w) }
            w.endArray()
            w.key("recent_events")
            w.beginArray()
            for event in recentEvents { event.writeJSON(&w) }
            w.endArray()
        }
    }
}
