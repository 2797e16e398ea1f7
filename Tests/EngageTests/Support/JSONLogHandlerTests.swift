import Engage
import Foundation
import Logging
import Synchronization
import Testing

@Suite("JSON logs")
struct JSONLogHandlerTests {
    @Test("one JSON object per line: time, level, label, message, source, then the metadata as members")
    func line() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "engage") { label in
            JSONLogHandler(label: label, level: .info) { bytes in lines.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) } }
        }
        logger[metadataKey: "request_id"] = "abc"
        logger.debug("hidden")
        logger.warning("delivery failed, \"will\" retry\nlater", metadata: [
            "attempt": "3", "ids": .array(["1", "2"]), "where": .dictionary(["node": "db2"]),
        ])
        let written = lines.withLock { $0 }
        #expect(written.count == 1, "below the level: not written")
        let line = try #require(written.first)
        #expect(line.hasSuffix("\n") && line.dropLast().contains("\n") == false)
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "warning")
        #expect(object["label"] as? String == "engage")
        #expect(object["message"] as? String == "delivery failed, \"will\" retry\nlater")
        #expect(object["request_id"] as? String == "abc")
        #expect(object["attempt"] as? String == "3")
        #expect(object["ids"] as? [String] == ["1", "2"])
        #expect((object["where"] as? [String: String]) == ["node": "db2"])
        let time = try #require(object["time"] as? String)
        #expect(try Date(time, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)).timeIntervalSinceNow > -5)
    }
}
