/// The show payload of a document: the document, its links, its latest events and messages.
public struct DocumentDetails: Sendable, JSONWritable {
    public let document: Document
    public let tokens: [RecipientLink]
    public let recentEvents: [DocumentEvent]
    /// The newest emails and SMS sent about it, with their delivery status.
    public let messages: [OutboxMessage]
    /// Its parties in step order (none: the single implicit recipient).
    public let parties: [DocumentParty]
    /// Its price tables, priced.
    public let content: PriceContent

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
            w.key("messages")
            w.beginArray()
            for message in messages { message.writeJSON(&w) }
            w.endArray()
            w.key("parties")
            w.beginArray()
            for party in parties { party.writeJSON(&w) }
            w.endArray()
            w.key("content")
            content.writeJSON(&w)
        }
    }
}
