@testable import Engage
import Foundation
import TestSupport
import Testing

@Suite("Idempotency store")
struct IdempotencyStoreTests {
    @Test("expired keys are purged in batches, live ones kept; an expired key may be claimed again")
    func purge() async throws {
        try await TestDatabase.withMigratedPool { pool in
            let database = Database(pool: pool)
            let store = IdempotencyStore(database: database)
            let answer = IdempotencyStore.Answer(status: 201, location: nil, body: Data("{}".utf8))
            for key in ["old-1", "old-2", "new-1"] {
                #expect(try await store.start(caller: "key:1", key: key, fingerprint: Data(repeating: 1, count: 32)) == .proceed)
                try await store.finish(caller: "key:1", key: key, answer: answer)
            }
            try await database.statements { tx in
                try await tx.connection.execute(
                    "UPDATE idempotency_keys SET created_at = created_at - INTERVAL 2 DAY WHERE idempotency_key LIKE 'old-%'")
            }
            #expect(try await database.statements { try await $0.idempotency.purge(before: Date().addingTimeInterval(-86_400), limit: 1_000) } == 2)
            #expect(try await store.start(caller: "key:1", key: "new-1", fingerprint: Data(repeating: 1, count: 32)) == .replay(answer))
            #expect(try await store.start(caller: "key:1", key: "old-1", fingerprint: Data(repeating: 2, count: 32)) == .proceed)
        }
    }
}
