/// A record asked for by id does not exist (or is deleted, where deletion hides it).
public struct RecordNotFound: Error, Sendable, Equatable {
    /// What was looked for, for the message: "Document", "Contact", "Organization".
    public let resource: String
    public let id: Int64

    public init(_ resource: String, id: Int64) {
        self.resource = resource
        self.id = id
    }
}
