import Foundation
import Logging

/// How log lines are written (`ENGAGE_LOG_FORMAT`).
public enum LogFormat: String, Sendable, CaseIterable {
    /// swift-log's one line of text per entry, for people.
    case text
    /// One JSON object per line, for log collectors.
    case json
}

/// Writes each entry as one JSON object on one line of standard error: `time` (UTC, milliseconds),
/// `level`, `label`, `message`, `source`, then the metadata as members of their own
/// (`request_id`, `route`, `status`, …).
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let output: @Sendable ([UInt8]) -> Void

    /// A handler writing to standard error; `output` replaces it (tests).
    public init(label: String, level: Logger.Level, output: (@Sendable ([UInt8]) -> Void)? = nil) {
        self.label = label
        self.logLevel = level
        self.output = output ?? Self.standardError
        self.metadataProvider = LoggingSystem.metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { $1 } }
        if let given = event.metadata { fields.merge(given) { $1 } }
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.key("time"); w.value(Self.timestamp(Date()))
        w.key("level"); w.value(event.level.rawValue)
        w.key("label"); w.value(label)
        w.key("message"); w.value(event.message.description)
        w.key("source"); w.value(event.source)
        for (key, value) in fields.sorted(by: { $0.key < $1.key })
        where !["time", "level", "label", "message", "source"].contains(key) {
            w.key(named: key)
            Self.write(value, into: &w)
        }
        w.endObject()
        output(w.bytes + [UInt8(ascii: "\n")])
    }

    private static func write(_ value: Logger.Metadata.Value, into w: inout JSONWriter) {
        switch value {
        case .string(let text): w.value(text)
        case .stringConvertible(let convertible): w.value(convertible.description)
        case .array(let values):
            w.beginArray()
            for element in values { write(element, into: &w) }
            w.endArray()
        case .dictionary(let members):
            w.beginObject()
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                w.key(named: key)
                write(member, into: &w)
            }
            w.endObject()
        }
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// One `write` per line, so that lines from several threads never interleave.
    private static let standardError: @Sendable ([UInt8]) -> Void = { line in
        line.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
