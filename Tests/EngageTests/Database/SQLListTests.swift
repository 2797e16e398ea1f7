@testable import Engage
import Testing

@Suite("SQL lists")
struct SQLListTests {
    @Test("a list grows to the next power of two by repeating its last value; short ones stay as they are")
    func padded() {
        #expect(SQLList.padded([Int]()) == [])
        #expect(SQLList.padded([7]) == [7])
        #expect(SQLList.padded([7, 8]) == [7, 8])
        #expect(SQLList.padded([1, 2, 3]) == [1, 2, 3, 3])
        #expect(SQLList.padded([1, 2, 3, 4]) == [1, 2, 3, 4])
        #expect(SQLList.padded(Array(1...5)) == [1, 2, 3, 4, 5, 5, 5, 5])
        for count in 3...600 {
            let padded = SQLList.padded(Array(0..<count))
            #expect(padded.count >= count && padded.count < 2 * count && padded.count & (padded.count - 1) == 0)
            #expect(Array(padded.prefix(count)) == Array(0..<count) && Set(padded.dropFirst(count)).isSubset(of: [count - 1]))
        }
    }
}
